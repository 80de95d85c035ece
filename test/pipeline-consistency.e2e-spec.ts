import { randomUUID } from 'node:crypto';
import { rng } from '../bench/common';
import { DataSource } from 'typeorm';
import { ApplicationsSweepProcessor } from '../src/applications/applications-sweep.processor';
import { WorkingCalendar } from '../src/calendar/working-calendar.service';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { PipelineCounters } from '../src/pipeline/pipeline-counters';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, Reply, TestApp, userWithToken } from './helpers/test-app';

/**
 * The summary agrees with the records at all times: a seeded random sequence of operations through the HTTP API
 * (registrations, filings, recognitions, applications through their workflow, revocations, exits, district moves,
 * grant payments and cancellations), with the summary compared against counts taken straight from the tables, with and
 * without a district filter, after every few steps and across a compaction of the counters.
 */

const SEED = 20_261_121;
const STEPS = 200;
const DISTRICTS = ['思明区', '湖里区', '集美区'];
const today = chinaToday();
const year = Number(today.slice(0, 4));
const FINAL = ['recognised', 'rejected', 'withdrawn'];
const RESERVING = ['eligible', 'notified', 'confirmed', 'approved', 'paid', 'clawed_back'];
const PENDING = ['eligible', 'notified', 'confirmed', 'approved'];

const rate4 = (n: number, d: number) => (d ? Math.round((n * 10000) / d) / 10000 : null);
/** The China calendar year of a stored timestamp (a Date on PostgreSQL, UTC text on SQLite). */
const chinaYear = (value: Date | string) => {
  const ms = value instanceof Date ? value.getTime() : Date.parse(`${String(value).replace(' ', 'T')}Z`);
  return new Date(ms + 8 * 3600_000).getUTCFullYear();
};

const FILINGS: Record<string, Record<string, unknown>> = {
  // DOMAIN.md's example: tech-SME eligible, innovation 63 < 71 → red.
  red: EXAMPLE_FILINGS[2025],
  // Every high-tech condition met → blue.
  blue: { ...EXAMPLE_FILINGS[2025], innovation: { ip: 28, conversion: 28, rdManagement: 18 } },
  // No tech staff → not a tech SME → orange.
  orange: { ...EXAMPLE_FILINGS[2025], techStaff: 0 },
  // Innovation unknown, nothing unmet → blue with an unknown.
  unknown: { ...EXAMPLE_FILINGS[2025], innovation: undefined },
};

