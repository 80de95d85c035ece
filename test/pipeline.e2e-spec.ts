import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, TestApp, unique, userWithToken } from './helpers/test-app';

const today = chinaToday();
const year = Number(today.slice(0, 4));
type User = { id: string; token: string };

const FILING = {
  red: EXAMPLE_FILINGS[2025],
  blue: { ...EXAMPLE_FILINGS[2025], innovation: { ip: 28, conversion: 28, rdManagement: 18 } },
  blueUnknown: { ...EXAMPLE_FILINGS[2025], innovation: undefined },
  redTwoGaps: { ...EXAMPLE_FILINGS[2025], supportedField: false },
  orange: { ...EXAMPLE_FILINGS[2025], techStaff: 0 },
  leaderish: {
    ...EXAMPLE_FILINGS[2025],
    revenue: 60_000_000,
    totalIncome: 61_000_000,
    mainBusinessRevenue: 59_000_000,
    highTechRevenue: 40_000_000,
    rdExpense: 4_000_000,
    domesticRdExpense: 3_500_000,
    ip: { classI: 5, classII: 3 },
  },
};
const payee = {
  accountName: '厦门测试科技有限公司',
  bankName: '中国工商银行厦门分行',
  accountNumber: '4100021709200123456',
};

let serial = 7_100_000;
const numberFor = (tier: string, on: string) => {
  serial++;
  if (tier === 'tech_sme') return `${on.slice(0, 4)}350100A${serial}`;
  if (tier === 'high_tech') return `GR${on.slice(0, 4)}35${String(serial).slice(-6)}`;
  return `LD-${serial}`;
};

