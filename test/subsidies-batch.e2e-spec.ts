import { DataSource } from 'typeorm';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { FactsLoader } from '../src/subsidies/facts.loader';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { waitForJob } from './helpers/jobs';
import { bootTestApp, TestApp, unique, userWithToken } from './helpers/test-app';

const year = Number(chinaToday().slice(0, 4));
let serial = 400000;
const techSmeNo = (issuedOn: string) => `${issuedOn.slice(0, 4)}350100A${String(serial++).padStart(7, '0')}`;
const highTechNo = (issuedOn: string) => `GR${issuedOn.slice(0, 4)}35${String(serial++).padStart(6, '0')}`;

describe('subsidies: batch runs, budgets, waitlists and simulation', () => {
  let t: TestApp;
  let caseworker: { token: string; id: string };
  let manager: { token: string; id: string };
  let dataSource: DataSource;
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
    manager = await userWithToken(t, 'manager');
    dataSource = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const createProgramme = async (body: Record<string, unknown>) => {
    const res = await t.http.post(
      '/api/programmes',
      { name: '批量测试', period: year, trigger: { event: 'manual' }, status: 'active', ...body },
      manager.token,
    );
    expect(res.statusCode).toBe(201);
    return res.json();
  };
  const enterprisesIn = async (district: string, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await createEnterprise(t, { district }));
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const run = async (programmeId: string) => {
    const res = await t.http.post(`/api/programmes/${programmeId}/runs`, {}, manager.token);
    expect(res.statusCode).toBe(202);
    return res.json().jobId as string;
  };
  const grantsOf = async (programmeCode: string) => {
    await t.drainOutbox();
    const res = await t.http.get(`/api/grants?programmeCode=${programmeCode}&pageSize=500`, manager.token);
    return (res.json().items as any[]).sort((a, b) => (a.enterpriseId < b.enterpriseId ? -1 : 1));
  };
  const reservedOf = async (code: string) =>
    (await t.http.get(`/api/programmes?code=${code}&status=active`, manager.token)).json().items[0].reserved;

  it('matches every enterprise in scope once, whatever runs twice or at the same time', async () => {
    const district = unique('批量区');
    const all = await enterprisesIn(district, 5);
    await t.http.put(`/api/enterprises/${all[0].id}/indicators/${year - 1}`, EXAMPLE_FILINGS[2025], caseworker.token);
    const p = await createProgramme({
      code: 'scored_startups',
      districts: [district],
      // Startups with 20+ tech staff on file; the others have nothing on file (needs_data).
      rule: { and: [{ '==': [{ var: 'enterprise.tier' }, 'startup'] }, { '>=': [{ var: 'grading.techStaff' }, 20] }] },
      amount: { fixed: 1_000 },
      budget: 100_000,
    });
    const first = await waitForJob(t, await run(p.id));
    expect(first).toMatchObject({ status: 'completed', total: 5, done: 5 });
    expect(first.result).toMatchObject({ eligible: 1, needsData: 4, existing: 0 });
    const grants = await grantsOf('scored_startups');
    expect(grants).toHaveLength(5);
    expect(grants.find((g) => g.enterpriseId === all[0].id)).toMatchObject({ state: 'eligible', amount: 1_000 });
    expect(grants.filter((g) => g.state === 'needs_data')).toHaveLength(4);

    const repeat = await waitForJob(t, await run(p.id));
    expect(repeat.result).toMatchObject({ eligible: 0, needsData: 0, existing: 5 });
    const [a, b] = await Promise.all([run(p.id), run(p.id)]);
    const [ja, jb] = [await waitForJob(t, a), await waitForJob(t, b)];
    expect(ja.result.existing + jb.result.existing).toBe(10);
    expect(await grantsOf('scored_startups')).toHaveLength(5);
    expect(await reservedOf('scored_startups')).toBe(1_000);
  });

  it('never reserves past the budget under concurrent runs; the rest wait in order and move up on release', async () => {
    const district = unique('预算区');
    const all = await enterprisesIn(district, 6);
    const p = await createProgramme({
      code: 'tight_budget',
      districts: [district],
      rule: true,
      amount: { fixed: 1_000 },
      budget: 3_000,
    });
    const jobs = await Promise.all([run(p.id), run(p.id)]);
    for (const job of jobs) expect((await waitForJob(t, job)).status).toBe('completed');
    let grants = await grantsOf('tight_budget');
    // Waitlist order: event time (the run's start, the same for one run), then enterprise id.
    expect(grants.map((g) => g.state)).toEqual([
      'eligible',
      'eligible',
      'eligible',
      'waitlisted',
      'waitlisted',
      'waitlisted',
    ]);
    expect(grants.map((g) => g.enterpriseId)).toEqual(all.map((e) => e.id));
    expect(await reservedOf('tight_budget')).toBe(3_000);

    await t.http.post(`/api/grants/${grants[1].id}/cancel`, { reason: '企业注销' }, manager.token);
    grants = await grantsOf('tight_budget');
    expect(grants.map((g) => g.state)).toEqual([
      'eligible',
      'cancelled',
      'eligible',
      'eligible',
      'waitlisted',
      'waitlisted',
    ]);
    expect(await reservedOf('tight_budget')).toBe(3_000);

    // A larger budget is a new version; it carries the reservation and lets the waitlist in.
    const v2 = await t.http.patch(`/api/programmes/${p.id}`, { budget: 4_000 }, manager.token);
    expect(v2.json()).toMatchObject({ version: 2, budget: 4_000, reserved: 4_000 });
    grants = await grantsOf('tight_budget');
    expect(grants.map((g) => g.state)).toEqual([
      'eligible',
      'cancelled',
      'eligible',
      'eligible',
      'eligible',
      'waitlisted',
    ]);
    // A release on a grant of version 1 goes to the budget holder, version 2.
    await t.http.post(`/api/grants/${grants[0].id}/cancel`, { reason: '放弃' }, manager.token);
    grants = await grantsOf('tight_budget');
    expect(grants[5].state).toBe('eligible');
    expect(await reservedOf('tight_budget')).toBe(4_000);
    const tooSmall = await t.http.patch(`/api/programmes/${v2.json().id}`, { budget: 1_000 }, manager.token);
    expect(tooSmall.json().fields[0].field).toBe('budget');
  });

  it('a programme closed and created again takes over the reservations and the waitlist of the closed one', async () => {
    const district = unique('重开区');
    await enterprisesIn(district, 4);
    const body = { code: 'reopened', districts: [district], rule: true, amount: { fixed: 1_000 } };
    const p = await createProgramme({ ...body, budget: 2_000 });
    expect((await waitForJob(t, await run(p.id))).result).toMatchObject({ eligible: 2, waitlisted: 2 });
    expect((await t.http.post(`/api/programmes/${p.id}/close`, {}, manager.token)).statusCode).toBe(200);

    // The closed version's two grants still hold 2,000: a new budget below that would be overspent.
    const tooSmall = await t.http.post(
      '/api/programmes',
      { ...body, name: '重开', period: year, trigger: { event: 'manual' }, status: 'active', budget: 1_500 },
      manager.token,
    );
    expect(tooSmall.statusCode).toBe(400);
    expect(tooSmall.json().fields).toEqual([
      { field: 'budget', reason: 'budget must be at least the 2000 already reserved' },
    ]);
    const again = await createProgramme({ ...body, budget: 3_000 });
    // It holds the 2,000 and lets the head of the waitlist into the 1,000 left.
    expect(again).toMatchObject({ version: 2, reserved: 3_000, status: 'active' });
    let grants = await grantsOf('reopened');
    expect(grants.map((g) => g.state)).toEqual(['eligible', 'eligible', 'eligible', 'waitlisted']);
    const closed = (await t.http.get(`/api/programmes/${p.id}`, manager.token)).json();
    expect(closed).toMatchObject({ status: 'closed', reserved: 2_000 });

    // Cancelling a grant of the closed version gives its 1,000 back to the budget that counts it, once.
    expect(
      (await t.http.post(`/api/grants/${grants[0].id}/cancel`, { reason: '放弃' }, manager.token)).statusCode,
    ).toBe(200);
    grants = await grantsOf('reopened');
    expect(grants.map((g) => g.state)).toEqual(['cancelled', 'eligible', 'eligible', 'eligible']);
    expect(await reservedOf('reopened')).toBe(3_000);
    const twice = await t.http.post(
      '/api/programmes',
      { ...body, name: '重开', period: year, trigger: { event: 'manual' }, budget: 9_000 },
      manager.token,
    );
    expect(twice.json().code).toBe('PROGRAMME_EXISTS');

    // Created as a draft it holds the reservations and keeps the waitlist waiting until it is activated.
    await enterprisesIn(district, 1);
    expect((await waitForJob(t, await run(again.id))).result).toMatchObject({ waitlisted: 1 });
    expect((await t.http.post(`/api/programmes/${again.id}/close`, {}, manager.token)).statusCode).toBe(200);
    const draft = await createProgramme({ ...body, budget: 4_000, status: 'draft' });
    expect(draft).toMatchObject({ version: 3, reserved: 3_000, status: 'draft' });
    expect((await grantsOf('reopened')).filter((g) => g.state === 'waitlisted')).toHaveLength(1);
    const activated = await t.http.post(`/api/programmes/${draft.id}/activate`, {}, manager.token);
    expect(activated.json()).toMatchObject({ status: 'active', reserved: 4_000 });
    expect((await grantsOf('reopened')).filter((g) => g.state === 'waitlisted')).toHaveLength(0);
  });

  it('cancelling the head of the waitlist lets the grants behind it in; a cap above the budget is refused', async () => {
    const district = unique('队首区');
    const all = await enterprisesIn(district, 3);
    // Full years since registration 3, 4 and 1 in queue (id) order: 3,000, 4,000 and 1,000 yuan.
    for (const [i, age] of [3, 4, 1].entries())
      expect(
        (await t.http.patch(`/api/enterprises/${all[i].id}`, { registeredOn: `${year - age}-01-01` }, caseworker.token))
          .statusCode,
      ).toBe(200);
    const body = {
      code: 'age_bonus',
      districts: [district],
      rule: true,
      amount: { formula: { '*': [{ var: 'enterprise.ageYears' }, 1_000] }, cap: 5_000 },
    };
    const tooBig = await t.http.post(
      '/api/programmes',
      { ...body, name: '批量测试', period: year, trigger: { event: 'manual' }, budget: 4_999 },
      manager.token,
    );
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().fields).toEqual([{ field: 'amount.cap', reason: 'amount.cap must not exceed the budget' }]);
    const p = await createProgramme({ ...body, budget: 5_000 });
    expect((await waitForJob(t, await run(p.id))).result).toMatchObject({ eligible: 1, waitlisted: 2 });
    let grants = await grantsOf('age_bonus');
    // 4,000 does not fit the 2,000 left, and 1,000 may not overtake it.
    expect(grants.map((g) => [g.amount, g.state])).toEqual([
      [3_000, 'eligible'],
      [4_000, 'waitlisted'],
      [1_000, 'waitlisted'],
    ]);
    expect(
      (await t.http.post(`/api/grants/${grants[1].id}/cancel`, { reason: '放弃' }, manager.token)).statusCode,
    ).toBe(200);
    grants = await grantsOf('age_bonus');
    expect(grants.map((g) => g.state)).toEqual(['eligible', 'cancelled', 'eligible']);
    expect(await reservedOf('age_bonus')).toBe(4_000);
    // Nor may a new version's budget fall below the cap.
    const lower = await t.http.patch(`/api/programmes/${p.id}`, { budget: 4_500 }, manager.token);
    expect(lower.statusCode).toBe(400);
    expect(lower.json().fields.map((f: { field: string }) => f.field)).toContain('amount.cap');
  });

  it('never reserves past the budget when events arrive at once; the waitlist follows event time', async () => {
    const district = unique('事件区');
    const all = await enterprisesIn(district, 5);
    await createProgramme({
      code: 'sme_event_budget',
      districts: [district],
      trigger: { event: 'tier.recognised' },
      rule: { '==': [{ var: 'event.tier' }, 'tech_sme'] },
      amount: { fixed: 5_000 },
      budget: 10_000,
    });
    await Promise.all(
      all.map((e) =>
        t.http.post(
          `/api/enterprises/${e.id}/certifications`,
          { tier: 'tech_sme', number: techSmeNo(`${year}-06-01`), issuedOn: `${year}-06-01` },
          caseworker.token,
        ),
      ),
    );
    const grants = await grantsOf('sme_event_budget');
    expect(grants).toHaveLength(5);
    expect(grants.filter((g) => g.state === 'eligible')).toHaveLength(2);
    expect(await reservedOf('sme_event_budget')).toBe(10_000);
    const waiting = grants
      .filter((g) => g.state === 'waitlisted')
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || (a.enterpriseId < b.enterpriseId ? -1 : 1));
    await t.http.post(
      `/api/grants/${grants.find((g) => g.state === 'eligible').id}/cancel`,
      { reason: '重复' },
      manager.token,
    );
    const after = await grantsOf('sme_event_budget');
    expect(after.find((g) => g.id === waiting[0].id).state).toBe('eligible');
    expect(
      after
        .filter((g) => g.state === 'waitlisted')
        .map((g) => g.id)
        .sort(),
    ).toEqual(
      waiting
        .slice(1)
        .map((g) => g.id)
        .sort(),
    );
  });

  it('replays recognitions of the period for a programme created after them, and refuses to run a draft', async () => {
    const district = unique('补录区');
    const [e, f] = await enterprisesIn(district, 2);
    for (const [x, issuedOn] of [
      [e, `${year}-02-02`],
      [f, `${year - 1}-02-02`],
    ] as const)
      await t.http.post(
        `/api/enterprises/${x.id}/certifications`,
        { tier: 'high_tech', number: highTechNo(issuedOn), issuedOn },
        caseworker.token,
      );
    const p = await createProgramme({
      code: 'late_high_tech',
      districts: [district],
      trigger: { event: 'tier.recognised', kind: 'first' },
      rule: { '==': [{ var: 'event.tier' }, 'high_tech'] },
      amount: { fixed: 50_000 },
      budget: 500_000,
    });
    await waitForJob(t, await run(p.id));
    const grants = await grantsOf('late_high_tech');
    expect(grants.map((g) => [g.enterpriseId, g.state])).toEqual([[e.id, 'eligible']]);
    expect(grants[0].why.trigger).toMatchObject({ type: 'tier.recognised', issuedOn: `${year}-02-02` });
    const draft = await createProgramme({
      code: 'draft_only',
      rule: true,
      amount: { fixed: 1 },
      budget: 1,
      status: 'draft',
    });
    const refused = await t.http.post(`/api/programmes/${draft.id}/runs`, {}, manager.token);
    expect(refused.json()).toMatchObject({ statusCode: 409, code: 'PROGRAMME_NOT_ACTIVE' });
  });

  it('walks the whole registry or only the enterprises with events, to the same candidates and progress', async () => {
    const district = unique('稀疏区');
    const all = await enterprisesIn(district, 7);
    for (const [x, issuedOn] of [
      [all[1], `${year}-03-01`],
      [all[4], `${year}-04-01`],
      [all[5], `${year}-05-01`],
      [all[6], `${year - 1}-05-01`],
    ] as const)
      await t.http.post(
        `/api/enterprises/${x.id}/certifications`,
        { tier: 'tech_sme', number: techSmeNo(issuedOn), issuedOn },
        caseworker.token,
      );
    await t.drainOutbox();
    const scope = {
      period: year,
      triggerEvent: 'tier.recognised' as const,
      triggerKind: 'first' as const,
      districts: [district],
    };
    const loader = new FactsLoader(dataSource.manager);
    const walk = async (strategy: 'registry' | 'events') => {
      const next = await loader.walker(scope, 7, 2, strategy);
      const seen: string[] = [];
      let [walked, pages, cursor] = [0, 0, ''];
      for (;;) {
        const page = await next(cursor);
        pages++;
        walked += page.walked;
        seen.push(...(await loader.candidates(scope, page.set, chinaToday())).map((c) => c.enterpriseId));
        cursor = page.cursor ?? page.records[page.records.length - 1]?.id ?? cursor;
        if (page.last) break;
      }
      return { seen: seen.sort(), walked, pages };
    };
    const expected = [all[1].id, all[4].id, all[5].id].sort();
    expect(await walk('registry')).toEqual({ seen: expected, walked: 7, pages: 4 });
    // Pages of two recognitions, of any district (other tests' too); the progress still counts this district's 7.
    expect(await walk('events')).toMatchObject({ seen: expected, walked: 7 });

    const q = await createProgramme({
      code: 'sparse_sme',
      districts: [district],
      trigger: { event: 'tier.recognised', kind: 'first' },
      rule: { '==': [{ var: 'event.tier' }, 'tech_sme'] },
      amount: { fixed: 1_000 },
      budget: 2_000,
    });
    const batch = await waitForJob(t, await run(q.id));
    expect(batch).toMatchObject({ status: 'completed', total: 7, done: 7 });
    expect(batch.result).toMatchObject({ evaluated: 3, eligible: 2, waitlisted: 1, existing: 0, reserved: 2_000 });
    const written = await grantsOf('sparse_sme');
    expect(written.map((g) => [g.enterpriseId, g.state])).toEqual([
      [expected[0], 'eligible'],
      [expected[1], 'eligible'],
      [expected[2], 'waitlisted'],
    ]);
    const again = await waitForJob(t, await run(q.id));
    expect(again).toMatchObject({ status: 'completed', total: 7, done: 7 });
    expect(again.result).toMatchObject({ evaluated: 3, eligible: 0, waitlisted: 0, existing: 3, reserved: 0 });
    // The audit event of a batch grant is the one appendAudit writes, to the character.
    const pg = dataSource.options.type === 'postgres';
    const [row] = await dataSource.query(`SELECT "trigger" FROM grants WHERE id = ${pg ? '$1' : '?'}`, [written[0].id]);
    const [audit] = await dataSource.query(
      `SELECT payload, to_state, actor_id FROM audit_events WHERE entity_type = 'grant' AND entity_id = ${pg ? '$1' : '?'}`,
      [written[0].id],
    );
    expect(audit).toMatchObject({ to_state: 'eligible', actor_id: manager.id });
    expect(audit.payload).toBe(
      JSON.stringify({
        programmeId: q.id,
        programmeCode: 'sparse_sme',
        programmeVersion: q.version,
        enterpriseId: written[0].enterpriseId,
        period: year,
        amount: 1_000,
        trigger: JSON.parse(row.trigger),
        missing: [],
      }),
    );
    expect(JSON.parse(row.trigger)).toMatchObject({ type: 'tier.recognised', kind: 'first', jobId: batch.id });
  });

  it('simulates a draft: matches, cost by district, tier and colour against the budget, and writes nothing', async () => {
    const district = unique('沙盘区');
    const all = await enterprisesIn(district, 3);
    await t.http.put(`/api/enterprises/${all[0].id}/indicators/${year - 1}`, EXAMPLE_FILINGS[2025], caseworker.token);
    await t.drainOutbox();
    const tables = ['grants', 'programmes', 'audit_events', 'outbox_events', 'job_records', 'notifications'];
    const counts = async () =>
      Promise.all(
        tables.map(async (name) => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${name}`))[0].n)),
      );
    const before = await counts();
    const res = await t.http.post(
      '/api/programmes/simulate',
      {
        name: '沙盘',
        period: year,
        districts: [district],
        trigger: { event: 'manual' },
        rule: { '>=': [{ var: 'grading.employees' }, 100] },
        amount: { formula: { '*': [{ var: 'grading.techStaff' }, 1000] }, cap: 15_000 },
        budget: 10_000,
      },
      manager.token,
    );
    expect(res.statusCode).toBe(200);
    const sim = res.json();
    expect(sim).toMatchObject({ enterprisesConsidered: 3, matched: 1, needsData: 2, totalCost: 15_000 });
    expect(sim.budget).toMatchObject({ budget: 10_000, remaining: -5_000, exceeded: true, withinBudget: { count: 0 } });
    expect(sim.byDistrict[district]).toEqual({ matched: 1, cost: 15_000, needsData: 2 });
    expect(sim.byTier.startup.matched).toBe(1);
    expect(Object.keys(sim.byColour).length).toBeGreaterThan(0);
    expect(sim.missingFacts['grading.employees']).toBe(2);
    expect(await counts()).toEqual(before);
    const invalid = await t.http.post(
      '/api/programmes/simulate',
      {
        name: '沙盘',
        period: year,
        trigger: { event: 'manual' },
        rule: { var: 'x.y' },
        amount: { fixed: 1 },
        budget: 1,
      },
      manager.token,
    );
    expect(invalid.json().fields[0].field).toBe('rule');
  });
});
