import ExcelJS from 'exceljs';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { addDays } from '../src/grading/rules/dates';
import { createEnterprise } from './helpers/fixtures';
import { waitForJob } from './helpers/jobs';
import { bootTestApp, TestApp, unique, userWithToken } from './helpers/test-app';

const year = Number(chinaToday().slice(0, 4));
let serial = 300000;
const highTechNo = (issuedOn: string) => `GR${issuedOn.slice(0, 4)}35${String(serial++).padStart(6, '0')}`;
const payee = {
  accountName: '厦门测试科技有限公司',
  bankName: '中国工商银行厦门分行',
  accountNumber: '4100021709200123456',
};

describe('subsidies: a grant from match to payment, four eyes, export and clawback', () => {
  let t: TestApp;
  let caseworker: { token: string; id: string };
  let runner: { token: string; id: string };
  let approver: { token: string; id: string };
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
    runner = await userWithToken(t, 'manager');
    approver = await userWithToken(t, 'manager');
  });
  afterAll(() => t.close());

  const post = async (url: string, body: unknown, token: string, status = 200) => {
    const res = await t.http.post(url, body, token);
    expect({ url, status: res.statusCode, body: res.statusCode === status ? null : res.json() }).toEqual({
      url,
      status,
      body: null,
    });
    return res.json();
  };
  const grantsOf = async (id: string, token = t.adminToken) => {
    await t.drainOutbox();
    return (await t.http.get(`/api/enterprises/${id}/grants`, token)).json().items as any[];
  };
  const programme = async (code: string) =>
    (await t.http.get(`/api/programmes?code=${code}&status=active`, t.adminToken)).json().items[0];

  it('walks eligible → notified → confirmed → approved → paid, with a second manager approving (四眼原则)', async () => {
    const district = unique('沙盘区');
    const e = await createEnterprise(t, { district });
    const user = await userWithToken(t, 'enterprise', { enterpriseId: e.id });
    const p = await post(
      '/api/programmes',
      {
        code: 'green_bonus',
        name: '绿码企业奖励',
        period: year,
        districts: [district],
        trigger: { event: 'manual' },
        rule: { '==': [{ var: 'enterprise.tier' }, 'startup'] },
        amount: { fixed: 20_000 },
        budget: 1_000_000,
        status: 'active',
      },
      runner.token,
      201,
    );
    const run = await post(`/api/programmes/${p.id}/runs`, {}, runner.token, 202);
    const job = await waitForJob(t, run.jobId, runner.token);
    expect(job).toMatchObject({ status: 'completed', total: 1, done: 1, result: { eligible: 1 } });
    const [grant] = await grantsOf(e.id, user.token);
    // The enterprise has a user: it was told in-app and the grant moved on.
    expect(grant).toMatchObject({ programmeCode: 'green_bonus', state: 'notified', amount: 20_000, period: year });
    expect(grant.why.trigger).toMatchObject({ type: 'manual', jobId: run.jobId });

    const other = await createEnterprise(t);
    const stranger = await userWithToken(t, 'enterprise', { enterpriseId: other.id });
    expect((await t.http.post(`/api/grants/${grant.id}/confirm`, payee, stranger.token)).statusCode).toBe(404);
    expect((await t.http.post(`/api/grants/${grant.id}/approve`, {}, approver.token)).json().code).toBe(
      'EVENT_NOT_ALLOWED',
    );
    const bad = await t.http.post(`/api/grants/${grant.id}/confirm`, { ...payee, accountNumber: 'x' }, user.token);
    expect(bad.json().fields[0].field).toBe('accountNumber');
    expect((await post(`/api/grants/${grant.id}/confirm`, payee, user.token)).state).toBe('confirmed');
    await t.drainOutbox();
    const inbox = (await t.http.get('/api/notifications', approver.token)).json().items;
    expect(inbox.some((n: any) => n.kind === 'grant.awaiting_approval' && n.payload.grantId === grant.id)).toBe(true);

    const self = await t.http.post(`/api/grants/${grant.id}/approve`, {}, runner.token);
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('SEPARATION_OF_DUTIES');
    const approved = await post(`/api/grants/${grant.id}/approve`, {}, approver.token);
    expect(approved).toMatchObject({ state: 'approved', approvedBy: approver.id, payee });

    const csv = await t.http.get('/api/grants/export?programmeCode=green_bonus&format=csv', approver.token);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('grantId,programmeCode');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(grant.id);
    expect(lines[1]).toContain('4100021709200123456');
    const xlsx = await t.http.request(
      'GET',
      '/api/grants/export?programmeCode=green_bonus&format=xlsx',
      undefined,
      approver.token,
    );
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((xlsx as any).rawPayload);
    const sheet = book.worksheets[0];
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(1).value).toBe(grant.id);
    expect((await t.http.get('/api/grants/export', caseworker.token)).statusCode).toBe(403);

    // A payment is dated neither after today nor before the approval (today here).
    for (const paidOn of [addDays(chinaToday(), 1), addDays(chinaToday(), -1)]) {
      const wrong = await t.http.post(`/api/grants/${grant.id}/pay`, { reference: 'CZ-0001', paidOn }, approver.token);
      expect({ status: wrong.statusCode, fields: wrong.json().fields?.map((f: any) => f.field) }).toEqual({
        status: 400,
        fields: ['paidOn'],
      });
    }
    const paid = await post(`/api/grants/${grant.id}/pay`, { reference: 'CZ-0001' }, approver.token);
    expect(paid).toMatchObject({ state: 'paid', paymentReference: 'CZ-0001', paidOn: chinaToday() });
    const after = (await t.http.get('/api/grants/export?programmeCode=green_bonus', approver.token)).body;
    expect(
      after
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(1);
  });

  it('an enterprise without users is notified by a caseworker; cancelling gives the amount back', async () => {
    const e = await createEnterprise(t);
    await post(
      `/api/enterprises/${e.id}/certifications`,
      { tier: 'high_tech', number: highTechNo(`${year}-02-01`), issuedOn: `${year}-02-01` },
      caseworker.token,
      201,
    );
    const [grant] = await grantsOf(e.id);
    expect(grant).toMatchObject({ programmeCode: 'high_tech_first', state: 'eligible', reserved: true });
    const before = (await programme('high_tech_first')).reserved;
    expect((await post(`/api/grants/${grant.id}/notify`, {}, caseworker.token)).state).toBe('notified');
    const cancelled = await post(`/api/grants/${grant.id}/cancel`, { reason: '企业放弃' }, runner.token);
    expect(cancelled).toMatchObject({ state: 'cancelled', reserved: false, reason: '企业放弃' });
    expect((await programme('high_tech_first')).reserved).toBe(before - 300_000);
    expect((await t.http.post(`/api/grants/${grant.id}/cancel`, { reason: '再次' }, runner.token)).statusCode).toBe(
      409,
    );
  });

  it('revocation for fraud claws back paid grants resting on the certification and cancels unpaid ones', async () => {
    const flow = async (pay: boolean) => {
      const e = await createEnterprise(t);
      const cert = await post(
        `/api/enterprises/${e.id}/certifications`,
        { tier: 'high_tech', number: highTechNo(`${year}-03-03`), issuedOn: `${year}-03-03` },
        caseworker.token,
        201,
      );
      const [grant] = await grantsOf(e.id);
      if (pay) {
        await post(`/api/grants/${grant.id}/notify`, {}, caseworker.token);
        await post(`/api/grants/${grant.id}/confirm`, payee, caseworker.token);
        await post(`/api/grants/${grant.id}/approve`, {}, approver.token);
        await post(`/api/grants/${grant.id}/pay`, { reference: `CZ-${e.id.slice(0, 6)}` }, approver.token);
      }
      return { e, cert, grant };
    };
    const paid = await flow(true);
    const unpaid = await flow(false);
    const reservedBefore = (await programme('high_tech_first')).reserved;
    for (const { e, cert } of [paid, unpaid]) {
      const proposal = await post(
        `/api/enterprises/${e.id}/revocations`,
        { certificationId: cert.id, reason: '弄虚作假', fraud: true },
        caseworker.token,
        201,
      );
      await post(`/api/enterprises/${e.id}/revocations/${proposal.id}/confirm`, {}, approver.token);
    }
    const [clawed] = await grantsOf(paid.e.id);
    expect(clawed).toMatchObject({ id: paid.grant.id, state: 'clawed_back' });
    expect(clawed.reason).toContain('fraud');
    const [cancelled] = await grantsOf(unpaid.e.id);
    expect(cancelled).toMatchObject({ id: unpaid.grant.id, state: 'cancelled', reserved: false });
    // The unpaid reservation came back; the paid one stays spent.
    expect((await programme('high_tech_first')).reserved).toBe(reservedBefore - 300_000);
    const audit = (await t.http.get(`/api/audit?entityType=grant&entityId=${paid.grant.id}`, t.adminToken)).json();
    expect(audit.items.map((a: any) => a.event)).toEqual(
      expect.arrayContaining(['MATCHED', 'NOTIFY', 'CONFIRM', 'APPROVE', 'PAY', 'CLAW_BACK']),
    );
  });

  it('a revocation without fraud leaves the grants alone', async () => {
    const e = await createEnterprise(t);
    const cert = await post(
      `/api/enterprises/${e.id}/certifications`,
      { tier: 'high_tech', number: highTechNo(`${year}-04-04`), issuedOn: `${year}-04-04` },
      caseworker.token,
      201,
    );
    const [grant] = await grantsOf(e.id);
    const proposal = await post(
      `/api/enterprises/${e.id}/revocations`,
      { certificationId: cert.id, reason: '未按时年报', fraud: false },
      caseworker.token,
      201,
    );
    await post(`/api/enterprises/${e.id}/revocations/${proposal.id}/confirm`, {}, approver.token);
    expect((await grantsOf(e.id))[0]).toMatchObject({ id: grant.id, state: 'eligible' });
  });
});
