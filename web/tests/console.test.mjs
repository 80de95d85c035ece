/**
 * The web console in a real browser (Debian Chromium, headless, driven by playwright-core) against the real server:
 * an enterprise files indicators and watches its colour change, applies and submits; a caseworker accepts and draws
 * the panel; five reviewers score; the manager decides; the dashboard draws its charts; the admin manages users.
 * No uncaught page error or console error is allowed anywhere. Screenshots go to web/tests/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, PASSWORD, apiClient, launchBrowser, newPage, shot, signIn, startServer, uscc } from './support.mjs';

const problems = [];
let server;
let browser;
let api;
let admin;
const ids = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  api = apiClient(server.base);
  admin = api.as(await api.login('admin', ADMIN_PASSWORD));
  const enterprise = await admin.post('/api/enterprises', {
    uscc: uscc(20261121),
    name: '厦门云帆智能科技有限公司',
    district: '思明区',
    registeredOn: '2019-04-01',
    industry: '软件和信息技术服务业',
    contact: { name: '林晓', phone: '0592-5551234' },
  });
  ids.enterprise = enterprise.id;
  const user = (username, role, extra = {}) =>
    admin.post('/api/users', { username, password: PASSWORD, role, displayName: username, ...extra });
  await user('yunfan', 'enterprise', { enterpriseId: enterprise.id, displayName: '林晓（云帆科技）' });
  await user('cw.chen', 'caseworker', { displayName: '陈经办' });
  await user('mgr.wang', 'manager', { displayName: '王科长' });
  for (let i = 1; i <= 4; i++) await user(`tech${i}`, 'reviewer', { expertise: 'technical', displayName: `技术专家${i}` });
  for (let i = 1; i <= 2; i++) await user(`fin${i}`, 'reviewer', { expertise: 'finance', displayName: `财务专家${i}` });
  await user('temp.li', 'caseworker', { displayName: '李临时' });
  await user('pw.zhao', 'caseworker', { displayName: '赵经办' });
  // A second enterprise so lists and charts have more than one row.
  await admin.post('/api/enterprises', { uscc: uscc(7), name: '福州海峡新材料有限公司', district: '鼓楼区', registeredOn: '2022-08-15' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('web console', { concurrency: false }, () => {
  test('sign-in page: wrong password is said in words, the console is served at / with the SPA fallback', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await page.goto('/queue');
    await page.waitForURL('**/signin');
    await page.getByLabel('用户名').fill('yunfan');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('signin-error').waitFor();
    assert.match(await page.getByTestId('signin-error').innerText(), /用户名或密码错误/);
    await shot(page, '01-signin');
    await context.close();
  });

  test('enterprise fills indicators, sees its colour change, and submits an application', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await signIn(page, 'yunfan');
    assert.equal(await page.getByTestId('current-role').innerText(), '企业用户');
    await page.goto('/my/indicators');
    await page.getByTestId('indicators-form').waitFor();
    const fill = async (label, value) => page.getByLabel(label, { exact: true }).fill(String(value));
    await fill('职工总数', 120);
    await fill('科技人员数', 0);
    await fill('营业收入', 42000000);
    await fill('高新技术产品（服务）收入', 30000000);
    await fill('研发费用', 2200000);
    await fill('境内研发费用', 2000000);
    await fill('成本费用总额', 38000000);
    await fill('资产总额', 80000000);
    await fill('负债总额', 30000000);
    await fill('净资产', 50000000);
    await fill('Ⅱ类知识产权', 3);
    await page.getByLabel('核心技术属于国家重点支持的高新技术领域').click();
    // No tech staff: not a tech SME, so orange.
    const colour = page.getByTestId('checkup-colour');
    await page.waitForFunction(() => document.querySelector('[data-testid="checkup-colour"]')?.getAttribute('data-colour') === 'orange', null, { timeout: 15000 });
    assert.equal(await colour.getAttribute('data-colour'), 'orange');
    // Live validation: more tech staff than employees is refused before anything is sent.
    await fill('科技人员数', 130);
    await page.getByText('不能大于「职工总数」').waitFor();
    // 30 of 120 are tech staff: a tech SME meeting every known high-tech condition, so blue.
    await fill('科技人员数', 30);
    await page.waitForFunction(() => document.querySelector('[data-testid="checkup-colour"]')?.getAttribute('data-colour') === 'blue', null, { timeout: 15000 });
    assert.equal(await colour.getAttribute('data-colour'), 'blue');
    assert.ok((await page.getByTestId('high-tech-checks').innerText()).includes('满足'));
    await shot(page, '02-enterprise-indicators-checkup');
    // An optional amount typed and then cleared is not given, not 0 (a 0 would fail the revenue shares).
    await fill('总收入', 45000000);
    await fill('总收入', '');
    const saved = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/indicators/'));
    await page.getByTestId('save-indicators').click();
    assert.equal(JSON.parse((await saved).postData()).totalIncome ?? null, null);
    await page.getByText('年度指标已保存').waitFor();
    // The stored grade is refreshed shortly after a save; what is typed meanwhile is not wiped by it.
    const enterpriseUrl = new RegExp(`/api/enterprises/${ids.enterprise}$`);
    const refreshed = page.waitForResponse((r) => r.request().method() === 'GET' && enterpriseUrl.test(r.url()), { timeout: 15000 });
    await fill('职工总数', 121);
    await refreshed;
    await page.waitForTimeout(500);
    assert.equal(await page.getByLabel('职工总数', { exact: true }).inputValue(), '121');

    await page.goto('/my/applications');
    await page.getByTestId('empty').waitFor();
    await shot(page, '03-enterprise-applications-empty');
    await page.getByTestId('new-application').click();
    await page.getByTestId('target-tier').click();
    await page.locator('.ant-select-item-option[title="高新技术企业"]').click();
    await page.getByRole('button', { name: /创\s*建/ }).click();
    await page.waitForURL('**/applications/*');
    await page.getByTestId('event-SUBMIT').waitFor();
    ids.application = page.url().split('/').pop();
    await page.getByTestId('event-SUBMIT').click();
    await page.getByTestId('event-confirm').click();
    await page.waitForSelector('[data-testid="application-detail"][data-state="submitted"]');
    assert.ok(await page.getByTestId('event-WITHDRAW').isVisible(), 'the enterprise may still withdraw');
    await shot(page, '04-enterprise-application-submitted');
    await context.close();
  });

  test('caseworker works the queue: accepts the application and draws the panel', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await signIn(page, 'cw.chen');
    await page.getByTestId('open-application').first().waitFor();
    await shot(page, '05-caseworker-queue');
    await page.getByTestId('open-application').first().click();
    await page.getByTestId('event-ACCEPT').click();
    await page.getByTestId('event-confirm').click();
    await page.waitForSelector('[data-testid="application-detail"][data-state="accepted"]');
    await page.getByTestId('event-DRAW_PANEL').click();
    await page.getByTestId('event-confirm').click();
    await page.waitForSelector('[data-testid="application-detail"][data-state="under_review"]');
    assert.equal(await page.locator('[data-testid="panel-card"] tbody tr').count(), 5);
    await shot(page, '06-caseworker-panel-drawn');
    await page.goto('/enterprises');
    await page.getByText('厦门云帆智能科技有限公司').waitFor();
    await shot(page, '07-caseworker-enterprises');
    await context.close();
  });

  test('every panel member scores in the scoring form (finance experts score growth)', async () => {
    const app = await admin.get(`/api/applications/${ids.application}`);
    const users = (await admin.get('/api/users?role=reviewer&pageSize=50')).items;
    const panel = app.panel.map((m) => users.find((u) => u.id === m.reviewerId));
    assert.equal(panel.length, 5);
    const shotTaken = new Set();
    for (const reviewer of panel) {
      const { context, page } = await newPage(browser.browser, server.base, problems);
      await signIn(page, reviewer.username);
      await page.getByTestId('open-application').first().click();
      await page.getByTestId('score-form').waitFor();
      await page.getByLabel(/^知识产权/).fill('25');
      await page.getByLabel(/^科技成果转化能力/).fill('24');
      await page.getByLabel(/^研发组织管理水平/).fill('16');
      if (reviewer.expertise === 'finance') {
        assert.ok(await page.getByText('系统测算的成长性得分').isVisible());
        await page.getByLabel(/^成长性/).fill('12');
      }
      if (!shotTaken.has(reviewer.expertise)) {
        shotTaken.add(reviewer.expertise);
        await shot(page, `08-reviewer-scoring-${reviewer.expertise}`);
      }
      await page.getByTestId('submit-score').click();
      await page.getByTestId('no-actions').waitFor();
      await context.close();
    }
    const reviewed = await admin.get(`/api/applications/${ids.application}`);
    assert.equal(reviewed.state, 'reviewed');
  });

  test('manager decides, and the dashboard draws its charts', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await signIn(page, 'mgr.wang');
    await page.getByTestId('dashboard').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="chart"] canvas').length >= 3, null, { timeout: 20000 });
    const canvases = await page.locator('[data-testid="chart"] canvas').count();
    assert.ok(canvases >= 3, `expected charts, found ${canvases} canvases`);
    await shot(page, '09-manager-dashboard');

    await page.goto('/decisions');
    await page.getByTestId('open-application').first().click();
    await page.getByTestId('panel-result').waitFor();
    await page.getByTestId('event-DECIDE').click();
    await page.getByLabel('理由').fill('专家评审得分达标，材料齐全，同意认定');
    await page.getByTestId('event-confirm').click();
    await page.waitForSelector('[data-testid="application-detail"][data-state="public_notice"]');
    await page.getByTestId('decision').waitFor();
    await shot(page, '10-manager-decided');

    await page.goto('/programmes');
    await page.locator('.ant-table-row').first().waitFor();
    await shot(page, '11-manager-programmes');

    await page.goto('/reports');
    await page.locator('.ant-table-row').first().waitFor();
    await shot(page, '12-manager-reports');
    await context.close();
  });

  test('the enterprise is told of the decision; the language toggle switches to English', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await signIn(page, 'yunfan');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="unread-count"]')?.getAttribute('data-count')) > 0, null, { timeout: 15000 });
    await page.goto(`/applications/${ids.application}`);
    await page.waitForSelector('[data-testid="application-detail"][data-state="public_notice"]');
    await page.getByTestId('lang-toggle').getByText('EN').click();
    await page.getByText('Public notice').first().waitFor();
    assert.equal(await page.getByTestId('page-title').innerText(), 'Application');
    await shot(page, '13-enterprise-application-english');
    await page.getByTestId('lang-toggle').getByText('中文').click();
    await context.close();
  });

  test('admin sees users and roles, and the region rules', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    // A deep link opened signed out leads back to itself after signing in.
    await page.goto('/audit');
    await page.waitForURL('**/signin');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL('**/audit');
    // Who acted, by name, and the events in Chinese.
    await page.getByRole('cell', { name: 'Administrator' }).first().waitFor();
    await page.goto('/users');
    await page.getByText('cw.chen').waitFor();
    // antd's own texts are in Chinese too (zh_CN locale): a dialog's buttons read 取消 / 确定, not Cancel / OK.
    await page.getByRole('button', { name: '新建用户' }).click();
    await page.getByRole('dialog').getByRole('button', { name: /取\s*消/ }).click();
    await shot(page, '14-admin-users');
    await page.goto('/region-config');
    await page.getByText('保存为新版本').waitFor();
    await page.goto('/calendar');
    await page.getByText('已登记的特殊日期').waitFor();
    await context.close();
  });

  test('admin deactivates an account that can then no longer sign in; a user changes their own password', async () => {
    const { context, page } = await newPage(browser.browser, server.base, problems);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const row = page.getByRole('row', { name: /temp\.li/ });
    await row.getByRole('button', { name: /停\s*用/ }).click();
    await page.getByRole('tooltip').getByRole('button', { name: /确\s*定|OK/ }).click();
    await row.getByRole('button', { name: /启\s*用/ }).waitFor();
    await shot(page, '15-admin-user-deactivated');
    await assert.rejects(api.login('temp.li', PASSWORD), /401/);
    await context.close();

    const own = await newPage(browser.browser, server.base, problems);
    await signIn(own.page, 'pw.zhao');
    await own.page.getByRole('button', { name: '修改密码' }).click();
    await own.page.getByLabel('当前密码').fill(PASSWORD);
    await own.page.getByLabel('新密码').fill('Zhao-new-pass-2026');
    await own.page.getByRole('dialog').getByRole('button', { name: /确\s*定|OK/ }).click();
    await own.page.getByText('密码已修改').waitFor();
    // The session goes on with the fresh token; the old password is gone.
    await own.page.reload();
    await own.page.getByTestId('current-user').waitFor();
    assert.ok(await api.login('pw.zhao', 'Zhao-new-pass-2026'));
    await assert.rejects(api.login('pw.zhao', PASSWORD), /401/);
    await own.context.close();
  });

  test('no uncaught page errors or console errors anywhere', () => {
    assert.deepEqual(problems, []);
  });
});
