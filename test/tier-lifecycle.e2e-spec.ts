import { DataSource } from 'typeorm';
import { TierSweepProcessor } from '../src/certifications/tier-sweep.processor';
import { EnterpriseEntity } from '../src/enterprises/enterprise.entity';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { waitForJob } from './helpers/jobs';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

const today = chinaToday();
const year = Number(today.slice(0, 4));
let serial = 100000;
const highTechNo = (issuedOn: string) => `GR${issuedOn.slice(0, 4)}35${String(serial++).padStart(6, '0')}`;
const techSmeNo = (issuedOn: string) => `${issuedOn.slice(0, 4)}350100A${String(serial++).padStart(7, '0')}`;

describe('tier lifecycle: certifications, revocations, bars and the daily sweep', () => {
  let t: TestApp;
  let caseworker: { token: string; id: string };
  let manager: { token: string; id: string };
  let sweep: TierSweepProcessor;
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
    manager = await userWithToken(t, 'manager');
    sweep = t.app.get(TierSweepProcessor);
  });
  afterAll(() => t.close());

  const record = (id: string, tier: string, issuedOn: string, number?: string, token = caseworker.token) =>
    t.http.post(
      `/api/enterprises/${id}/certifications`,
      {
        tier,
        issuedOn,
        number:
          number ??
          (tier === 'high_tech' ? highTechNo(issuedOn) : tier === 'tech_sme' ? techSmeNo(issuedOn) : `LJ-${serial++}`),
      },
      token,
    );
  const tierOf = async (id: string) => (await t.http.get(`/api/enterprises/${id}`, caseworker.token)).json().tier;

  it('climbs in either order; the tier is the highest active certification; first and renewal are told apart', async () => {
    const a = await createEnterprise(t);
    const sme = await record(a.id, 'tech_sme', `${year}-03-01`);
    expect(sme.statusCode).toBe(201);
    expect(sme.json()).toMatchObject({
      tier: 'tech_sme',
      status: 'active',
      kind: 'first',
      validUntil: `${year}-12-31`,
      source: 'record',
    });
    expect(await tierOf(a.id)).toBe('tech_sme');
    expect((await record(a.id, 'high_tech', `${year}-01-10`)).json()).toMatchObject({
      kind: 'first',
      validUntil: `${year + 3}-01-09`,
    });
    expect(await tierOf(a.id)).toBe('high_tech');

    const b = await createEnterprise(t);
    await record(b.id, 'high_tech', `${year}-01-10`);
    await record(b.id, 'tech_sme', `${year}-03-01`);
    expect(await tierOf(b.id)).toBe('high_tech');
    const history = (await t.http.get(`/api/enterprises/${b.id}/history`, caseworker.token)).json();
    expect(
      history.items.map((h: { cause: string; from: string; to: string; kind: string }) => [
        h.cause,
        h.from,
        h.to,
        h.kind,
      ]),
    ).toEqual([
      ['RECOGNISED', 'startup', 'high_tech', 'first'],
      ['RECOGNISED', 'high_tech', 'high_tech', 'first'],
    ]);
    expect(history.items[0].certificationId).toBeDefined();
  });

  it('validates certificate numbers and dates, and refuses a duplicate number', async () => {
    const e = await createEnterprise(t);
    const shape = await record(e.id, 'high_tech', `${year}-01-10`, 'GR2023-bad');
    expect(shape.statusCode).toBe(400);
    expect(shape.json().fields[0].field).toBe('number');
    expect((await record(e.id, 'high_tech', `${year}-01-10`, `GR${year - 1}35000001`)).statusCode).toBe(400);
    expect((await record(e.id, 'high_tech', `${year + 1}-01-10`)).statusCode).toBe(400);
    const number = highTechNo(`${year}-02-01`);
    expect((await record(e.id, 'high_tech', `${year}-02-01`, number)).statusCode).toBe(201);
    const dup = await record((await createEnterprise(t)).id, 'high_tech', `${year}-02-01`, number);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('CERTIFICATE_NUMBER_TAKEN');
  });

  it('renews before expiry: tier kept, old certificate superseded, counted as renewal', async () => {
    const e = await createEnterprise(t);
    const first = (await record(e.id, 'high_tech', `${year - 3}-12-21`)).json();
    expect(first.status).toBe('active');
    const renewal = (await record(e.id, 'high_tech', `${year}-11-01`)).json();
    expect(renewal).toMatchObject({ kind: 'renewal', status: 'active' });
    const certs = (await t.http.get(`/api/enterprises/${e.id}/certifications`, caseworker.token)).json().items;
    expect(certs.find((c: { id: string }) => c.id === first.id).status).toBe('superseded');
    expect(await tierOf(e.id)).toBe('high_tech');
    const history = (await t.http.get(`/api/enterprises/${e.id}/history`, caseworker.token)).json().items;
    expect(history.map((h: { kind: string }) => h.kind)).toEqual(['first', 'renewal']);
  });

  it('takes past records oldest first, so the first recognition is the earliest (a later one is a renewal)', async () => {
    const e = await createEnterprise(t);
    expect((await record(e.id, 'high_tech', `${year - 1}-03-01`)).json().kind).toBe('first');
    const older = await record(e.id, 'high_tech', `${year - 4}-05-01`);
    expect(older.statusCode).toBe(409);
    expect(older.json()).toMatchObject({ code: 'CERTIFICATE_OUT_OF_ORDER' });
    const certs = (await t.http.get(`/api/enterprises/${e.id}/certifications`, caseworker.token)).json();
    expect(certs.total).toBe(1);
  });

  it('expires lapsed certifications on the sweep, falling back to the tier still held; a second run changes nothing', async () => {
    const e = await createEnterprise(t);
    await record(e.id, 'high_tech', `${year - 3}-12-21`); // valid until {year}-12-20
    await record(e.id, 'tech_sme', `${year}-03-01`); // valid until {year}-12-31
    const first = await sweep.sweep(`${year}-12-21`);
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect(await tierOf(e.id)).toBe('tech_sme');
    const again = await sweep.sweep(`${year}-12-21`);
    expect(again).toMatchObject({
      expired: 0,
      tierChanges: 0,
      renewalReminders: 0,
      missingReports: 0,
      revocationSuggestions: 0,
    });
    await sweep.sweep(`${year + 1}-01-01`);
    expect(await tierOf(e.id)).toBe('startup');
    const causes = (await t.http.get(`/api/enterprises/${e.id}/history`, caseworker.token))
      .json()
      .items.map((h: { cause: string; to: string }) => `${h.cause}:${h.to}`);
    expect(causes).toEqual(['RECOGNISED:high_tech', 'RECOGNISED:high_tech', 'EXPIRED:tech_sme', 'EXPIRED:startup']);
    await t.drainOutbox();
  });

  it('does not fall back to a tier whose certificate lapsed too, when one sweep expires both', async () => {
    const e = await createEnterprise(t);
    await record(e.id, 'high_tech', `${year - 3}-12-21`); // valid until {year}-12-20
    await record(e.id, 'tech_sme', `${year}-03-01`); // valid until {year}-12-31
    await sweep.sweep(`${year + 1}-01-05`);
    expect(await tierOf(e.id)).toBe('startup');
    const causes = (await t.http.get(`/api/enterprises/${e.id}/history`, caseworker.token))
      .json()
      .items.map((h: { cause: string; to: string }) => `${h.cause}:${h.to}`);
    expect(causes).toEqual(['RECOGNISED:high_tech', 'RECOGNISED:high_tech', 'EXPIRED:startup']);
    await t.drainOutbox();
  });

  it('revokes with two people, bars a revoked tech SME for the year and a fraudulent enterprise for 3 years', async () => {
    const e = await createEnterprise(t);
    const sme = (await record(e.id, 'tech_sme', `${year}-03-01`)).json();
    expect(
      (
        await t.http.post(
          `/api/enterprises/${e.id}/revocations`,
          { certificationId: sme.id, reason: '数据不实', fraud: false },
          manager.token,
        )
      ).statusCode,
    ).toBe(403);
    const proposal = await t.http.post(
      `/api/enterprises/${e.id}/revocations`,
      { certificationId: sme.id, reason: '数据不实', fraud: false },
      caseworker.token,
    );
    expect(proposal.statusCode).toBe(201);
    expect(proposal.json()).toMatchObject({ state: 'proposed', fraud: false });
    expect(await tierOf(e.id)).toBe('tech_sme');
    const twice = await t.http.post(
      `/api/enterprises/${e.id}/revocations`,
      { certificationId: sme.id, reason: 'again', fraud: false },
      caseworker.token,
    );
    expect(twice.json().code).toBe('REVOCATION_ALREADY_PROPOSED');
    expect(
      (await t.http.post(`/api/enterprises/${e.id}/revocations/${proposal.json().id}/confirm`, {}, caseworker.token))
        .statusCode,
    ).toBe(403);
    const confirmed = await t.http.post(
      `/api/enterprises/${e.id}/revocations/${proposal.json().id}/confirm`,
      {},
      manager.token,
    );
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().state).toBe('confirmed');
    expect(await tierOf(e.id)).toBe('startup');
    const barred = await record(e.id, 'tech_sme', `${year}-04-01`);
    expect(barred.statusCode).toBe(409);
    expect(barred.json()).toMatchObject({ code: 'TIER_BARRED', barredUntil: `${year}-12-31` });
    expect((await record(e.id, 'high_tech', `${year}-04-01`)).statusCode).toBe(201);

    const f = await createEnterprise(t);
    const ht = (await record(f.id, 'high_tech', `${year}-01-10`)).json();
    const p = (
      await t.http.post(
        `/api/enterprises/${f.id}/revocations`,
        { certificationId: ht.id, reason: '弄虚作假', fraud: true },
        caseworker.token,
      )
    ).json();
    await t.http.post(`/api/enterprises/${f.id}/revocations/${p.id}/confirm`, {}, manager.token);
    expect(await tierOf(f.id)).toBe('startup');
    const fraudBar = await record(f.id, 'tech_sme', `${year}-06-01`);
    expect(fraudBar.json().code).toBe('TIER_BARRED');
    expect(fraudBar.json().barredUntil > `${year + 2}-12-31`).toBe(true);
    const history = (await t.http.get(`/api/enterprises/${f.id}/history`, caseworker.token)).json().items;
    expect(history[history.length - 1]).toMatchObject({
      cause: 'REVOKED',
      from: 'high_tech',
      to: 'startup',
      fraud: true,
    });
  });

  it('flags missing annual reports and suggests revocation after two, never revoking on its own', async () => {
    const e = await createEnterprise(t, { registeredOn: '2015-01-01' });
    await record(e.id, 'high_tech', `${year - 2}-01-10`);
    await t.http.put(`/api/enterprises/${e.id}/indicators/${year - 1}`, EXAMPLE_FILINGS[2025], caseworker.token);
    await sweep.sweep(`${year - 1}-06-01`);
    let notices = (await t.http.get(`/api/enterprises/${e.id}/notices`, caseworker.token)).json().items;
    expect(notices.map((n: { kind: string; period: string }) => `${n.kind}:${n.period}`)).toContain(
      `annual_report_missing:${year - 2}`,
    );
    await sweep.sweep(`${year}-06-01`);
    notices = (await t.http.get(`/api/enterprises/${e.id}/notices`, caseworker.token)).json().items;
    expect(notices.filter((n: { kind: string }) => n.kind === 'annual_report_missing')).toHaveLength(1);
    // Last year was filed, so only one report is missing so far: no suggestion yet.
    expect(notices.some((n: { kind: string }) => n.kind === 'revocation_suggested')).toBe(false);

    const g = await createEnterprise(t, { registeredOn: '2015-01-01' });
    await record(g.id, 'high_tech', `${year - 2}-01-10`);
    await sweep.sweep(`${year - 1}-06-01`);
    const summary = await sweep.sweep(`${year}-06-01`);
    expect(summary.revocationSuggestions).toBeGreaterThanOrEqual(1);
    const revocations = (await t.http.get(`/api/enterprises/${g.id}/revocations`, caseworker.token)).json().items;
    expect(revocations).toEqual([expect.objectContaining({ state: 'suggested', proposedBy: null })]);
    expect(await tierOf(g.id)).toBe('high_tech');
    expect((await sweep.sweep(`${year}-06-01`)).revocationSuggestions).toBe(0);
    const certs = (await t.http.get(`/api/enterprises/${g.id}/certifications`, caseworker.token)).json().items;
    const taken = await t.http.post(
      `/api/enterprises/${g.id}/revocations`,
      { certificationId: certs[0].id, reason: '两次未报年报', fraud: false },
      caseworker.token,
    );
    expect(taken.json()).toMatchObject({ id: revocations[0].id, state: 'proposed' });
  });

  it('runs the sweep for a past day through the admin API as a job, never for a future day', async () => {
    const admin = t.adminToken;
    expect((await t.http.post('/api/admin/sweeps', { asOf: `${year + 1}-01-01` }, admin)).statusCode).toBe(400);
    const ancient = await t.http.post('/api/admin/sweeps', { asOf: '0999-12-31' }, admin);
    expect(ancient.statusCode).toBe(400);
    expect(ancient.json().fields).toEqual([{ field: 'asOf', reason: 'asOf must be 2000-01-01 or later' }]);
    expect((await t.http.post('/api/admin/sweeps', { asOf: today }, manager.token)).statusCode).toBe(403);
    const started = await t.http.post('/api/admin/sweeps', { asOf: today }, admin);
    expect(started.statusCode).toBe(202);
    const job = await waitForJob(t, started.json().jobId);
    expect(job).toMatchObject({ status: 'completed', result: { asOf: today } });
  });

  it('exits and reinstates; a concurrent second exit loses with 409; nothing is recognised while exited', async () => {
    const e = await createEnterprise(t);
    await record(e.id, 'tech_sme', `${year}-03-01`);
    const [r1, r2] = await Promise.all([
      t.http.post(`/api/enterprises/${e.id}/exit`, { reason: '迁出本区' }, caseworker.token),
      t.http.post(`/api/enterprises/${e.id}/exit`, { reason: '迁出本区' }, manager.token),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    expect(await tierOf(e.id)).toBe('exited');
    expect((await record(e.id, 'high_tech', `${year}-01-10`)).statusCode).toBe(409);
    const back = await t.http.post(`/api/enterprises/${e.id}/reinstate`, { reason: '迁回' }, caseworker.token);
    expect(back.json()).toMatchObject({ tier: 'tech_sme' });
  });

  it('loads a snapshot written by an older machine version and upgrades it on the next change', async () => {
    const e = await createEnterprise(t);
    const db = t.app.get(DataSource);
    await db
      .getRepository(EnterpriseEntity)
      .update({ id: e.id }, { machineVersion: 1, snapshot: { value: 'startup', context: {} } });
    expect((await record(e.id, 'tech_sme', `${year}-03-01`)).statusCode).toBe(201);
    const row = await db.getRepository(EnterpriseEntity).findOneByOrFail({ id: e.id });
    expect(row).toMatchObject({
      state: 'tech_sme',
      machineVersion: 2,
      snapshot: { value: 'tech_sme', context: { tierSince: today } },
    });
  });

  it('shows an enterprise its own certifications and history only, and lets it record nothing', async () => {
    const own = await createEnterprise(t);
    const other = await createEnterprise(t);
    const user = await userWithToken(t, 'enterprise', { enterpriseId: own.id });
    expect((await t.http.get(`/api/enterprises/${own.id}/history`, user.token)).statusCode).toBe(200);
    expect((await t.http.get(`/api/enterprises/${other.id}/history`, user.token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/enterprises/${other.id}/certifications`, user.token)).statusCode).toBe(404);
    expect((await record(own.id, 'tech_sme', `${year}-03-01`, undefined, user.token)).statusCode).toBe(403);
  });
});