describe('pipeline: summary, candidates, targets', () => {
  let t: TestApp;
  let manager: User;
  let manager2: User;
  let cw: User;
  let reviewer: User;
  let ownUser: User;
  beforeAll(async () => {
    t = await bootTestApp();
    manager = await userWithToken(t, 'manager');
    manager2 = await userWithToken(t, 'manager');
    cw = await userWithToken(t, 'caseworker');
    reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const e = await createEnterprise(t);
    ownUser = await userWithToken(t, 'enterprise', { enterpriseId: e.id });
  });
  afterAll(() => t.close());

  const ok = async (res: { statusCode: number; body: string; json(): any }, status = [200, 201]) => {
    if (!status.includes(res.statusCode)) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  async function enterprise(district: string, name: string, filing?: Record<string, unknown>) {
    const e = await createEnterprise(t, { district, name }, cw.token);
    if (filing) await ok(await t.http.put(`/api/enterprises/${e.id}/indicators/2025`, filing, cw.token));
    return e.id as string;
  }
  const certify = async (id: string, tier: string, issuedOn: string) =>
    ok(
      await t.http.post(
        `/api/enterprises/${id}/certifications`,
        { tier, number: numberFor(tier, issuedOn), issuedOn },
        cw.token,
      ),
    );
  const apply = async (id: string, targetTier: string) =>
    ok(await t.http.post('/api/applications', { enterpriseId: id, targetTier }, cw.token));
  const send = (appId: string, body: Record<string, unknown>, token: string) =>
    t.http.post(`/api/applications/${appId}/events`, body, token);

  it('lets only managers, admins and caseworkers read the pipeline, only managers set targets', async () => {
    const reads = [
      '/api/pipeline/summary',
      '/api/pipeline/candidates',
      `/api/targets/${year}`,
      `/api/targets/${year}/progress`,
    ];
    for (const url of reads) {
      for (const token of [ownUser.token, reviewer.token])
        expect({ url, status: (await t.http.get(url, token)).statusCode }).toEqual({ url, status: 403 });
      for (const token of [manager.token, cw.token, t.adminToken])
        expect({ url, status: (await t.http.get(url, token)).statusCode }).toEqual({ url, status: 200 });
    }
    expect((await t.http.get('/api/pipeline/summary')).statusCode).toBe(401);
    const body = { targets: [{ district: '思明区', metric: 'new_high_tech', value: 1 }] };
    for (const token of [ownUser.token, reviewer.token, cw.token, t.adminToken])
      expect((await t.http.put(`/api/targets/${year + 1}`, body, token)).statusCode).toBe(403);
    expect((await t.http.put(`/api/targets/${year + 1}`, body, manager.token)).statusCode).toBe(200);
  });

  it('validates the queries, naming the field', async () => {
    const field = async (url: string) => (await t.http.get(url, manager.token)).json().fields?.[0]?.field;
    expect(await field('/api/pipeline/summary?year=20x6')).toBe('year');
    expect(await field('/api/pipeline/summary?year=1800')).toBe('year');
    expect(await field('/api/pipeline/summary?colour=red')).toBe('colour');
    expect(await field('/api/pipeline/candidates?targetTier=startup')).toBe('targetTier');
    expect(await field('/api/pipeline/candidates?limit=0')).toBe('limit');
    expect(await field('/api/pipeline/candidates?limit=201')).toBe('limit');
    expect(await field('/api/targets/20x6')).toBe('year');
    expect(await field('/api/targets/20x6/progress')).toBe('year');
  });

  it('summarises one district: tier x colour, the funnel, applications with their pass rate', async () => {
    const d = unique('汇总区');
    const red = await enterprise(d, 'SUM-red', FILING.red);
    const blue = await enterprise(d, 'SUM-blue', FILING.blue);
    await enterprise(d, 'SUM-orange', FILING.orange);
    await enterprise(d, 'SUM-plain');
    const sme = await enterprise(d, 'SUM-sme', FILING.red);
    await certify(sme, 'tech_sme', `${year}-02-01`);
    const ht = await enterprise(d, 'SUM-ht', FILING.red);
    await certify(ht, 'tech_sme', `${year - 1}-03-01`);
    await certify(ht, 'high_tech', `${year}-03-01`);
    const gone = await enterprise(d, 'SUM-gone', FILING.red);
    await ok(await t.http.post(`/api/enterprises/${gone}/exit`, { reason: '迁出本区' }, cw.token));

    // Applications of the year: one recognised (tech SME), one rejected (objection upheld), one withdrawn, one draft.
    const recognise = await apply(red, 'tech_sme');
    await ok(await send(recognise.id, { type: 'SUBMIT' }, cw.token));
    await ok(await send(recognise.id, { type: 'ACCEPT' }, cw.token));
    const rejected = await apply(blue, 'tech_sme');
    await ok(await send(rejected.id, { type: 'SUBMIT' }, cw.token));
    await ok(await send(rejected.id, { type: 'ACCEPT' }, cw.token));
    await ok(await send(rejected.id, { type: 'PUBLISH_NOTICE' }, cw.token));
    await ok(
      await send(rejected.id, { type: 'OBJECT', name: '李四', contact: '13900000000', reason: '数据不实' }, cw.token),
    );
    await ok(await send(rejected.id, { type: 'RESOLVE_OBJECTION', upheld: true, reason: '异议成立' }, manager.token));
    const withdrawn = await apply(blue, 'high_tech');
    const blueUser = await userWithToken(t, 'enterprise', { enterpriseId: blue });
    await ok(await send(withdrawn.id, { type: 'WITHDRAW' }, blueUser.token));
    await apply(red, 'high_tech');
    await ok(await send(recognise.id, { type: 'PUBLISH_NOTICE' }, cw.token));
    const notice = (await t.http.get(`/api/applications/${recognise.id}`, cw.token)).json();
    const { ApplicationsSweepProcessor } = await import('../src/applications/applications-sweep.processor');
    const { WorkingCalendar } = await import('../src/calendar/working-calendar.service');
    const closeOn = await t.app.get(WorkingCalendar).addWorkingDays(notice.noticeEndsOn, 1);
    await t.app.get(ApplicationsSweepProcessor).closeNotices(closeOn);
    await t.drainOutbox();

    const s = await ok(await t.http.get(`/api/pipeline/summary?district=${encodeURIComponent(d)}`, manager.token));
    const cell = (tier: string, colour: string) =>
      s.counts.find((c: any) => c.tier === tier && c.colour === colour).count;
    const closedInYear = closeOn.startsWith(String(year));
    // red → tech SME (recognised by the notice closing): it leaves the startup row.
    expect({
      startupRed: cell('startup', 'red'),
      startupBlue: cell('startup', 'blue'),
      startupOrange: cell('startup', 'orange'),
      techSmeRed: cell('tech_sme', 'red') + cell('tech_sme', 'blue'),
      highTechGreen: cell('high_tech', 'green'),
    }).toEqual({ startupRed: 0, startupBlue: 1, startupOrange: 2, techSmeRed: 2, highTechGreen: 1 });
    expect(s.totals.enterprises).toBe(6);
    expect(s.exited).toEqual({ count: 1 });
    expect(s.byDistrict).toBeUndefined();
    const enteredSme = closedInYear ? 2 : 1;
    expect(s.funnel.steps).toEqual([
      {
        from: 'startup',
        to: 'tech_sme',
        entered: enteredSme,
        stock: 3,
        rate: Math.round((enteredSme / (enteredSme + 3)) * 1e4) / 1e4,
      },
      { from: 'tech_sme', to: 'high_tech', entered: 1, stock: 2, rate: 0.3333 },
      { from: 'high_tech', to: 'leader', entered: 0, stock: 1, rate: 0 },
    ]);
    expect(s.funnel.definition).toMatch(/first certification/);
    expect(s.applications.byTierAndState).toEqual([
      { tier: 'tech_sme', state: 'recognised', count: 1 },
      { tier: 'tech_sme', state: 'rejected', count: 1 },
      { tier: 'high_tech', state: 'draft', count: 1 },
      { tier: 'high_tech', state: 'withdrawn', count: 1 },
    ]);
    expect(s.applications.total).toEqual({
      total: 4,
      open: 1,
      withdrawn: 1,
      recognised: 1,
      rejected: 1,
      decided: 2,
      passRate: 0.5,
    });
    expect(s.applications.byTier.find((r: any) => r.tier === 'tech_sme')).toMatchObject({ decided: 2, passRate: 0.5 });
    // Grants of this district: the high-tech first recognition this year matched 300,000.
    expect(s.grants.available).toBe(true);
    const htFirst = s.grants.programmes.find((p: any) => p.code === 'high_tech_first');
    expect(htFirst).toMatchObject({
      count: 1,
      amount: 300_000,
      pendingCount: 1,
      pendingAmount: 300_000,
      budget: 10_000_000,
    });
    expect(htFirst.budgetUsed).toBeGreaterThanOrEqual(300_000);

    const all = await ok(await t.http.get('/api/pipeline/summary', manager.token));
    expect(all.byDistrict.filter((r: any) => r.district === d).reduce((n: number, r: any) => n + r.count, 0)).toBe(6);
    expect(all.exited.byDistrict).toContainEqual({ district: d, count: 1 });
    const last = await ok(
      await t.http.get(`/api/pipeline/summary?year=${year - 1}&district=${encodeURIComponent(d)}`, manager.token),
    );
    expect(last.funnel.steps[0].entered).toBe(1); // SUM-ht's tech SME entry last year
    expect(last.applications.total.total).toBe(0);
  });

  it('lists candidates: blue first, then red by fewest gaps, with their gaps; startups eligible first; leaders by gaps', async () => {
    const d = unique('候选区');
    const blue0 = await enterprise(d, 'CAND-blue0', FILING.blue);
    const blue1 = await enterprise(d, 'CAND-blue1', FILING.blueUnknown);
    const red1 = await enterprise(d, 'CAND-red1', FILING.red);
    const red2 = await enterprise(d, 'CAND-red2', FILING.redTwoGaps);
    const orange = await enterprise(d, 'CAND-orange', FILING.orange);
    const plain = await enterprise(d, 'CAND-plain');
    const smeRed = await enterprise(d, 'CAND-sme', FILING.red);
    await certify(smeRed, 'tech_sme', `${year}-01-20`);
    const holder = await enterprise(d, 'CAND-holder', FILING.red);
    await certify(holder, 'high_tech', `${year}-01-20`);
    const strong = await enterprise(d, 'CAND-strong', FILING.leaderish);
    await certify(strong, 'high_tech', `${year}-01-21`);
    await t.drainOutbox();

    const list = async (q: string) =>
      ok(await t.http.get(`/api/pipeline/candidates?district=${encodeURIComponent(d)}&${q}`, cw.token));
    const ht = await list('targetTier=high_tech');
    expect(ht.total).toBe(5);
    expect(ht.items.map((i: any) => i.enterpriseId)).toEqual([blue0, blue1, red1, smeRed, red2]);
    expect(ht.items.map((i: any) => [i.colour, i.gapCount])).toEqual([
      ['blue', 0],
      ['blue', 1],
      ['red', 1],
      ['red', 1],
      ['red', 2],
    ]);
    expect(ht.items[1].gaps).toEqual([
      expect.objectContaining({ tier: 'high_tech', code: 'innovation_score', messageZh: expect.any(String) }),
    ]);
    expect(ht.items[4].gaps.map((g: any) => g.code).sort()).toEqual(['innovation_score', 'supported_field']);
    expect(ht.items.every((i: any) => i.gaps.every((g: any) => g.tier === 'high_tech'))).toBe(true);
    expect(ht.items[0]).toMatchObject({ tier: 'startup', eligible: true, evaluated: true, district: d });
    expect(ht.definition).toMatch(/blue first/);
    const limited = await list('targetTier=high_tech&limit=2');
    expect({ total: limited.total, ids: limited.items.map((i: any) => i.enterpriseId) }).toEqual({
      total: 5,
      ids: [blue0, blue1],
    });

    const sme = await list('targetTier=tech_sme');
    const ids = sme.items.map((i: any) => i.enterpriseId);
    expect(sme.total).toBe(6);
    // Eligible startups (higher score first, then name), then the one that is not eligible, then the unevaluated one.
    expect(ids.slice(4)).toEqual([orange, plain]);
    expect(new Set(ids.slice(0, 4))).toEqual(new Set([blue0, blue1, red1, red2]));
    const eligible = sme.items.slice(0, 4);
    expect(eligible.every((i: any) => i.eligible === true && i.gapCount === 0)).toBe(true);
    for (let i = 1; i < eligible.length; i++)
      expect(
        eligible[i - 1].techSmeScore > eligible[i].techSmeScore ||
          (eligible[i - 1].techSmeScore === eligible[i].techSmeScore && eligible[i - 1].name < eligible[i].name),
      ).toBe(true);
    expect(sme.items[4]).toMatchObject({ eligible: false, gapCount: 2 });
    expect(sme.items[4].gaps.map((g: any) => `${g.tier}:${g.code}`).sort()).toEqual([
      'tech_sme:score_below_60',
      'tech_sme:tech_staff_zero',
    ]);
    expect(sme.items[5]).toMatchObject({ evaluated: false, eligible: null, gapCount: null, gaps: [] });

    const leader = await list('targetTier=leader');
    expect(leader.items.map((i: any) => i.enterpriseId)).toEqual([strong, holder]);
    expect(leader.items[0].gapCount).toBeLessThan(leader.items[1].gapCount);
    expect(
      leader.items.every((i: any) => i.gaps.length === i.gapCount && i.gaps.every((g: any) => g.tier === 'leader')),
    ).toBe(true);
  });

  it("refuses a stale copy of the year's targets (If-Match) instead of silently removing another manager's", async () => {
    const year = new Date().getFullYear() + 2;
    const [m1, m2] = [await userWithToken(t, 'manager'), await userWithToken(t, 'manager')];
    const put = (targets: unknown[], token: string, ifMatch?: string) =>
      t.http.put(`/api/targets/${year}`, { targets }, token, ifMatch === undefined ? {} : { 'if-match': ifMatch });
    const a = { district: '思明区', metric: 'new_high_tech', value: 3 };
    const b = { district: '湖里区', metric: 'new_tech_sme', value: 8 };
    expect((await ok(await t.http.get(`/api/targets/${year}`, m1.token))).version).toBe(0);
    // Two first saves of an empty year: the second one loaded version 0 too and is refused.
    expect((await ok(await put([a], m1.token, '0'))).version).toBe(1);
    const late = await put([b], m2.token, '0');
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'STALE_VERSION', version: 1 });
    // Loaded at 1, m2 adds b; m1's copy (still at 1, without b) would remove it: 409, and b is kept.
    expect((await ok(await put([a, b], m2.token, '"1"'))).version).toBe(2);
    expect((await put([{ ...a, value: 4 }], m1.token, '1')).statusCode).toBe(409);
    const now = await ok(await t.http.get(`/api/targets/${year}`, m1.token));
    expect(now.items.map((i: any) => i.district)).toEqual(['湖里区', '思明区']);
    // The same set again changes nothing and keeps the version; emptying the set still counts.
    expect((await ok(await put([a, b], m1.token, '2'))).version).toBe(2);
    expect(await ok(await put([], m1.token, '2'))).toMatchObject({ version: 3, total: 0, changed: 2 });
    expect((await put([a], m1.token, 'v3')).json().fields[0].field).toBe('If-Match');
    // Without If-Match the PUT still replaces the set (the published contract), and the version moves on.
    expect((await ok(await put([a], m2.token))).version).toBe(4);
  });

  it('sets targets idempotently with an audit trail, and reports progress with exact actuals and projections', async () => {
    const d = unique('目标区');
    // new_high_tech: first recognised this year (counts), first recognised last year (does not).
    const e1 = await enterprise(d, 'TGT-e1', FILING.red);
    await certify(e1, 'high_tech', `${year}-01-15`);
    const e2 = await enterprise(d, 'TGT-e2', FILING.red);
    await certify(e2, 'high_tech', `${year - 1}-06-15`);
    // Pipeline for high-tech: blue; red with an open high-tech application; blue with one too (counted once).
    await enterprise(d, 'TGT-e3', FILING.blue); // e3
    const e4 = await enterprise(d, 'TGT-e4', FILING.red);
    await apply(e4, 'high_tech');
    const e5 = await enterprise(d, 'TGT-e5', FILING.blue);
    await apply(e5, 'high_tech');
    // Tech SME: one first entry this year; an orange startup with an open tech SME application; one submitted.
    const e6 = await enterprise(d, 'TGT-e6', FILING.red);
    await certify(e6, 'tech_sme', `${year}-02-15`);
    const e7 = await enterprise(d, 'TGT-e7', FILING.orange);
    await apply(e7, 'tech_sme');
    const e8 = await enterprise(d, 'TGT-e8', FILING.blue);
    const submitted = await apply(e8, 'tech_sme');
    await ok(await send(submitted.id, { type: 'SUBMIT' }, cw.token));
    // Leader: the last-year high-tech holder applies.
    await apply(e2, 'leader');
    // An exited blue enterprise adds nothing.
    const gone = await enterprise(d, 'TGT-gone', FILING.blue);
    await ok(await t.http.post(`/api/enterprises/${gone}/exit`, { reason: '注销' }, cw.token));
    await t.drainOutbox();
    // Grants: e1's high-tech first (300,000) paid; e6's tech SME entry (10,000) pending.
    const grants = async (id: string) =>
      (await t.http.get(`/api/enterprises/${id}/grants`, manager.token)).json().items;
    const [g1] = await grants(e1);
    expect(g1).toMatchObject({ programmeCode: 'high_tech_first', amount: 300_000, state: 'eligible' });
    await ok(await t.http.post(`/api/grants/${g1.id}/notify`, {}, cw.token));
    await ok(await t.http.post(`/api/grants/${g1.id}/confirm`, payee, cw.token));
    await ok(await t.http.post(`/api/grants/${g1.id}/approve`, {}, manager2.token));
    await ok(await t.http.post(`/api/grants/${g1.id}/pay`, { reference: 'CZ-TGT-1' }, manager.token));
    expect((await grants(e6))[0]).toMatchObject({ programmeCode: 'tech_sme_new', amount: 10_000, state: 'eligible' });

    const targets = [
      { district: d, metric: 'new_high_tech', value: 4 },
      { district: d, metric: 'new_tech_sme', value: 10 },
      { district: d, metric: 'new_leader', value: 1 },
      { district: d, metric: 'applications', value: 5 },
      { district: d, metric: 'grants_amount', value: 1_000_000 },
      { district: '*', metric: 'new_high_tech', value: 100 },
    ];
    const put = await ok(await t.http.put(`/api/targets/${year}`, { targets }, manager.token));
    expect(put).toMatchObject({ year, total: 6, changed: 6 });
    const audit = async () =>
      (await t.http.get(`/api/audit?entityType=targets&entityId=${year}`, t.adminToken)).json().total;
    const audited = await audit();
    expect(audited).toBe(6);
    // The same set again changes nothing and audits nothing.
    expect((await ok(await t.http.put(`/api/targets/${year}`, { targets }, manager.token))).changed).toBe(0);
    expect(await audit()).toBe(6);
    const got = await ok(await t.http.get(`/api/targets/${year}`, cw.token));
    expect(got.items.map((i: any) => `${i.metric}:${i.district}:${i.value}`)).toEqual([
      `new_tech_sme:${d}:10`,
      `new_high_tech:*:100`,
      `new_high_tech:${d}:4`,
      `new_leader:${d}:1`,
      `applications:${d}:5`,
      `grants_amount:${d}:1000000`,
    ]);
    expect(got.items[0]).toMatchObject({ updatedBy: manager.id });
    expect(got.version).toBe(1);

    const bad = async (body: unknown) => (await t.http.put(`/api/targets/${year}`, body, manager.token)).json();
    expect((await bad({ targets: [targets[0], { ...targets[0], value: 9 }] })).fields[0].field).toBe('targets.1');
    expect((await bad({ targets: [{ ...targets[0], metric: 'visits' }] })).fields[0].field).toBe('targets.0.metric');
    expect((await bad({ targets: [{ ...targets[0], value: -1 }] })).fields[0].field).toBe('targets.0.value');
    expect((await bad({ targets: [{ ...targets[0], value: 1.5 }] })).fields[0].field).toBe('targets.0.value');
    expect((await bad({ targets: [{ ...targets[0], district: ' ' }] })).fields[0].field).toBe('targets.0.district');
    expect((await bad({})).fields[0].field).toBe('targets');

    const progress = await ok(
      await t.http.get(`/api/targets/${year}/progress?district=${encodeURIComponent(d)}`, manager.token),
    );
    expect(progress).toMatchObject({ year, asOf: today, district: d, total: 5 });
    const row = (metric: string) => {
      const { definition, ...rest } = progress.items.find((i: any) => i.metric === metric);
      expect(definition.actual).toEqual(expect.any(String));
      expect(definition.projection).toEqual(expect.any(String));
      return rest;
    };
    expect(row('new_high_tech')).toEqual({
      district: d,
      metric: 'new_high_tech',
      target: 4,
      actual: 1,
      percentage: 25,
      // e3, e4, e5 and e8 (blue, applying for tech SME) never held high-tech; the exited one is left out.
      projection: { pipeline: 4, projected: 5, percentage: 125 },
    });
    // e3, e4, e5 and e8 are eligible startups, e7 has an open application; e6 already entered, e1/e2 are high-tech.
    expect(row('new_tech_sme')).toEqual({
      district: d,
      metric: 'new_tech_sme',
      target: 10,
      actual: 1,
      percentage: 10,
      projection: { pipeline: 5, projected: 6, percentage: 60 },
    });
    expect(row('new_leader')).toEqual({
      district: d,
      metric: 'new_leader',
      target: 1,
      actual: 0,
      percentage: 0,
      projection: { pipeline: 1, projected: 1, percentage: 100 },
    });
    // One submitted this year; four drafts (e4, e5 high-tech, e7 tech SME, e2 leader).
    expect(row('applications')).toEqual({
      district: d,
      metric: 'applications',
      target: 5,
      actual: 1,
      percentage: 20,
      projection: { pipeline: 4, projected: 5, percentage: 100 },
    });
    expect(row('grants_amount')).toEqual({
      district: d,
      metric: 'grants_amount',
      target: 1_000_000,
      actual: 300_000,
      percentage: 30,
      projection: { pipeline: 10_000, projected: 310_000, percentage: 31 },
    });
    // The region-wide target counts every district, by the same definition as the summary's funnel.
    const region = (await ok(await t.http.get(`/api/targets/${year}/progress?district=*`, manager.token))).items[0];
    const summary = await ok(await t.http.get(`/api/pipeline/summary?year=${year}`, manager.token));
    expect(region).toMatchObject({ district: '*', target: 100, actual: summary.funnel.steps[1].entered });

    // A past year: actual to 31 December, no pipeline.
    await ok(
      await t.http.put(
        `/api/targets/${year - 1}`,
        { targets: [{ district: d, metric: 'new_high_tech', value: 2 }] },
        manager.token,
      ),
    );
    const past = await ok(
      await t.http.get(`/api/targets/${year - 1}/progress?district=${encodeURIComponent(d)}`, cw.token),
    );
    expect(past).toMatchObject({ asOf: `${year - 1}-12-31` });
    expect(past.items[0]).toMatchObject({
      actual: 1,
      percentage: 50,
      projection: { pipeline: 0, projected: 1, percentage: 50 },
    });

    // Replacing the set: one value changed, the rest removed; each change audited once.
    const replaced = await ok(
      await t.http.put(
        `/api/targets/${year}`,
        { targets: [{ district: d, metric: 'new_high_tech', value: 5 }] },
        manager.token,
      ),
    );
    expect(replaced).toMatchObject({ total: 1, changed: 6 });
    const events = (
      await t.http.get(`/api/audit?entityType=targets&entityId=${year}&pageSize=50`, t.adminToken)
    ).json();
    expect(events.total).toBe(12);
    expect(events.items.filter((e: any) => e.event === 'TARGET_REMOVED')).toHaveLength(5);
    expect(events.items).toContainEqual(
      expect.objectContaining({
        event: 'TARGET_SET',
        from: '4',
        to: '5',
        actorId: manager.id,
        payload: expect.objectContaining({ district: d, metric: 'new_high_tech', before: 4, after: 5 }),
      }),
    );
  });
});
