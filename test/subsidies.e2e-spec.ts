import { DataSource } from 'typeorm';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { OutboxEventEntity } from '../src/outbox/outbox-event.entity';
import { appendOutbox } from '../src/outbox/outbox-writer';
import { GrantEntity } from '../src/subsidies/grant.entity';
import { ProgrammesService } from '../src/subsidies/programmes.service';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

const year = Number(chinaToday().slice(0, 4));
let serial = 200000;
const highTechNo = (issuedOn: string) => `GR${issuedOn.slice(0, 4)}35${String(serial++).padStart(6, '0')}`;
const techSmeNo = (issuedOn: string) => `${issuedOn.slice(0, 4)}350100A${String(serial++).padStart(7, '0')}`;
const filing = (overrides: Record<string, unknown> = {}) => ({ ...EXAMPLE_FILINGS[2025], ...overrides });

describe('subsidies: programmes as data and matching on events (免申即享)', () => {
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

  const record = async (id: string, tier: 'high_tech' | 'tech_sme', issuedOn: string) => {
    const number = tier === 'high_tech' ? highTechNo(issuedOn) : techSmeNo(issuedOn);
    const res = await t.http.post(
      `/api/enterprises/${id}/certifications`,
      { tier, number, issuedOn },
      caseworker.token,
    );
    expect(res.statusCode).toBe(201);
    return res.json();
  };
  const file = async (id: string, y: number, body: Record<string, unknown>) => {
    const res = await t.http.put(`/api/enterprises/${id}/indicators/${y}`, body, caseworker.token);
    expect([200, 201]).toContain(res.statusCode);
  };
  const grantsOf = async (id: string, token = t.adminToken) => {
    await t.drainOutbox();
    const res = await t.http.get(`/api/enterprises/${id}/grants?pageSize=100`, token);
    expect(res.statusCode).toBe(200);
    return res.json().items as any[];
  };
  const codes = (grants: any[]) => grants.map((g) => g.programmeCode).sort();

  it('seeds the four default programmes once, for the current year, with the fact vocabulary published', async () => {
    const list = (await t.http.get('/api/programmes?pageSize=50', caseworker.token)).json();
    const defaults = list.items.filter((p: any) =>
      ['high_tech_first', 'high_tech_renewal', 'tech_sme_new', 'rd_growth'].includes(p.code),
    );
    expect(defaults).toHaveLength(4);
    for (const p of defaults)
      expect(p).toMatchObject({ status: 'active', period: year, budget: 10_000_000, version: 1, reserved: 0 });
    expect(defaults.find((p: any) => p.code === 'rd_growth')).toMatchObject({
      trigger: { event: 'indicators.filed' },
      amount: { cap: 2_000_000 },
    });
    // A second start (another process) adds nothing.
    await t.app.get(ProgrammesService).onApplicationBootstrap();
    expect((await t.http.get('/api/programmes?code=rd_growth', t.adminToken)).json().total).toBe(1);
    const facts = (await t.http.get('/api/programmes/facts', caseworker.token)).json();
    expect(facts.items.map((f: any) => f.name)).toEqual(
      expect.arrayContaining(['enterprise.district', 'enterprise.tier', 'enterprise.colour', 'event.kind']),
    );
    expect(facts.items.every((f: any) => f.description && f.type)).toBe(true);
  });

  it('rejects unknown operators and facts with a 400 naming the field; only managers and admins write', async () => {
    const base = {
      code: 'bad_rule',
      name: '测试',
      period: year,
      trigger: { event: 'manual' },
      amount: { fixed: 1000 },
      budget: 100000,
    };
    const unknownOp = await t.http.post('/api/programmes', { ...base, rule: { frobnicate: [1, 2] } }, manager.token);
    expect(unknownOp.statusCode).toBe(400);
    expect(unknownOp.json().fields).toEqual([
      expect.objectContaining({ field: 'rule', reason: expect.stringContaining('unknown operator "frobnicate"') }),
    ]);
    const unknownFact = await t.http.post(
      '/api/programmes',
      { ...base, rule: { '>=': [{ var: 'enterprise.profit' }, 1] } },
      manager.token,
    );
    expect(unknownFact.json().fields[0]).toMatchObject({ field: 'rule' });
    expect(unknownFact.json().fields[0].reason).toContain('unknown fact "enterprise.profit"');
    const badFormula = await t.http.post(
      '/api/programmes',
      { ...base, rule: true, amount: { formula: { '*': [{ var: 'nope' }, 2] }, cap: 5000 } },
      manager.token,
    );
    expect(badFormula.json().fields.map((f: any) => f.field)).toEqual(['amount.formula']);
    const noCap = await t.http.post(
      '/api/programmes',
      { ...base, rule: true, amount: { formula: { var: 'indicators.revenue' } } },
      manager.token,
    );
    expect(noCap.json().fields.map((f: any) => f.field)).toEqual(['amount.cap']);
    // A null amount or cap is refused, not read as 0 (every match would get no grant) or left pending forever.
    for (const amount of [{ fixed: null }, { formula: { var: 'indicators.revenue' }, cap: null }, { formula: null }]) {
      const nulled = await t.http.post('/api/programmes', { ...base, rule: true, amount }, manager.token);
      expect(nulled.statusCode).toBe(400);
      expect(new Set(nulled.json().fields.map((f: any) => f.field))).toEqual(
        new Set([`amount.${Object.keys(amount).at(-1)}`]),
      );
    }
    const draft = await t.http.post('/api/programmes', { ...base, code: 'nulled_rule', rule: true }, manager.token);
    expect(draft.statusCode).toBe(201);
    // A PATCH that names a required field as null is a 400 naming it, not a NOT NULL failure at the database.
    for (const field of ['rule', 'name', 'budget', 'amount', 'trigger']) {
      const patched = await t.http.patch(`/api/programmes/${draft.json().id}`, { [field]: null }, manager.token);
      expect(patched.statusCode).toBe(400);
      expect(new Set(patched.json().fields.map((f: any) => f.field))).toEqual(new Set([field]));
    }
    const wrongTrigger = await t.http.post(
      '/api/programmes',
      { ...base, rule: { '==': [{ var: 'event.tier' }, 'high_tech'] } },
      manager.token,
    );
    expect(wrongTrigger.json().fields[0].reason).toContain('not available for trigger manual');
    const twoKeys = await t.http.post(
      '/api/programmes',
      { ...base, rule: { and: [true], or: [false] } },
      manager.token,
    );
    expect(twoKeys.statusCode).toBe(400);
    expect((await t.http.post('/api/programmes', { ...base, rule: true }, caseworker.token)).statusCode).toBe(403);
  });

  it('edits a draft in place and an active programme into a new version; others read active ones only', async () => {
    const created = await t.http.post(
      '/api/programmes',
      {
        code: 'versioned',
        name: '版本测试',
        period: year,
        trigger: { event: 'manual' },
        rule: { '==': [{ var: 'enterprise.colour' }, 'green'] },
        amount: { fixed: 5000 },
        budget: 50000,
      },
      manager.token,
    );
    expect(created.statusCode).toBe(201);
    const draft = created.json();
    expect(draft).toMatchObject({ status: 'draft', version: 1 });
    expect((await t.http.get(`/api/programmes/${draft.id}`, caseworker.token)).statusCode).toBe(404);
    const edited = (await t.http.patch(`/api/programmes/${draft.id}`, { budget: 60000 }, manager.token)).json();
    expect(edited).toMatchObject({ id: draft.id, version: 1, budget: 60000 });
    const active = (await t.http.post(`/api/programmes/${draft.id}/activate`, {}, manager.token)).json();
    expect(active.status).toBe('active');
    expect((await t.http.get(`/api/programmes/${draft.id}`, caseworker.token)).statusCode).toBe(200);
    const v2 = await t.http.patch(`/api/programmes/${draft.id}`, { amount: { fixed: 6000 } }, t.adminToken);
    expect(v2.statusCode).toBe(200);
    expect(v2.json()).toMatchObject({ code: 'versioned', version: 2, status: 'active', amount: { fixed: 6000 } });
    expect(v2.json().id).not.toBe(draft.id);
    const old = (await t.http.get(`/api/programmes/${draft.id}`, manager.token)).json();
    expect(old).toMatchObject({ status: 'closed', supersededBy: v2.json().id, amount: { fixed: 5000 } });
    expect((await t.http.patch(`/api/programmes/${draft.id}`, { budget: 1 }, manager.token)).json().code).toBe(
      'PROGRAMME_CLOSED',
    );
    const clash = await t.http.post(
      '/api/programmes',
      {
        code: 'versioned',
        name: '重复',
        period: year,
        trigger: { event: 'manual' },
        rule: true,
        amount: { fixed: 1 },
        budget: 9,
      },
      manager.token,
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('PROGRAMME_EXISTS');
  });

  it('high_tech_first, high_tech_renewal and tech_sme_new match their recognitions and nothing else', async () => {
    const first = await createEnterprise(t);
    await record(first.id, 'high_tech', `${year}-03-01`);
    const [ht] = await grantsOf(first.id);
    expect(ht).toMatchObject({ programmeCode: 'high_tech_first', amount: 300_000, period: year, state: 'eligible' });
    expect(ht.why.conditions).toEqual([expect.objectContaining({ held: true, facts: { 'event.tier': 'high_tech' } })]);
    expect(ht.why.trigger).toMatchObject({ type: 'tier.recognised', kind: 'first', issuedOn: `${year}-03-01` });

    // A renewal: an earlier certificate exists (recorded from past records), so only the renewal programme pays.
    const renewal = await createEnterprise(t);
    await record(renewal.id, 'high_tech', `${year - 3}-01-05`);
    await record(renewal.id, 'high_tech', `${year}-01-05`);
    expect(codes(await grantsOf(renewal.id))).toEqual(['high_tech_renewal']);
    expect((await grantsOf(renewal.id))[0].amount).toBe(100_000);

    const sme = await createEnterprise(t);
    await record(sme.id, 'tech_sme', `${year}-04-01`);
    expect((await grantsOf(sme.id)).map((g) => [g.programmeCode, g.amount])).toEqual([['tech_sme_new', 10_000]]);

    // Second entry as tech SME (renewal) is not a new entry; an old recognition pays no programme of this period.
    const smeAgain = await createEnterprise(t);
    await record(smeAgain.id, 'tech_sme', `${year - 1}-04-01`);
    await record(smeAgain.id, 'tech_sme', `${year}-04-01`);
    expect(await grantsOf(smeAgain.id)).toEqual([]);
    const old = await createEnterprise(t);
    await record(old.id, 'high_tech', `${year - 1}-06-01`);
    expect(await grantsOf(old.id)).toEqual([]);
  });

  it('rd_growth pays 1% of the R&D increase from 8% growth and revenue 20,000,000, capped at 2,000,000', async () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>, number | null][] = [
      ['growth 36%', { rdExpense: 2_200_000 }, { rdExpense: 3_000_000, domesticRdExpense: 2_000_000 }, 8_000],
      [
        'exactly 8%',
        { rdExpense: 1_000_000, domesticRdExpense: 1_000_000 },
        { rdExpense: 1_080_000, domesticRdExpense: 1_000_000 },
        800,
      ],
      [
        'growth 7.9%',
        { rdExpense: 1_000_000, domesticRdExpense: 1_000_000 },
        { rdExpense: 1_079_000, domesticRdExpense: 1_000_000 },
        null,
      ],
      ['revenue too small', {}, { revenue: 19_999_999, rdExpense: 3_000_000 }, null],
      ['capped', {}, { rdExpense: 300_000_000, domesticRdExpense: 2_000_000 }, 2_000_000],
    ];
    for (const [label, before, now, amount] of cases) {
      const e = await createEnterprise(t);
      await file(e.id, year - 1, filing(before));
      await file(e.id, year, filing(now));
      const grants = (await grantsOf(e.id)).filter((g) => g.programmeCode === 'rd_growth');
      if (amount === null) expect({ label, grants }).toEqual({ label, grants: [] });
      else expect({ label, amount: grants[0]?.amount }).toEqual({ label, amount });
    }
  });

  it('a repeated event, or the same event delivered again after a crash, creates no second grant', async () => {
    const e = await createEnterprise(t);
    await record(e.id, 'high_tech', `${year}-02-02`);
    await t.drainOutbox();
    const original = await dataSource
      .getRepository(OutboxEventEntity)
      .findOneOrFail({ where: { topic: 'tier.recognised', aggregateId: e.id } });
    // The same payload as a new outbox row: the processed mark cannot help, the unique grant key must.
    await dataSource.transaction((m) =>
      appendOutbox(m, [
        { topic: original.topic, aggregateType: 'enterprise', aggregateId: e.id, payload: original.payload },
        { topic: original.topic, aggregateType: 'enterprise', aggregateId: e.id, payload: original.payload },
      ]),
    );
    const grants = await grantsOf(e.id);
    expect(grants).toHaveLength(1);
    const high = (await t.http.get('/api/programmes?code=high_tech_first', manager.token)).json().items[0];
    const held = await dataSource.getRepository(GrantEntity).find({ where: { programmeId: high.id, reserved: true } });
    expect(high.reserved).toBe(held.reduce((s, g) => s + (g.amount ?? 0), 0));
  });

  it('a rule missing a fact becomes needs_data (快申快享), asks the enterprise, and decides when it files', async () => {
    const e = await createEnterprise(t);
    const user = await userWithToken(t, 'enterprise', { enterpriseId: e.id });
    await file(e.id, year, filing({ rdExpense: 3_000_000 }));
    const [waiting] = await grantsOf(e.id, user.token);
    expect(waiting).toMatchObject({ programmeCode: 'rd_growth', state: 'needs_data', amount: null, reserved: false });
    expect(waiting.why.missing).toEqual(['indicators.previous.rdExpense', 'indicators.rdIncrease']);
    expect(waiting.why.conditions.map((c: any) => c.held)).toEqual([true, null]);
    const inbox = (await t.http.get('/api/notifications', user.token)).json().items;
    expect(inbox.find((n: any) => n.kind === 'grant.needs_data').payload.request.years).toEqual([year - 1]);

    await file(e.id, year - 1, filing({ rdExpense: 2_000_000 }));
    const [decided] = await grantsOf(e.id, user.token);
    // The enterprise has a user, so it was notified in-app right away.
    expect(decided).toMatchObject({ id: waiting.id, state: 'notified', amount: 10_000, reserved: true });
    expect(decided.why.missing).toEqual([]);
    expect((await t.http.get('/api/notifications', user.token)).json().items.map((n: any) => n.kind)).toContain(
      'grant.matched',
    );
  });

  it('enterprise users see their own grants only', async () => {
    const mine = await createEnterprise(t);
    const theirs = await createEnterprise(t);
    await record(mine.id, 'tech_sme', `${year}-05-05`);
    await record(theirs.id, 'tech_sme', `${year}-05-05`);
    const user = await userWithToken(t, 'enterprise', { enterpriseId: mine.id });
    expect(await grantsOf(mine.id, user.token)).toHaveLength(1);
    const other = (await grantsOf(theirs.id))[0];
    expect((await t.http.get(`/api/enterprises/${theirs.id}/grants`, user.token)).statusCode).toBe(404);
    expect((await t.http.get(`/api/grants/${other.id}`, user.token)).statusCode).toBe(404);
    expect((await t.http.get('/api/grants', user.token)).statusCode).toBe(403);
    const byProgramme = await t.http.get('/api/grants?programmeCode=tech_sme_new&state=eligible', manager.token);
    expect(byProgramme.json().items.every((g: any) => g.programmeCode === 'tech_sme_new')).toBe(true);
  });
});