describe('pipeline summary agrees with the records after a random sequence of operations', () => {
  let t: TestApp;
  let db: DataSource;
  let cw: { id: string; token: string };
  let cw2: { id: string; token: string };
  let manager: { id: string; token: string };
  let manager2: { id: string; token: string };
  let sweep: ApplicationsSweepProcessor;
  let calendar: WorkingCalendar;
  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DataSource);
    cw = await userWithToken(t, 'caseworker');
    cw2 = await userWithToken(t, 'caseworker');
    manager = await userWithToken(t, 'manager');
    manager2 = await userWithToken(t, 'manager');
    sweep = t.app.get(ApplicationsSweepProcessor);
    calendar = t.app.get(WorkingCalendar);
  });
  afterAll(() => t.close());

  /** Counts straight from the tables, computed here independently of the service's SQL. */
  async function direct(district: string | null, y: number) {
    const enterprises: { id: string; district: string; state: string; colour: string }[] = await db.query(
      'SELECT id, district, state, colour FROM enterprises',
    );
    const districtOf = new Map(enterprises.map((e) => [e.id, e.district]));
    const here = (id: string) => district === null || districtOf.get(id) === district;
    const mine = enterprises.filter((e) => district === null || e.district === district);
    const live = mine.filter((e) => e.state !== 'exited');
    const cell = (tier: string, colour: string) => live.filter((e) => e.state === tier && e.colour === colour).length;
    const certs: { enterprise_id: string; tier: string; kind: string; issued_on: string }[] = await db.query(
      'SELECT enterprise_id, tier, kind, issued_on FROM certifications',
    );
    const entered = (tier: string) =>
      new Set(
        certs
          .filter((c) => c.kind === 'first' && c.tier === tier && String(c.issued_on).startsWith(String(y)))
          .filter((c) => here(c.enterprise_id))
          .map((c) => c.enterprise_id),
      ).size;
    const stock = (tier: string) => live.filter((e) => e.state === tier).length;
    const apps: { enterprise_id: string; target_tier: string; state: string; created_at: Date | string }[] =
      await db.query('SELECT enterprise_id, target_tier, state, created_at FROM applications');
    const yearApps = apps.filter((a) => chinaYear(a.created_at) === y && here(a.enterprise_id));
    const grants: { programme_code: string; state: string; amount: number | string | null; enterprise_id: string }[] =
      await db.query('SELECT programme_code, state, amount, enterprise_id, period FROM grants WHERE period = ' + y);
    const programmes: { code: string; version: number; budget: number | string; reserved: number | string }[] =
      await db.query('SELECT code, version, budget, reserved FROM programmes WHERE period = ' + y);
    return {
      cell,
      exited: mine.filter((e) => e.state === 'exited').length,
      byDistrict: live,
      entered,
      stock,
      yearApps,
      grants: grants.filter((g) => here(g.enterprise_id)),
      programmes,
    };
  }

  /** The aggregates the summary ran before its year counters (issue 7), for a byte-for-byte comparison. */
  async function aggregates(district: string | null, y: number) {
    const join = district !== null ? 'JOIN enterprises e ON e.id = x.enterprise_id AND e.district = :district' : '';
    const params = {
      from: `${y}-01-01`,
      to: `${y}-12-31`,
      start: new Date(`${y}-01-01T00:00:00+08:00`),
      end: new Date(`${y + 1}-01-01T00:00:00+08:00`),
      district,
      year: y,
    };
    const rows = (sql: string) => {
      const [query, values] = db.driver.escapeQueryWithParameters(sql, params);
      return db.query(query, values) as Promise<Record<string, any>[]>;
    };
    const [firsts, apps, grants] = await Promise.all([
      rows(`SELECT x.tier AS tier, COUNT(DISTINCT x.enterprise_id) AS n FROM certifications x ${join}
            WHERE x.kind = 'first' AND x.issued_on >= :from AND x.issued_on <= :to GROUP BY x.tier`),
      rows(`SELECT x.target_tier AS tier, x.state AS state, COUNT(*) AS n FROM applications x ${join}
            WHERE x.created_at >= :start AND x.created_at < :end GROUP BY x.target_tier, x.state`),
      rows(`SELECT x.programme_code AS code, x.state AS state, COUNT(*) AS n, SUM(x.amount) AS amount FROM grants x
            ${join} WHERE x.period = :year GROUP BY x.programme_code, x.state`),
    ]);
    const sorted = <T>(list: T[]) => list.map((r) => JSON.stringify(r)).sort();
    return {
      entered: Object.fromEntries(firsts.map((r) => [r.tier, Number(r.n)])),
      applications: sorted(apps.map((r) => ({ tier: r.tier, state: r.state, count: Number(r.n) }))),
      grants: sorted(
        grants.map((r) => ({ code: r.code, state: r.state, count: Number(r.n), amount: Number(r.amount ?? 0) })),
      ),
    };
  }

  async function compare(label: string, district: string | null, y = year) {
    // Side effects (regrading after a filing, grant matching) run from the outbox: let them land first.
    await t.drainOutbox();
    const url = `/api/pipeline/summary?year=${y}${district ? `&district=${encodeURIComponent(district)}` : ''}`;
    const res = await t.http.get(url, manager.token);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    const d = await direct(district, y);
    const where = `${label} (${district ?? 'all districts'}, ${y})`;
    const check = (what: string, actual: unknown, expected: unknown) =>
      expect({ where, what, value: actual }).toEqual({ where, what, value: expected });

    for (const c of s.counts) check(`count ${c.tier}/${c.colour}`, c.count, d.cell(c.tier, c.colour));
    check('cells', s.counts.length, 16);
    check('enterprises', s.totals.enterprises, d.byDistrict.length);
    check('exited', s.exited.count, d.exited);
    if (!district) {
      const expected = new Map<string, number>();
      for (const e of d.byDistrict) {
        const key = `${e.district}|${e.state}|${e.colour}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const actual = new Map<string, number>(
        s.byDistrict.map((r: any) => [`${r.district}|${r.tier}|${r.colour}`, r.count]),
      );
      check('byDistrict', Object.fromEntries(actual), Object.fromEntries(expected));
    } else check('no byDistrict when filtered', s.byDistrict, undefined);

    for (const step of s.funnel.steps) {
      const entered = d.entered(step.to);
      const stock = d.stock(step.from);
      check(`funnel ${step.from}->${step.to}`, step, {
        from: step.from,
        to: step.to,
        entered,
        stock,
        rate: rate4(entered, entered + stock),
      });
    }

    const byTierState = new Map<string, number>();
    for (const a of d.yearApps)
      byTierState.set(`${a.target_tier}|${a.state}`, (byTierState.get(`${a.target_tier}|${a.state}`) ?? 0) + 1);
    check(
      'applications by tier and state',
      Object.fromEntries(s.applications.byTierAndState.map((r: any) => [`${r.tier}|${r.state}`, r.count])),
      Object.fromEntries(byTierState),
    );
    const recognised = d.yearApps.filter((a) => a.state === 'recognised').length;
    const rejected = d.yearApps.filter((a) => a.state === 'rejected').length;
    const withdrawn = d.yearApps.filter((a) => a.state === 'withdrawn').length;
    check('applications total', s.applications.total, {
      total: d.yearApps.length,
      open: d.yearApps.filter((a) => !FINAL.includes(a.state)).length,
      withdrawn,
      recognised,
      rejected,
      decided: recognised + rejected,
      passRate: rate4(recognised, recognised + rejected),
    });

    // The counters give what the aggregates they replace gave.
    const old = await aggregates(district, y);
    check(
      'funnel as aggregated',
      Object.fromEntries(s.funnel.steps.filter((x: any) => x.entered > 0).map((x: any) => [x.to, x.entered])),
      old.entered,
    );
    check(
      'applications as aggregated',
      s.applications.byTierAndState.map((r: any) => JSON.stringify(r)).sort(),
      old.applications,
    );
    check(
      'grants as aggregated',
      s.grants.programmes
        .flatMap((p: any) =>
          p.byState.map((b: any) => ({ code: p.code, state: b.state, count: b.count, amount: b.amount })),
        )
        .map((r: any) => JSON.stringify(r))
        .sort(),
      old.grants,
    );

    check('grants available', s.grants.available, true);
    const codes = [...new Set([...d.programmes.map((p) => p.code), ...d.grants.map((g) => g.programme_code)])].sort();
    check(
      'programme codes',
      s.grants.programmes.map((p: any) => p.code),
      codes,
    );
    for (const p of s.grants.programmes) {
      const mine = d.grants.filter((g) => g.programme_code === p.code);
      const sum = (states: string[]) => mine.filter((g) => states.includes(g.state));
      const amount = (list: typeof mine) => list.reduce((acc, g) => acc + Number(g.amount ?? 0), 0);
      const holder = d.programmes
        .filter((x) => x.code === p.code)
        .sort((a, b) => Number(b.version) - Number(a.version))[0];
      check(`grants ${p.code}`, p, {
        ...p,
        count: sum(RESERVING).length,
        amount: amount(sum(RESERVING)),
        pendingCount: sum(PENDING).length,
        pendingAmount: amount(sum(PENDING)),
        paidCount: sum(['paid']).length,
        paidAmount: amount(sum(['paid'])),
        waitlisted: sum(['waitlisted']).length,
        needsData: sum(['needs_data']).length,
        cancelled: sum(['cancelled']).length,
        budget: Number(holder?.budget ?? 0),
        budgetUsed: Number(holder?.reserved ?? 0),
      });
    }
  }

  it('matches direct counts after every few steps of a seeded random sequence', async () => {
    const random = rng(SEED);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
    const enterprises: { id: string; user?: { token: string } }[] = [];
    const applications = new Set<string>();
    let serial = 1000;
    const tally: Record<string, number> = {};
    const expectNo500 = (what: string, res: Reply) => {
      expect({ what, status: res.statusCode < 500 ? 'ok' : res.body }).toEqual({ what, status: 'ok' });
      tally[`${what}:${res.statusCode < 300 ? 'ok' : res.statusCode}`] =
        (tally[`${what}:${res.statusCode < 300 ? 'ok' : res.statusCode}`] ?? 0) + 1;
      return res.statusCode < 300 ? res.json() : null;
    };
    const userOf = async (e: { id: string; user?: { token: string } }) =>
      (e.user ??= await userWithToken(t, 'enterprise', { enterpriseId: e.id }));
    const issued = () => {
      const r = random();
      // Mostly this year, some last year, a few long expired (recorded from old records).
      if (r < 0.7) return `${year}-${String(1 + Math.floor(random() * 10)).padStart(2, '0')}-15`;
      if (r < 0.9) return `${year - 1}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-10`;
      return `${year - 5}-06-01`;
    };
    const number = (tier: string, on: string) => {
      serial++;
      if (tier === 'tech_sme') return `${on.slice(0, 4)}350100A${String(serial).padStart(7, '0')}`;
      if (tier === 'high_tech') return `GR${on.slice(0, 4)}35${String(serial).padStart(6, '0')}`;
      return `LD-${serial}`;
    };
    const appState = async (id: string) => (await t.http.get(`/api/applications/${id}`, cw.token)).json();

    const operations: [number, () => Promise<void>][] = [
      [
        14,
        async () => {
          const e = await createEnterprise(t, { district: pick(DISTRICTS) }, cw.token);
          enterprises.push({ id: e.id });
          if (random() < 0.8)
            expectNo500(
              'file',
              await t.http.put(
                `/api/enterprises/${e.id}/indicators/2025`,
                FILINGS[pick(['red', 'blue', 'blue', 'unknown', 'orange'])],
                cw.token,
              ),
            );
        },
      ],
      [
        12,
        async () => {
          const e = pick(enterprises);
          const filing = FILINGS[pick(Object.keys(FILINGS))];
          expectNo500('file', await t.http.put(`/api/enterprises/${e.id}/indicators/2025`, filing, cw.token));
        },
      ],
      [
        10,
        async () => {
          const e = pick(enterprises);
          const tier = pick(['tech_sme', 'tech_sme', 'high_tech', 'high_tech', 'leader']);
          const on = issued();
          expectNo500(
            'certify',
            await t.http.post(
              `/api/enterprises/${e.id}/certifications`,
              { tier, number: number(tier, on), issuedOn: on },
              cw.token,
            ),
          );
        },
      ],
      [
        10,
        async () => {
          const e = pick(enterprises);
          const created = expectNo500(
            'apply',
            await t.http.post(
              '/api/applications',
              { enterpriseId: e.id, targetTier: pick(['tech_sme', 'tech_sme', 'high_tech', 'leader']) },
              cw.token,
            ),
          );
          if (created) applications.add(created.id);
        },
      ],
      [
        24,
        async () => {
          // Move an application one step along its workflow (or off it).
          const open = [...applications];
          if (!open.length) return;
          const id = pick(open);
          const app = await appState(id);
          if (FINAL.includes(app.state)) {
            applications.delete(id);
            return;
          }
          const send = (body: Record<string, unknown>, token: string) =>
            t.http.post(`/api/applications/${id}/events`, body, token);
          const owner = enterprises.find((e) => e.id === app.enterpriseId)!;
          const r = random();
          if (app.state === 'draft' || app.state === 'returned') {
            if (r < 0.8) expectNo500('submit', await send({ type: 'SUBMIT' }, cw.token));
            else expectNo500('withdraw', await send({ type: 'WITHDRAW' }, (await userOf(owner)).token));
          } else if (app.state === 'submitted') {
            if (r < 0.7) expectNo500('accept', await send({ type: 'ACCEPT' }, cw2.token));
            else expectNo500('return', await send({ type: 'RETURN', reason: '材料不全，请补充' }, cw2.token));
          } else if (app.state === 'accepted' && app.targetTier === 'tech_sme') {
            const notice = expectNo500('notice', await send({ type: 'PUBLISH_NOTICE' }, cw2.token));
            if (notice && random() < 0.35)
              expectNo500(
                'object',
                await send({ type: 'OBJECT', name: '张三', contact: '13800000000', reason: '数据不实' }, cw.token),
              );
          } else if (app.state === 'objection_review') {
            expectNo500(
              'resolve',
              await send({ type: 'RESOLVE_OBJECTION', upheld: random() < 0.7, reason: '经核查' }, manager.token),
            );
          } else if (app.state === 'public_notice') {
            const result = await sweep.closeNotices(await calendar.addWorkingDays(app.noticeEndsOn, 1));
            tally['close'] = (tally['close'] ?? 0) + result.recognised;
          } else if (!FINAL.includes(app.state)) {
            expectNo500('withdraw', await send({ type: 'WITHDRAW' }, (await userOf(owner)).token));
          }
        },
      ],
      [
        3,
        async () => {
          const e = pick(enterprises);
          const view = (await t.http.get(`/api/enterprises/${e.id}`, cw.token)).json();
          const action = view.tier === 'exited' ? 'reinstate' : 'exit';
          expectNo500(
            action,
            await t.http.post(`/api/enterprises/${e.id}/${action}`, { reason: '迁出本区' }, cw.token),
          );
        },
      ],
      [
        3,
        async () => {
          const e = pick(enterprises);
          const certs = (await t.http.get(`/api/enterprises/${e.id}/certifications`, cw.token)).json().items;
          const active = certs.filter((c: { status: string }) => c.status === 'active');
          if (!active.length) return;
          const proposal = expectNo500(
            'propose',
            await t.http.post(
              `/api/enterprises/${e.id}/revocations`,
              { certificationId: pick(active as { id: string }[]).id, reason: '年报未报', fraud: random() < 0.3 },
              cw.token,
            ),
          );
          if (proposal)
            expectNo500(
              'revoke',
              await t.http.post(`/api/enterprises/${e.id}/revocations/${proposal.id}/confirm`, {}, manager.token),
            );
        },
      ],
      [
        3,
        async () => {
          const e = pick(enterprises);
          expectNo500('move', await t.http.patch(`/api/enterprises/${e.id}`, { district: pick(DISTRICTS) }, cw.token));
        },
      ],
      [
        6,
        async () => {
          await t.drainOutbox();
          const grants = (await t.http.get('/api/grants?pageSize=200', manager.token)).json().items ?? [];
          const open = grants.filter((g: { state: string }) => PENDING.includes(g.state));
          if (!open.length) return;
          const g = pick(open as { id: string; state: string }[]);
          if (random() < 0.2) {
            expectNo500(
              'cancel',
              await t.http.post(`/api/grants/${g.id}/cancel`, { reason: '企业放弃' }, manager.token),
            );
            return;
          }
          const next: Record<string, [string, Record<string, unknown>, string]> = {
            eligible: ['notify', {}, cw.token],
            notified: [
              'confirm',
              {
                accountName: '厦门测试科技有限公司',
                bankName: '中国工商银行厦门分行',
                accountNumber: '4100021709200123456',
              },
              cw.token,
            ],
            confirmed: ['approve', {}, manager2.token],
            approved: ['pay', { reference: `CZ-${serial++}` }, manager.token],
          };
          const [action, body, token] = next[g.state];
          expectNo500(action, await t.http.post(`/api/grants/${g.id}/${action}`, body, token));
        },
      ],
      [
        3,
        async () => {
          // Writes outside the API (bulk SQL, repairs): two 'first' rows of one enterprise, tier and year in one
          // statement (the funnel counts the enterprise once), a grant's amount changed, a grant deleted.
          const e = pick(enterprises);
          const tier = pick(['tech_sme', 'high_tech', 'leader']);
          const on = issued();
          const row = (n: number) => [randomUUID(), e.id, tier, `RAW-${serial++}-${n}`, on, on];
          const p = (i: number) => (db.options.type === 'postgres' ? `$${i}` : '?');
          const tuple = (o: number) =>
            `(${[1, 2, 3, 4, 5, 6].map((i) => p(o + i)).join(', ')}, 'expired', 'first', 'record', 1, ` +
            'CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)';
          await db.query(
            `INSERT INTO certifications (id, enterprise_id, tier, number, issued_on, valid_until, status, kind, source,
               version, created_at, updated_at) VALUES ${tuple(0)}, ${tuple(6)}`,
            [...row(1), ...row(2)],
          );
          tally['raw certs:ok'] = (tally['raw certs:ok'] ?? 0) + 1;
          const [g] = await db.query(`SELECT id FROM grants WHERE amount IS NOT NULL ORDER BY id LIMIT 1`);
          if (g && random() < 0.5) {
            await db.query(`UPDATE grants SET amount = amount + 1000 WHERE id = ${p(1)}`, [g.id]);
            tally['raw amount'] = (tally['raw amount'] ?? 0) + 1;
          } else if (g) {
            await db.query(`DELETE FROM grants WHERE id = ${p(1)}`, [g.id]);
            tally['raw delete'] = (tally['raw delete'] ?? 0) + 1;
          }
        },
      ],
    ];
    const totalWeight = operations.reduce((s, [w]) => s + w, 0);
    const counters = t.app.get(PipelineCounters);

    for (let i = 0; i < 5; i++) await operations[0][1]();
    for (let step = 1; step <= STEPS; step++) {
      let x = random() * totalWeight;
      const op = operations.find(([w]) => (x -= w) < 0)![1];
      await op();
      if (step % 20 === 0) {
        await t.drainOutbox();
        await compare(`step ${step}`, null);
        await compare(`step ${step}`, pick(DISTRICTS));
      }
      if (step === 70) {
        // Folding the counters' deltas changes no sum.
        await counters.compact();
        await compare('after compaction', null);
      }
    }
    await t.drainOutbox();
    for (const district of [null, ...DISTRICTS]) await compare('end', district);
    await compare('end, last year', null, year - 1);
    await counters.compact();
    await compare('end, compacted', null);
    // The sequence did exercise the workflow, not only fail.
    for (const op of ['file', 'certify', 'apply', 'submit', 'accept', 'move', 'raw certs'])
      expect(tally[`${op}:ok`] ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
