import { randomUUID } from 'node:crypto';
import { EXAMPLE_FACTS, EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { GradingService } from '../src/grading/grading.service';
import { waitForJob } from './helpers/jobs';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

describe('indicators and grading', () => {
  let t: TestApp;
  let caseworker: { token: string };
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
  });
  afterAll(() => t.close());

  const file = (id: string, year: number, body: unknown, token = caseworker.token) =>
    t.http.put(`/api/enterprises/${id}/indicators/${year}`, body, token);

  it('answers the worked example of DOMAIN.md section 7 from POST /api/grading/evaluate', async () => {
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const res = await t.http.post('/api/grading/evaluate', EXAMPLE_FACTS, reviewer.token);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      ruleSet: 'cn-2026',
      regionConfigVersion: 0,
      colour: 'red',
      techSme: {
        eligible: true,
        route: 'score',
        score: 74,
        scores: { techStaff: 16, rdInvestment: 40, ipResults: 18 },
        failed: [],
      },
      highTech: {
        eligible: false,
        innovationScore: { ip: 18, conversion: 19, rdManagement: 14, growth: 12, total: 63 },
      },
    });
    expect(r.highTech.checks.find((c: { code: string }) => c.code === 'rd_expense_ratio')).toEqual({
      code: 'rd_expense_ratio',
      status: 'met',
      actual: 0.0509,
      required: 0.05,
    });
    expect(r.gaps).toEqual([
      expect.objectContaining({ tier: 'high_tech', code: 'innovation_score', actual: 63, required: 71 }),
    ]);
  });

  it('rejects bad facts with a 400 naming each field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...EXAMPLE_FACTS, techStaff: 121 }, 'techStaff'],
      [{ ...EXAMPLE_FACTS, registeredOn: '2026-07-01' }, 'registeredOn'],
      [{ ...EXAMPLE_FACTS, totalAssets: -1 }, 'totalAssets'],
      [{ ...EXAMPLE_FACTS, totalAssets: 1.5 }, 'totalAssets'],
      [{ ...EXAMPLE_FACTS, surprise: true }, 'surprise'],
      [{ ...EXAMPLE_FACTS, financials: [EXAMPLE_FACTS.financials[0], EXAMPLE_FACTS.financials[0]] }, 'financials'],
      [
        { ...EXAMPLE_FACTS, financials: [...EXAMPLE_FACTS.financials, { ...EXAMPLE_FACTS.financials[0], year: 2022 }] },
        'financials',
      ],
      [{ ...EXAMPLE_FACTS, financials: [{ ...EXAMPLE_FACTS.financials[0], revenue: '1' }] }, 'financials.0.revenue'],
      [{ ...EXAMPLE_FACTS, asOf: '2026-02-30' }, 'asOf'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post('/api/grading/evaluate', body, caseworker.token);
      expect(res.statusCode).toBe(400);
      expect(res.json().fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await t.http.post('/api/grading/evaluate', EXAMPLE_FACTS)).statusCode).toBe(401);
  });

  it('files indicators idempotently, keeps earlier years, audits, and re-grades through the outbox', async () => {
    const e = await createEnterprise(t, { registeredOn: '2019-04-01' });
    for (const year of [2023, 2024]) expect((await file(e.id, year, EXAMPLE_FILINGS[year])).statusCode).toBe(201);
    const first = await file(e.id, 2025, EXAMPLE_FILINGS[2025]);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ year: 2025, revenue: 42_000_000, version: 1, changed: true });
    const again = await file(e.id, 2025, EXAMPLE_FILINGS[2025]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, changed: false });
    await t.drainOutbox();

    const evaluation = (await t.http.get(`/api/enterprises/${e.id}/evaluation`, caseworker.token)).json();
    expect(evaluation).toMatchObject({
      ruleSet: 'cn-2026',
      regionConfigVersion: 0,
      result: { colour: 'red', techSme: { score: 74 } },
    });
    expect(evaluation.facts.financials.map((f: { year: number }) => f.year)).toEqual([2023, 2024, 2025]);
    expect((await t.http.get(`/api/enterprises/${e.id}`, caseworker.token)).json()).toMatchObject({
      colour: 'red',
      techSmeScore: 74,
      gapCount: 1,
    });

    const changed = await file(e.id, 2025, {
      ...EXAMPLE_FILINGS[2025],
      innovation: { ip: 25, conversion: 19, rdManagement: 15 },
    });
    expect(changed.json()).toMatchObject({ version: 2, changed: true });
    await t.drainOutbox();
    // 25 + 19 + 15 + growth 12 = 71: every high-tech check met, so blue (should apply this year).
    expect((await t.http.get(`/api/enterprises/${e.id}`, caseworker.token)).json().colour).toBe('blue');

    // Two editors: the one who saw version 2 saves; the one still holding version 1 is refused, not silently undone.
    const corrected = { ...EXAMPLE_FILINGS[2025], revenue: 43_000_000 };
    const withVersion = (body: unknown, version: string) =>
      t.http.put(`/api/enterprises/${e.id}/indicators/2025`, body, caseworker.token, { 'if-match': version });
    expect((await withVersion(corrected, '"2"')).json()).toMatchObject({ version: 3, revenue: 43_000_000 });
    const stale = await withVersion(EXAMPLE_FILINGS[2025], '1');
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', currentVersion: 3 });
    const malformed = await withVersion(EXAMPLE_FILINGS[2025], 'W/"x"');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().fields[0].field).toBe('If-Match');
    // Without If-Match nothing is checked (the import and older clients); the stale attempt changed nothing.
    expect((await file(e.id, 2025, corrected)).json()).toMatchObject({ version: 3, changed: false });
    expect(
      (
        await t.http.put(`/api/enterprises/${e.id}/indicators/2022`, EXAMPLE_FILINGS[2023], caseworker.token, {
          'if-match': '1',
        })
      ).statusCode,
    ).toBe(409);

    const years = (await t.http.get(`/api/enterprises/${e.id}/indicators`, caseworker.token)).json();
    expect(years.items.map((y: { year: number }) => y.year)).toEqual([2025, 2024, 2023]);
    const audit = (
      await t.http.get(`/api/audit?entityType=annual_indicators&entityId=${e.id}:2025`, t.adminToken)
    ).json();
    expect(audit.items.map((a: { event: string }) => a.event)).toEqual([
      'INDICATORS_UPDATED',
      'INDICATORS_UPDATED',
      'INDICATORS_FILED',
    ]);
  });

  it('refuses bad indicators with a 400 naming the field and writes nothing', async () => {
    const e = await createEnterprise(t, { registeredOn: '2021-01-01' });
    const cases: [number, Record<string, unknown>, string][] = [
      [2025, { ...EXAMPLE_FILINGS[2025], techStaff: 500 }, 'techStaff'],
      [2025, { ...EXAMPLE_FILINGS[2025], revenue: -5 }, 'revenue'],
      [2025, { ...EXAMPLE_FILINGS[2025], year: 2025 }, 'year'],
      [2025, { ...EXAMPLE_FILINGS[2025], ip: { classI: 1 } }, 'ip.classII'],
      [2020, EXAMPLE_FILINGS[2025], 'year'],
      [2999, EXAMPLE_FILINGS[2025], 'year'],
    ];
    for (const [year, body, field] of cases) {
      const res = await file(e.id, year, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await t.http.get(`/api/enterprises/${e.id}/indicators`, caseworker.token)).json().total).toBe(0);
    // An enterprise that does not exist has no empty list of indicators: it is not there.
    const missing = await t.http.get(`/api/enterprises/${randomUUID()}/indicators`, caseworker.token);
    expect(missing.statusCode).toBe(404);
  });

  it('lets an enterprise file its own indicators only', async () => {
    const own = await createEnterprise(t);
    const other = await createEnterprise(t);
    const user = await userWithToken(t, 'enterprise', { enterpriseId: own.id });
    expect((await file(own.id, 2025, EXAMPLE_FILINGS[2025], user.token)).statusCode).toBe(201);
    expect((await file(other.id, 2025, EXAMPLE_FILINGS[2025], user.token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/enterprises/${other.id}/evaluation`, user.token)).statusCode).toBe(404);
    const manager = await userWithToken(t, 'manager');
    expect((await file(own.id, 2025, EXAMPLE_FILINGS[2025], manager.token)).statusCode).toBe(403);
  });

  it('colours a certified high-tech enterprise with no indicators on file green', async () => {
    const e = await createEnterprise(t);
    const recorded = await t.http.post(
      `/api/enterprises/${e.id}/certifications`,
      {
        tier: 'high_tech',
        number: `GR${new Date().getFullYear() - 1}35999001`,
        issuedOn: `${new Date().getFullYear() - 1}-11-20`,
      },
      caseworker.token,
    );
    expect(recorded.statusCode).toBe(201);
    await t.drainOutbox();
    expect((await t.http.get(`/api/enterprises/${e.id}`, caseworker.token)).json()).toMatchObject({
      tier: 'high_tech',
      colour: 'green',
    });
  });

  it('marks a bulk regrade that fails as failed, with the reason, instead of running', async () => {
    const district = `失败区${Date.now()}`;
    await createEnterprise(t, { district });
    const manager = await userWithToken(t, 'manager');
    const grading = t.app.get(GradingService);
    const spy = jest.spyOn(grading, 'regradeIn').mockRejectedValue(new Error('the database went away'));
    try {
      const started = await t.http.post('/api/grading/regrade', { district }, manager.token);
      expect(started.statusCode).toBe(202);
      const job = await waitForJob(t, started.json().jobId, manager.token);
      expect(job).toMatchObject({ status: 'failed', error: 'the database went away' });
    } finally {
      spy.mockRestore();
    }
  });

  it('versions the region overrides, records the version used, and re-grades in bulk as a job', async () => {
    const district = `批量区${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const e = await createEnterprise(t, { district, registeredOn: '2019-04-01' });
      for (const year of [2023, 2024, 2025]) await file(e.id, year, EXAMPLE_FILINGS[year]);
      ids.push(e.id);
    }
    await t.drainOutbox();
    expect(
      (
        await t.http.put(
          '/api/grading/region-config',
          { colours: [{ colour: 'red', when: 'sometimes' }] },
          t.adminToken,
        )
      ).statusCode,
    ).toBe(400);
    const manager = await userWithToken(t, 'manager');
    expect((await t.http.put('/api/grading/region-config', { note: 'x' }, manager.token)).statusCode).toBe(403);
    // A stricter bureau: blue only when every high-tech check is met (no unknowns), red for tech SMEs, else orange.
    const saved = await t.http.put(
      '/api/grading/region-config',
      {
        colours: [
          { colour: 'green', when: 'holds_high_tech_or_leader' },
          { colour: 'blue', when: 'high_tech_all_met' },
          { colour: 'orange', when: 'always' },
        ],
        note: 'tech SMEs are not coloured red here',
      },
      t.adminToken,
    );
    expect(saved.statusCode).toBe(200);
    const version = saved.json().version;
    expect(version).toBeGreaterThanOrEqual(1);
    expect((await t.http.get('/api/grading/region-config', caseworker.token)).json().version).toBe(version);

    expect((await t.http.post('/api/grading/regrade', { district }, caseworker.token)).statusCode).toBe(403);
    const started = await t.http.post('/api/grading/regrade', { district }, manager.token);
    expect(started.statusCode).toBe(202);
    const job = await waitForJob(t, started.json().jobId, manager.token);
    expect(job).toMatchObject({
      status: 'completed',
      total: 3,
      done: 3,
      result: { regraded: 3, colours: { orange: 3 }, regionConfigVersion: version },
    });
    for (const id of ids) {
      expect((await t.http.get(`/api/enterprises/${id}`, caseworker.token)).json().colour).toBe('orange');
      expect((await t.http.get(`/api/enterprises/${id}/evaluation`, caseworker.token)).json().regionConfigVersion).toBe(
        version,
      );
    }
    const list = (
      await t.http.get(`/api/enterprises?district=${encodeURIComponent(district)}&colour=orange`, caseworker.token)
    ).json();
    expect(list.total).toBe(3);
    // Put the default mapping back for the other tests in this file.
    await t.http.put(
      '/api/grading/region-config',
      {
        colours: [
          { colour: 'green', when: 'holds_high_tech_or_leader' },
          { colour: 'blue', when: 'high_tech_no_unmet' },
          { colour: 'red', when: 'tech_sme_eligible' },
          { colour: 'orange', when: 'always' },
        ],
      },
      t.adminToken,
    );
  });
});
