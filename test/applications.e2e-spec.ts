import { DataSource } from 'typeorm';
import { ApplicationDeadlineEntity, ApplicationEntity } from '../src/applications/application.entities';
import type { AppConfig } from '../src/config/app-config';
import { APP_CONFIG } from '../src/config/config.module';
import { ApplicationsSweepProcessor } from '../src/applications/applications-sweep.processor';
import { nextCertificateNumber } from '../src/applications/certificate-numbers';
import { WorkingCalendar } from '../src/calendar/working-calendar.service';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { addDays } from '../src/grading/rules/dates';
import { applicant, event, expectOk, reviewerPool, User } from './helpers/applications';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

const today = chinaToday();
const year = today.slice(0, 4);

describe('certification applications and their review', () => {
  let t: TestApp;
  let cw: User;
  let cw2: User;
  let manager: User;
  let reviewers: (User & { expertise: string })[];
  let calendar: WorkingCalendar;
  let sweep: ApplicationsSweepProcessor;
  beforeAll(async () => {
    t = await bootTestApp();
    cw = await userWithToken(t, 'caseworker');
    cw2 = await userWithToken(t, 'caseworker');
    manager = await userWithToken(t, 'manager');
    reviewers = await reviewerPool(t);
    calendar = t.app.get(WorkingCalendar);
    sweep = t.app.get(ApplicationsSweepProcessor);
  });
  afterAll(() => t.close());

  const tokenOf = (id: string) => reviewers.find((r) => r.id === id)!.token;

  /** Creates, submits, accepts and draws a panel: the application is under review. */
  async function underReview(filing?: (y: number) => Record<string, unknown>) {
    const { enterprise, user } = await applicant(t, cw, filing);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    await expectOk(await event(t, app.id, { type: 'ACCEPT' }, cw.token));
    const drawn = await expectOk(await event(t, app.id, { type: 'DRAW_PANEL' }, cw.token));
    return { enterprise, user, app: drawn };
  }

  async function scoreAll(appId: string, score: (reviewerId: string, expertise: string) => Record<string, unknown>) {
    let last;
    const view = await expectOk(await t.http.get(`/api/applications/${appId}`, cw.token));
    for (const member of view.panel.filter((m: { status: string }) => m.status === 'pending'))
      last = await expectOk(
        await event(
          t,
          appId,
          { type: 'SCORE', ...score(member.reviewerId, member.expertise) },
          tokenOf(member.reviewerId),
        ),
      );
    return last;
  }

  it('runs the full high-tech path to recognised, issuing a certificate and moving the tier', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const created = await t.http.post(
      '/api/applications',
      { enterpriseId: enterprise.id, targetTier: 'high_tech' },
      user.token,
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      state: 'draft',
      allowedEvents: expect.arrayContaining(['SUBMIT', 'WITHDRAW']),
    });
    const id = created.json().id;

    const submitted = await expectOk(await event(t, id, { type: 'SUBMIT' }, user.token));
    expect(submitted).toMatchObject({
      state: 'submitted',
      ruleSet: 'cn-2026',
      regionConfigVersion: expect.any(Number),
    });
    expect(submitted.evaluation.techSme.score).toBe(74);
    expect(submitted.deadlines).toEqual([
      expect.objectContaining({ kind: 'acceptance', status: 'open', dueOn: await calendar.addWorkingDays(today, 5) }),
    ]);
    expect(submitted.allowedEvents).toEqual(['WITHDRAW']);
    // The answer is built from the row as read and the values written (the version check vouches for the rest): a
    // fresh read shows the same application.
    expect((await t.http.get(`/api/applications/${id}`, user.token)).json()).toEqual(submitted);

    const accepted = await expectOk(await event(t, id, { type: 'ACCEPT' }, cw.token));
    expect(accepted.state).toBe('accepted');
    // The high-tech path goes on to the panel: the tech SME path's notice is not offered.
    expect(accepted.allowedEvents).toEqual(['DRAW_PANEL']);
    expect((await t.http.get(`/api/applications/${id}`, cw.token)).json()).toEqual(accepted);
    const drawn = await expectOk(await event(t, id, { type: 'DRAW_PANEL' }, cw.token));
    expect(drawn.state).toBe('under_review');
    expect(drawn.panel).toHaveLength(5);
    expect(drawn.panel.filter((m: { expertise: string }) => m.expertise === 'technical').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(drawn.panel.filter((m: { expertise: string }) => m.expertise === 'finance').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(drawn.panel[0]).toEqual({
      reviewerId: expect.any(String),
      expertise: expect.any(String),
      status: 'pending',
    });

    // A technical member declines (conflict of interest) and is replaced under the same rules.
    const decliner = drawn.panel.find((m: { expertise: string }) => m.expertise === 'technical');
    const afterDecline = await expectOk(
      await event(t, id, { type: 'DECLINE', reason: '曾为该企业提供咨询' }, tokenOf(decliner.reviewerId)),
    );
    expect(afterDecline.panel.filter((m: { status: string }) => m.status === 'pending')).toHaveLength(5);
    expect(afterDecline.panel.find((m: { reviewerId: string }) => m.reviewerId === decliner.reviewerId).status).toBe(
      'declined',
    );

    // The decliner's answer names only the decliner (experts score independently); officers see the whole panel.
    expect(afterDecline.panel.filter((m: { reviewerId: string | null }) => m.reviewerId !== null)).toHaveLength(1);
    const panel = (await t.http.get(`/api/applications/${id}`, cw.token)).json().panel;
    const reviewerQueue = (
      await t.http.get(
        '/api/applications?assignee=me',
        tokenOf(panel.find((m: { status: string }) => m.status === 'pending').reviewerId),
      )
    ).json();
    expect(reviewerQueue.items.map((a: { id: string }) => a.id)).toContain(id);

    const reviewed = await scoreAll(id, (_, expertise) =>
      expertise === 'finance'
        ? { ip: 25, conversion: 25, rdManagement: 16, comment: '财务规范' }
        : { ip: 25, conversion: 25, rdManagement: 16, comment: '技术先进' },
    );
    expect(reviewed.state).toBe('reviewed');
    expect(reviewed.result).toMatchObject({
      ip: 25,
      conversion: 25,
      rdManagement: 16,
      growth: 12,
      total: 78,
      flagged: [],
    });

    expect((await event(t, id, { type: 'DECIDE', approve: true, reason: '符合条件' }, cw.token)).json().code).toBe(
      'ROLE_NOT_ALLOWED',
    );
    const decided = await expectOk(
      await event(t, id, { type: 'DECIDE', approve: true, reason: '符合条件' }, manager.token),
    );
    expect(decided).toMatchObject({ state: 'public_notice', noticeEndsOn: await calendar.addWorkingDays(today, 10) });

    expect((await sweep.closeNotices(decided.noticeEndsOn)).recognised).toBe(0);
    const dayAfter = await calendar.addWorkingDays(decided.noticeEndsOn, 1);
    expect((await sweep.closeNotices(dayAfter)).recognised).toBe(1);
    await t.drainOutbox();
    const done = await expectOk(await t.http.get(`/api/applications/${id}`, user.token));
    expect(done).toMatchObject({ state: 'recognised', certificationId: expect.any(String) });
    expect(done.panel[0].reviewerId).toBeNull();
    const certs = (await t.http.get(`/api/enterprises/${enterprise.id}/certifications`, user.token)).json().items;
    expect(certs[0]).toMatchObject({
      tier: 'high_tech',
      source: 'application',
      applicationId: id,
      kind: 'first',
      number: expect.stringMatching(new RegExp(`^GR${dayAfter.slice(0, 4)}35\\d{6}$`)),
    });
    expect((await t.http.get(`/api/enterprises/${enterprise.id}`, user.token)).json().tier).toBe('high_tech');
    const notes = (await t.http.get('/api/notifications', user.token)).json();
    expect(notes.items.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['application.decided', 'application.recognised']),
    );
  });

  it('runs the tech SME path: acceptance, then 10 working days of notice, then a registration number', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'tech_sme' }, cw.token),
    );
    await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    const accepted = await expectOk(await event(t, app.id, { type: 'ACCEPT' }, cw.token));
    expect(accepted.allowedEvents).toEqual(['PUBLISH_NOTICE']);
    expect((await t.http.get(`/api/applications/${app.id}`, user.token)).json().allowedEvents).toEqual(['WITHDRAW']);
    expect((await event(t, app.id, { type: 'DRAW_PANEL' }, cw.token)).statusCode).toBe(409);
    const notice = await expectOk(await event(t, app.id, { type: 'PUBLISH_NOTICE' }, cw.token));
    expect(notice).toMatchObject({ state: 'public_notice', noticeEndsOn: await calendar.addWorkingDays(today, 10) });
    await sweep.closeNotices(await calendar.addWorkingDays(notice.noticeEndsOn, 1));
    const done = await expectOk(await t.http.get(`/api/applications/${app.id}`, user.token));
    expect(done.state).toBe('recognised');
    const certs = (await t.http.get(`/api/enterprises/${enterprise.id}/certifications`, user.token)).json().items;
    expect(certs[0].number).toMatch(/^\d{4}350100A\d{7}$/);
    expect((await t.http.get(`/api/enterprises/${enterprise.id}`, user.token)).json().tier).toBe('tech_sme');
  });

  it('opens one application per enterprise and tier when several are created at once', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const body = { enterpriseId: enterprise.id, targetTier: 'tech_sme' };
    const created = await Promise.all(
      [user.token, cw.token, cw2.token, user.token].map((token) => t.http.post('/api/applications', body, token)),
    );
    expect(created.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    expect(created.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual([
      'APPLICATION_ALREADY_OPEN',
      'APPLICATION_ALREADY_OPEN',
      'APPLICATION_ALREADY_OPEN',
    ]);
  });

  it('numbers certificates past a recorded number of another shape that shares the prefix', async () => {
    const settings = t.app.get<AppConfig>(APP_CONFIG).procedure;
    const manager = t.app.get(DataSource).manager;
    const before = await nextCertificateNumber(manager, 'leader', today, settings);
    expect(before).toMatch(new RegExp(`^LJ-${year}-\\d{4}$`));
    const { enterprise } = await applicant(t, cw);
    const recorded = await t.http.post(
      `/api/enterprises/${enterprise.id}/certifications`,
      { tier: 'leader', number: `LJ-${year}-A12`, issuedOn: today },
      cw.token,
    );
    expect(recorded.statusCode).toBe(201);
    expect(await nextCertificateNumber(manager, 'leader', today, settings)).toBe(before);
  });

  it('rejects a notice that ends after the enterprise has exited, instead of retrying it every day', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'tech_sme' }, cw.token),
    );
    await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    await expectOk(await event(t, app.id, { type: 'ACCEPT' }, cw.token));
    const notice = await expectOk(await event(t, app.id, { type: 'PUBLISH_NOTICE' }, cw.token));
    expect(
      (await t.http.post(`/api/enterprises/${enterprise.id}/exit`, { reason: '迁出本区' }, cw.token)).statusCode,
    ).toBe(200);
    const after = await calendar.addWorkingDays(notice.noticeEndsOn, 1);
    expect(await sweep.closeNotices(after)).toMatchObject({ recognised: 0, lapsed: 1 });
    const done = await expectOk(await t.http.get(`/api/applications/${app.id}`, cw.token));
    expect(done).toMatchObject({ state: 'rejected', lapse: { reason: 'enterprise_exited', on: after } });
    expect(done.allowedEvents).toEqual([]);
    expect((await t.http.get(`/api/enterprises/${enterprise.id}/certifications`, cw.token)).json().total).toBe(0);
    expect(await sweep.closeNotices(after)).toMatchObject({ considered: 0 });
  });

  it('refuses: illegal event 409, wrong role 403, not on the panel 403, another enterprise 404, stale version 409', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    const illegal = await event(t, app.id, { type: 'ACCEPT' }, cw.token);
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ code: 'EVENT_NOT_ALLOWED', state: 'draft' });
    expect((await event(t, app.id, { type: 'SUBMIT' }, manager.token)).json()).toMatchObject({
      statusCode: 403,
      code: 'ROLE_NOT_ALLOWED',
    });
    // A reviewer not drawn for it does not see it at all.
    expect((await event(t, app.id, { type: 'SUBMIT' }, reviewers[0].token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/applications/${app.id}`, reviewers[0].token)).statusCode).toBe(404);
    const stranger = await applicant(t, cw);
    expect((await event(t, app.id, { type: 'SUBMIT' }, stranger.user.token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/applications/${app.id}`, stranger.user.token)).statusCode).toBe(404);
    expect(
      (
        await t.http.post(
          '/api/applications',
          { enterpriseId: enterprise.id, targetTier: 'high_tech' },
          stranger.user.token,
        )
      ).statusCode,
    ).toBe(404);
    expect((await event(t, app.id, { type: 'SUBMIT', expectedVersion: 9 }, user.token)).json().code).toBe(
      'STALE_VERSION',
    );
    const nullVersion = await event(t, app.id, { type: 'SUBMIT', expectedVersion: null }, user.token);
    expect(nullVersion.statusCode).toBe(400);
    expect(nullVersion.json().fields[0].field).toBe('expectedVersion');
    const bad = await event(t, app.id, { type: 'SUBMIT', ip: 3 }, user.token);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('ip');
    expect((await event(t, app.id, { type: 'FLY' }, user.token)).statusCode).toBe(400);

    const { app: reviewing } = await underReview();
    const outsider = reviewers.find(
      (r) => !reviewing.panel.some((m: { reviewerId: string }) => m.reviewerId === r.id),
    )!;
    expect(
      (await event(t, reviewing.id, { type: 'SCORE', ip: 20, conversion: 20, rdManagement: 15 }, outsider.token)).json()
        .code,
    ).toBe('NOT_FOUND');
    const member = reviewing.panel.find((m: { expertise: string }) => m.expertise === 'technical');
    await expectOk(
      await event(
        t,
        reviewing.id,
        { type: 'SCORE', ip: 20, conversion: 20, rdManagement: 15 },
        tokenOf(member.reviewerId),
      ),
    );
    expect(
      (
        await event(
          t,
          reviewing.id,
          { type: 'SCORE', ip: 20, conversion: 20, rdManagement: 15 },
          tokenOf(member.reviewerId),
        )
      ).json().code,
    ).toBe('NOT_PANEL_MEMBER');
    expect(
      (
        await event(
          t,
          reviewing.id,
          { type: 'SCORE', ip: 20, conversion: 20, rdManagement: 15, growth: 10 },
          tokenOf(
            reviewing.panel.find(
              (m: { expertise: string; reviewerId: string }) =>
                m.expertise === 'technical' && m.reviewerId !== member.reviewerId,
            ).reviewerId,
          ),
        )
      ).json().fields[0].field,
    ).toBe('growth');
  });

  it('refuses an unmet hard condition with the gaps, and an enterprise already holding or barred from the tier', async () => {
    const { enterprise, user } = await applicant(t, cw, (y) => ({ ...EXAMPLE_FILINGS[y], supportedField: false }));
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    const refused = await event(t, app.id, { type: 'SUBMIT' }, user.token);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'HARD_CONDITION_UNMET',
      unmet: ['supported_field'],
      gaps: [expect.objectContaining({ code: 'supported_field' })],
    });

    const holder = await applicant(t, cw);
    await expectOk(
      await t.http.post(
        `/api/enterprises/${holder.enterprise.id}/certifications`,
        { tier: 'high_tech', number: `GR${year}35900001`, issuedOn: `${year}-01-10` },
        cw.token,
      ),
    );
    const held = await t.http.post(
      '/api/applications',
      { enterpriseId: holder.enterprise.id, targetTier: 'high_tech' },
      holder.user.token,
    );
    expect(held.json()).toMatchObject({ statusCode: 409, code: 'TIER_ALREADY_HELD' });

    const fraud = await applicant(t, cw);
    const cert = await expectOk(
      await t.http.post(
        `/api/enterprises/${fraud.enterprise.id}/certifications`,
        { tier: 'tech_sme', number: `${year}350100A9000001`, issuedOn: `${year}-02-01` },
        cw.token,
      ),
    );
    const proposal = await expectOk(
      await t.http.post(
        `/api/enterprises/${fraud.enterprise.id}/revocations`,
        { certificationId: cert.id, reason: '弄虚作假', fraud: true },
        cw.token,
      ),
    );
    await expectOk(
      await t.http.post(
        `/api/enterprises/${fraud.enterprise.id}/revocations/${proposal.id}/confirm`,
        {},
        manager.token,
      ),
    );
    const barred = await t.http.post(
      '/api/applications',
      { enterpriseId: fraud.enterprise.id, targetTier: 'high_tech' },
      fraud.user.token,
    );
    expect(barred.json()).toMatchObject({
      statusCode: 409,
      code: 'TIER_BARRED',
      barredUntil: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it("shows a reviewer only their panels' applications, with their own score and not the others'", async () => {
    const { app, enterprise } = await underReview();
    const members: string[] = app.panel.map((m: { reviewerId: string }) => m.reviewerId);
    const [first, second] = members;
    await expectOk(await event(t, app.id, { type: 'SCORE', ip: 20, conversion: 20, rdManagement: 15 }, tokenOf(first)));
    const own = await expectOk(await t.http.get(`/api/applications/${app.id}`, tokenOf(first)));
    expect(Object.keys(own.scores)).toEqual([first]);
    const other = await expectOk(await t.http.get(`/api/applications/${app.id}`, tokenOf(second)));
    expect(other.scores).toEqual({});
    expect(other.panel.map((m: { reviewerId: string | null }) => m.reviewerId).filter(Boolean)).toEqual([second]);
    expect((await t.http.get(`/api/applications/${app.id}`, cw.token)).json().scores).toHaveProperty(first);

    const ids = async (token: string) =>
      (await t.http.get('/api/applications?pageSize=500', token)).json().items.map((a: { id: string }) => a.id);
    expect(await ids(tokenOf(second))).toContain(app.id);
    const outsider = reviewers.find((r) => !members.includes(r.id))!;
    expect(await ids(outsider.token)).not.toContain(app.id);
    expect((await t.http.get(`/api/applications/${app.id}`, outsider.token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/applications/${app.id}/attachments`, outsider.token)).statusCode).toBe(404);
    // The applicant's records likewise: a panel member reads them, another expert does not.
    for (const path of ['', '/evaluation', '/indicators'])
      expect((await t.http.get(`/api/enterprises/${enterprise.id}${path}`, tokenOf(second))).statusCode).toBe(200);
    for (const path of ['', '/evaluation', '/indicators'])
      expect((await t.http.get(`/api/enterprises/${enterprise.id}${path}`, outsider.token)).statusCode).toBe(404);

    // Declining (a conflict of interest, say) ends the reviewer's access.
    await expectOk(await event(t, app.id, { type: 'DECLINE', reason: '曾为该企业提供咨询' }, tokenOf(second)));
    expect((await t.http.get(`/api/applications/${app.id}`, tokenOf(second))).statusCode).toBe(404);
    expect(await ids(tokenOf(second))).not.toContain(app.id);
    expect((await t.http.get(`/api/enterprises/${enterprise.id}`, tokenOf(second))).statusCode).toBe(404);
    // The declaration the decline recorded names the enterprise, which the reviewer can no longer open.
    const conflicts = (await t.http.get('/api/reviewers/me/conflicts', tokenOf(second))).json();
    expect(conflicts.items).toContainEqual(
      expect.objectContaining({ enterpriseId: enterprise.id, enterpriseName: enterprise.name }),
    );
  });

  it('keeps an expert who declares a conflict after the draw from scoring: they decline the seat', async () => {
    const { app, enterprise } = await underReview();
    const seat = app.panel.find((m: { expertise: string }) => m.expertise === 'technical').reviewerId;
    const declared = await t.http.post(
      '/api/reviewers/me/conflicts',
      { enterpriseId: enterprise.id, reason: '持有该企业股份' },
      tokenOf(seat),
    );
    expect(declared.statusCode).toBe(201);
    const scored = await event(t, app.id, { type: 'SCORE', ip: 26, conversion: 25, rdManagement: 17 }, tokenOf(seat));
    expect({ status: scored.statusCode, code: scored.json().code }).toEqual({ status: 403, code: 'CONFLICT_DECLARED' });
    const declined = await expectOk(
      await event(t, app.id, { type: 'DECLINE', reason: '持有该企业股份' }, tokenOf(seat)),
    );
    expect(declined.panel.find((m: { reviewerId: string }) => m.reviewerId === seat).status).toBe('declined');
  });

  it('flags outlying reviewers for calibration before an approval', async () => {
    const { app, user } = await underReview();
    const low = app.panel.find((m: { expertise: string }) => m.expertise === 'technical').reviewerId;
    const reviewed = await scoreAll(app.id, (id) =>
      id === low ? { ip: 5, conversion: 5, rdManagement: 5 } : { ip: 28, conversion: 27, rdManagement: 18 },
    );
    // The last expert's answer does not show who was flagged; the manager's view does.
    expect(reviewed.result.flagged).toEqual([]);
    expect((await t.http.get(`/api/applications/${app.id}`, manager.token)).json().result.flagged).toEqual([low]);
    expect((await event(t, app.id, { type: 'DECIDE', approve: true, reason: '同意' }, manager.token)).json().code).toBe(
      'CALIBRATION_REQUIRED',
    );
    const blank = { type: 'DECIDE', approve: true, reason: '同意', calibrationNote: '   ' };
    expect((await event(t, app.id, blank, manager.token)).json().code).toBe('CALIBRATION_REQUIRED');
    const decided = await expectOk(
      await event(
        t,
        app.id,
        { type: 'DECIDE', approve: true, reason: '同意', calibrationNote: '已与低分专家沟通，意见保留' },
        manager.token,
      ),
    );
    expect(decided.state).toBe('public_notice');
    expect(decided.decision).toMatchObject({ calibrationNote: '已与低分专家沟通，意见保留', by: manager.id });
    // The applicant sees the outcome and its reason, not the note on the panel's outlying scores nor the decider.
    const seen = { approve: true, reason: '同意', by: null, calibrationNote: null };
    expect((await t.http.get(`/api/applications/${app.id}`, user.token)).json().decision).toEqual(seen);
    const notes = (await t.http.get('/api/notifications', user.token)).json().items;
    const decidedNote = notes.find((n: { kind: string }) => n.kind === 'application.decided');
    expect(JSON.stringify(decidedNote)).not.toContain('已与低分专家沟通');
    expect(JSON.stringify(decidedNote)).not.toContain(manager.id);
  });

  it('approves a panel score above 70 and refuses one of 70 (综合得分70分以上，不含70分)', async () => {
    // Growth is computed (12): no finance expert scores it. Members score 24 + 20 + 14 = 58 each: the panel 70.
    const even = await underReview();
    const seventy = await scoreAll(even.app.id, () => ({ ip: 24, conversion: 20, rdManagement: 14 }));
    expect(seventy.result.total).toBe(70);
    const refused = await event(t, even.app.id, { type: 'DECIDE', approve: true, reason: '同意' }, manager.token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'BELOW_PASS_MARK', score: 70 });
    // One member gives 22 for conversion: the mean is 70.4, more than 70, though below the whole-point mark of 71.
    const above = await underReview();
    const first = above.app.panel[0].reviewerId;
    const mean = await scoreAll(above.app.id, (id) => ({
      ip: 24,
      conversion: id === first ? 22 : 20,
      rdManagement: 14,
    }));
    expect(mean.result.total).toBe(70.4);
    const approved = await event(t, above.app.id, { type: 'DECIDE', approve: true, reason: '同意' }, manager.token);
    expect((await expectOk(approved)).state).toBe('public_notice');
  });

  it('handles objections during the notice: dismissed returns to notice, upheld rejects', async () => {
    const { app, user } = await underReview();
    await scoreAll(app.id, () => ({ ip: 26, conversion: 25, rdManagement: 17 }));
    await expectOk(await event(t, app.id, { type: 'DECIDE', approve: true, reason: '同意' }, manager.token));
    const objector = await applicant(t, cw);
    expect((await event(t, app.id, { type: 'OBJECT', reason: '专利归属存疑' }, objector.user.token)).statusCode).toBe(
      400,
    );
    const objected = await expectOk(
      await event(
        t,
        app.id,
        { type: 'OBJECT', name: '张三', contact: '13800000000', reason: '专利归属存疑' },
        objector.user.token,
      ),
    );
    // Another enterprise may object, and gets a receipt: not the applicant's evaluation, panel or scores.
    expect(objected).toEqual({ id: app.id, state: 'objection_review', received: 'OBJECT', on: today });
    // Anyone may object for the whole notice, also while an objection is looked into.
    const second = await event(
      t,
      app.id,
      { type: 'OBJECT', name: '王五', contact: '13900000000', reason: '高新收入占比存疑' },
      (await applicant(t, cw)).user.token,
    );
    expect(second.json()).toEqual({ id: app.id, state: 'objection_review', received: 'OBJECT', on: today });
    expect((await t.http.get(`/api/applications/${app.id}`, cw.token)).json().objections).toHaveLength(2);
    // Its other events answer as for an application it cannot see.
    const other = await event(t, app.id, { type: 'WITHDRAW' }, objector.user.token);
    expect(other.statusCode).toBe(404);
    // The sweep leaves a notice with an open objection alone, however late it is.
    await sweep.closeNotices('2099-01-01');
    expect((await t.http.get(`/api/applications/${app.id}`, cw.token)).json().state).toBe('objection_review');
    const dismissed = await expectOk(
      await event(t, app.id, { type: 'RESOLVE_OBJECTION', upheld: false, reason: '经核实专利权属清晰' }, manager.token),
    );
    expect(dismissed.state).toBe('public_notice');
    // One resolution answers both.
    expect(dismissed.objections.map((o: { resolution: unknown }) => o.resolution)).toEqual([
      expect.objectContaining({ upheld: false }),
      expect.objectContaining({ upheld: false }),
    ]);
    await expectOk(
      await event(
        t,
        app.id,
        { type: 'OBJECT', name: '李四', contact: 'lisi@example.com', reason: '研发费用虚报' },
        objector.user.token,
      ),
    );
    const upheld = await expectOk(
      await event(
        t,
        app.id,
        { type: 'RESOLVE_OBJECTION', upheld: true, reason: '研发费用核减后不达标' },
        manager.token,
      ),
    );
    expect(upheld.state).toBe('rejected');
    const seen = await expectOk(await t.http.get(`/api/applications/${app.id}`, user.token));
    expect(seen.objections[0]).not.toHaveProperty('name');
    expect(seen.objections.map((o: { resolution: { upheld: boolean } }) => o.resolution.upheld)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('refuses an objection after the last day of the notice, before the sweep has closed it', async () => {
    const { app } = await underReview();
    await scoreAll(app.id, () => ({ ip: 26, conversion: 25, rdManagement: 17 }));
    await expectOk(await event(t, app.id, { type: 'DECIDE', approve: true, reason: '同意' }, manager.token));
    // The notice ended yesterday; the sweep runs after midnight.
    const yesterday = addDays(today, -1);
    const rows = t.app.get(DataSource).getRepository(ApplicationEntity);
    const row = await rows.findOneByOrFail({ id: app.id });
    (row.snapshot.context as { noticeEndsOn: string }).noticeEndsOn = yesterday;
    await rows.update({ id: app.id }, { snapshot: row.snapshot, noticeEndsOn: yesterday });
    const objector = await applicant(t, cw);
    const late = await event(
      t,
      app.id,
      { type: 'OBJECT', name: '张三', contact: '13800000000', reason: '逾期异议' },
      objector.user.token,
    );
    expect({ status: late.statusCode, code: late.json().code }).toEqual({ status: 409, code: 'NOTICE_ENDED' });
    expect((await t.http.get(`/api/applications/${app.id}`, cw.token)).json().state).toBe('public_notice');
  });

  it('pauses the acceptance deadline while returned and resumes it on resubmission; queues show overdue', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    // The answer to an event is built from the written row and the planned deadlines: it must be what a read shows.
    const asRead = async (answer: unknown, token: string) =>
      expect(answer).toEqual(await expectOk(await t.http.get(`/api/applications/${app.id}`, token)));
    const submitted = await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    await asRead(submitted, user.token);
    const due = submitted.deadlines[0].dueOn;
    const returned = await expectOk(await event(t, app.id, { type: 'RETURN', reason: '请补充审计报告' }, cw.token));
    await asRead(returned, cw.token);
    expect(returned).toMatchObject({ state: 'returned', returnReason: '请补充审计报告' });
    expect(returned.deadlines[0]).toMatchObject({
      status: 'paused',
      remainingDays: await calendar.workingDaysBetween(today, due),
    });
    expect((await t.http.get('/api/notifications', user.token)).json().items[0].kind).toBe('application.returned');
    const again = await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    await asRead(again, user.token);
    expect(again.deadlines[0]).toMatchObject({ status: 'open', dueOn: due });
    expect(
      (await t.http.get(`/api/applications?overdue=true&enterpriseId=${enterprise.id}`, cw.token)).json().total,
    ).toBe(0);
    // A state the machine does not have is a 400, not an empty queue.
    const typo = await t.http.get(`/api/applications?state=submited`, cw.token);
    expect(typo.statusCode).toBe(400);
    expect(typo.json().fields.map((f: { field: string }) => f.field)).toEqual(['state']);
    expect(
      (
        await t.http.get(`/api/applications?overdue=false&state=submitted&enterpriseId=${enterprise.id}`, cw.token)
      ).json().total,
    ).toBe(1);
    const mine = (await t.http.get('/api/applications?pageSize=100', user.token)).json();
    expect(mine.items.every((a: { enterpriseId: string }) => a.enterpriseId === enterprise.id)).toBe(true);
    // Concurrency: of ten caseworkers accepting at once, exactly one wins.
    const others = [cw, cw2, ...(await Promise.all(Array.from({ length: 8 }, () => userWithToken(t, 'caseworker'))))];
    const results = await Promise.all(others.map((c) => event(t, app.id, { type: 'ACCEPT' }, c.token)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(9);
    const audit = (
      await t.http.get(`/api/audit?entityType=application&entityId=${app.id}&pageSize=100`, t.adminToken)
    ).json();
    expect(audit.items.filter((a: { event: string }) => a.event === 'ACCEPT')).toHaveLength(1);
    // The losers wrote no deadline: one review deadline beside the acceptance one.
    const accepted = results.find((r) => r.statusCode === 200)!.json();
    await asRead(accepted, others[results.findIndex((r) => r.statusCode === 200)].token);
    expect(accepted.deadlines.map((d: { kind: string; status: string }) => `${d.kind}:${d.status}`)).toEqual([
      'acceptance:met',
      'review:open',
    ]);
    const rows = await t.app
      .get(DataSource)
      .getRepository(ApplicationDeadlineEntity)
      .find({ where: { applicationId: app.id } });
    expect(rows.map((r) => `${r.kind}:${r.status}`).sort()).toEqual(['acceptance:met', 'review:open']);
    const withdrawn = await expectOk(await event(t, app.id, { type: 'WITHDRAW', reason: '暂缓申报' }, user.token));
    expect(withdrawn.state).toBe('withdrawn');
    expect(withdrawn.deadlines.every((d: { status: string }) => d.status !== 'open')).toBe(true);
  });

  it('reminds the caseworkers once when a deadline falls due, again when it moves, and lists it as overdue', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    const db = t.app.get(DataSource);
    const deadline = await db
      .getRepository(ApplicationDeadlineEntity)
      .findOneByOrFail({ applicationId: app.id, kind: 'acceptance' });
    const reminders = async () =>
      (await t.http.get('/api/notifications?unread=true&pageSize=100', cw2.token))
        .json()
        .items.filter(
          (n: { kind: string; payload: { applicationId: string } }) =>
            n.kind === 'application.deadline_due' && n.payload.applicationId === app.id,
        );
    // Fake clock: the acceptance deadline falls due on 2026-01-05.
    await db.getRepository(ApplicationDeadlineEntity).update({ id: deadline.id }, { dueOn: '2026-01-05' });
    await sweep.remindDeadlines('2026-01-04');
    expect(await reminders()).toHaveLength(0);
    // A late sweep (the workers were down on the day) and a repeated one: one reminder.
    await sweep.remindDeadlines('2026-01-06');
    await sweep.remindDeadlines('2026-01-07');
    expect(await reminders()).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ dueOn: '2026-01-05' }) }),
    ]);
    expect(await db.getRepository(ApplicationDeadlineEntity).findOneByOrFail({ id: deadline.id })).toMatchObject({
      remindedFor: '2026-01-05',
    });
    // A reminder job scheduled by an earlier version for the same due date adds nothing.
    await sweep.remind({ deadlineId: deadline.id, dueOn: '2026-01-05' });
    expect(await reminders()).toHaveLength(1);
    const overdue = (await t.http.get(`/api/applications?overdue=true&enterpriseId=${enterprise.id}`, cw.token)).json();
    expect(overdue).toMatchObject({ total: 1, items: [{ id: app.id, overdue: true }] });
    // The due date moves (a resumed clock): the new date is reminded too; an old job for a past date does nothing.
    await db.getRepository(ApplicationDeadlineEntity).update({ id: deadline.id }, { dueOn: '2026-01-09' });
    await sweep.remind({ deadlineId: deadline.id, dueOn: '2026-01-02' });
    expect(await reminders()).toHaveLength(1);
    await sweep.remindDeadlines('2026-01-09');
    expect((await reminders()).map((n: { payload: { dueOn: string } }) => n.payload.dueOn).sort()).toEqual([
      '2026-01-05',
      '2026-01-09',
    ]);
    // Paused (back with the enterprise) when the sweep comes: no reminder for its due date.
    await db
      .getRepository(ApplicationDeadlineEntity)
      .update({ id: deadline.id }, { dueOn: '2026-01-12', status: 'paused' });
    await sweep.remindDeadlines('2026-01-12');
    expect(await reminders()).toHaveLength(2);
  });
});
