/**
 * Scale-out: two API processes and two worker processes on one PostgreSQL and one Redis. Many clients race the same
 * events on the same applications through both APIs, while certifications stream in (event-matched grants on a small
 * budget, handled by both workers) and several batch runs of one programme run at once. Afterwards the state is what a
 * single process replaying the successful requests one by one would give: every transition audited once, each
 * application's version = 1 + its successful requests, one grant per programme, enterprise and period, and no budget
 * exceeded.
 */
import { insertEnterprises } from '../../bench/data';
import { makeUscc } from '../../src/enterprises/uscc';
import { EXAMPLE_FILINGS } from '../helpers/domain-example';
import {
  adminToken,
  Answer,
  ApiProcess,
  chinaToday,
  createUser,
  expectStatus,
  log,
  PrivateRedis,
  requireBuild,
  round,
  Stack,
  TestDatabase,
  User,
  waitForJob,
  waitForOutbox,
} from './harness';

const APPLICATIONS = 16;
const RACERS = 6;
const CERTIFIED = 60;
const BATCH_ENTERPRISES = 200;
const BATCH_RUNS = 4;
const DISTRICT = '可靠性测试区';

type Round = { name: string; events: (racer: number) => string };
/** The races, in order; each round's racers all start at once, spread over both API processes. */
const ROUNDS: Round[] = [
  { name: 'submit', events: () => 'SUBMIT' },
  { name: 'accept-or-return', events: (r) => (r % 2 ? 'RETURN' : 'ACCEPT') },
  { name: 'resubmit', events: () => 'SUBMIT' },
  { name: 'accept-or-return-again', events: (r) => (r % 2 ? 'RETURN' : 'ACCEPT') },
  { name: 'withdraw', events: () => 'WITHDRAW' },
];
/** The application machine's transitions these rounds use (a single-process replay of the winners). */
const NEXT: Record<string, Record<string, string>> = {
  draft: { SUBMIT: 'submitted', WITHDRAW: 'withdrawn' },
  submitted: { ACCEPT: 'accepted', RETURN: 'returned', WITHDRAW: 'withdrawn' },
  returned: { SUBMIT: 'submitted', WITHDRAW: 'withdrawn' },
  accepted: { WITHDRAW: 'withdrawn' },
  withdrawn: {},
};

describe('scale-out: two API processes and two workers on one PostgreSQL and one Redis', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;
  let apis: ApiProcess[];

  beforeAll(async () => {
    requireBuild();
    db = await TestDatabase.create('scale');
    redis = await PrivateRedis.start();
    stack = new Stack({ db, redis });
    // The first process migrates the empty database; the others start together against the migrated schema.
    const first = await stack.startApi('api-a');
    const [second] = await Promise.all([
      stack.startApi('api-b'),
      stack.startWorker('worker-a'),
      stack.startWorker('worker-b'),
    ]);
    apis = [first, second];
  }, 180_000);

  afterAll(async () => {
    await stack?.stopAll();
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('ends in the state of a one-by-one replay: transitions audited once, grants unique, budgets held', async () => {
    const t0 = Date.now();
    const [a, b] = apis;
    const via = (i: number) => apis[i % 2].http;
    const admin = await adminToken(a.http);
    const caseworkers = [
      await createUser(a.http, admin, 'caseworker'),
      await createUser(b.http, admin, 'caseworker'),
      await createUser(a.http, admin, 'caseworker'),
    ];
    const manager = await createUser(b.http, admin, 'manager');
    const today = chinaToday();
    const year = Number(today.slice(0, 4));

    // Applications: an enterprise with DOMAIN.md's example filings and a user of its own each, made through the API.
    const applicants = await Promise.all(
      Array.from({ length: APPLICATIONS }, async (_, i) => {
        const http = via(i);
        const enterprise = expectStatus(
          await http.post(
            '/api/enterprises',
            {
              uscc: makeUscc(`91350100${String(900_000_000 + i).padStart(9, '0')}`),
              name: `扩容测试科技有限公司${i}`,
              district: '思明区',
              registeredOn: '2019-04-01',
            },
            admin,
          ),
          'create enterprise',
          201,
        );
        for (const y of [2023, 2024, 2025])
          expectStatus(
            await http.put(
              `/api/enterprises/${enterprise.id}/indicators/${y}`,
              EXAMPLE_FILINGS[y],
              caseworkers[0].token,
            ),
            'file indicators',
            200,
            201,
          );
        const user: User = await createUser(http, admin, 'enterprise', { enterpriseId: enterprise.id });
        const app = expectStatus(
          await http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
          'create application',
          201,
        );
        return { enterpriseId: enterprise.id as string, user, appId: app.id as string };
      }),
    );

    // Enterprises for the programmes: some get certified (event matching), the rest of the district is batch-run.
    await insertEnterprises(db.pool, 0, BATCH_ENTERPRISES, false);
    await db.query(
      `UPDATE enterprises SET district = $1, state = 'startup', snapshot = '{"value":"startup","context":{}}'
       WHERE uscc LIKE '913502%'`,
      [DISTRICT],
    );
    const pool = (
      await db.query<{ id: string }>('SELECT id FROM enterprises WHERE district = $1 ORDER BY id', [DISTRICT])
    ).map((r) => r.id);
    expect(pool).toHaveLength(BATCH_ENTERPRISES);
    const eventProgramme = expectStatus(
      await a.http.post(
        '/api/programmes',
        {
          code: 'rel_scale_event',
          name: '扩容测试事件奖励',
          period: year,
          trigger: { event: 'tier.recognised' },
          rule: { '==': [{ var: 'event.tier' }, 'tech_sme'] },
          amount: { fixed: 5_000 },
          budget: 50_000,
          status: 'active',
        },
        manager.token,
      ),
      'create event programme',
      201,
    );
    const batchProgramme = expectStatus(
      await b.http.post(
        '/api/programmes',
        {
          code: 'rel_scale_batch',
          name: '扩容测试批量奖励',
          period: year,
          districts: [DISTRICT],
          trigger: { event: 'manual' },
          rule: true,
          amount: { fixed: 1_000 },
          budget: 100_000,
          status: 'active',
        },
        manager.token,
      ),
      'create batch programme',
      201,
    );
    const setupMs = Date.now() - t0;

    // Everything at once: the application races, the certification stream (two racing certificates per enterprise)
    // and several batch runs of the same programme, all spread over both API processes.
    const raceStart = Date.now();
    const races = applicants.map(async (applicant, i) => {
      const answers: { round: string; event: string; answer: Answer }[] = [];
      let state = 'draft';
      const expected: string[] = [];
      for (const r of ROUNDS) {
        const results = await Promise.all(
          Array.from({ length: RACERS }, async (_, racer) => {
            const event = r.events(racer);
            const token = ['SUBMIT', 'WITHDRAW'].includes(event) ? applicant.user.token : caseworkers[racer % 3].token;
            const body = event === 'RETURN' ? { type: event, reason: '材料不全，请补充' } : { type: event };
            return {
              round: r.name,
              event,
              answer: await via(i + racer).post(`/api/applications/${applicant.appId}/events`, body, token),
            };
          }),
        );
        answers.push(...results);
        const winners = results.filter((x) => x.answer.status === 200 || x.answer.status === 201);
        // Replay: exactly one racer wins when the state accepts one of the events sent, none otherwise.
        const acceptable = [...new Set(results.map((x) => x.event))].filter((e) => NEXT[state][e]);
        if (winners.length !== (acceptable.length ? 1 : 0))
          throw new Error(
            `application ${applicant.appId} round ${r.name} in state ${state}: ${winners.length} winners ` +
              `(${results.map((x) => `${x.event}→${x.answer.status}`).join(', ')})`,
          );
        if (winners.length) {
          state = NEXT[state][winners[0].event];
          expected.push(winners[0].event);
        }
      }
      return { ...applicant, answers, state, expected };
    });
    const certifications = pool.slice(0, CERTIFIED).flatMap((enterpriseId, i) =>
      [0, 1].map(async (k) => ({
        enterpriseId,
        answer: await via(i + k).post(
          `/api/enterprises/${enterpriseId}/certifications`,
          {
            tier: 'tech_sme',
            number: `${year}350100A${String(200_000 + i * 2 + k).padStart(7, '0')}`,
            issuedOn: today,
          },
          caseworkers[k + 1].token,
        ),
      })),
    );
    const runs = Array.from(
      { length: BATCH_RUNS },
      async (_, i) =>
        expectStatus(
          await via(i).post(`/api/programmes/${batchProgramme.id}/runs`, {}, manager.token),
          'start a batch run',
          202,
        ).jobId as string,
    );
    const [raced, certified, jobIds] = await Promise.all([
      Promise.all(races),
      Promise.all(certifications),
      Promise.all(runs),
    ]);
    const jobs = await Promise.all(jobIds.map((id, i) => waitForJob(via(i), manager.token, id, 120_000)));
    await waitForOutbox(db, 90_000);
    const loadMs = Date.now() - raceStart;

    // No 5xx and nothing but success or a clean refusal (409: not allowed now, or a lost race).
    const all = [...raced.flatMap((r) => r.answers.map((x) => x.answer)), ...certified.map((c) => c.answer)];
    const bad = all.filter((x) => ![200, 201, 409].includes(x.status));
    expect(bad.map((x) => `${x.status || x.error} ${x.body.slice(0, 200)}`)).toEqual([]);
    for (const job of jobs) expect(job.status).toBe('completed');

    // Applications: audit rows = successful requests (the creation included); version = 1 + successful events; the
    // audit trail is one unbroken chain of the winners, ending in the stored state.
    for (const app of raced) {
      const row = await db.one('SELECT state, version FROM applications WHERE id = $1', [app.appId]);
      const audit = await db.query<{ event: string; from_state: string | null; to_state: string | null }>(
        `SELECT event, from_state, to_state FROM audit_events WHERE entity_type = 'application' AND entity_id = $1
         ORDER BY at, id`,
        [app.appId],
      );
      const successes = app.answers.filter((x) => x.answer.status < 300).length;
      expect({ id: app.appId, state: row.state, version: row.version, audit: audit.length }).toEqual({
        id: app.appId,
        state: app.state,
        version: 1 + successes,
        audit: 1 + successes,
      });
      expect(audit.map((x) => x.event)).toEqual(['CREATED', ...app.expected]);
      for (let i = 1; i < audit.length; i++) expect(audit[i].from_state).toBe(audit[i - 1].to_state);
      expect(audit[audit.length - 1].to_state).toBe(row.state);
    }

    // Grants: one per programme, enterprise and period; every budget held and equal to what its grants reserve.
    const duplicates = await db.query(
      `SELECT programme_code, enterprise_id, period, COUNT(*)::int AS n FROM grants
       GROUP BY programme_code, enterprise_id, period HAVING COUNT(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const budgets = await db.query(
      `SELECT p.code, p.budget::bigint AS budget, p.reserved::bigint AS reserved,
              COALESCE((SELECT SUM(g.amount) FROM grants g WHERE g.programme_id = p.id AND g.reserved), 0)::bigint AS held
       FROM programmes p ORDER BY p.code`,
    );
    for (const p of budgets) {
      expect(Number(p.reserved)).toBeLessThanOrEqual(Number(p.budget));
      expect({ code: p.code, reserved: Number(p.reserved) }).toEqual({ code: p.code, reserved: Number(p.held) });
    }
    const certifiedEnterprises = new Set(certified.filter((c) => c.answer.status === 201).map((c) => c.enterpriseId));
    expect(certifiedEnterprises.size).toBe(CERTIFIED);
    const eventGrants = await db.query<{ enterprise_id: string; state: string }>(
      'SELECT enterprise_id, state FROM grants WHERE programme_id = $1',
      [eventProgramme.id],
    );
    expect(new Set(eventGrants.map((g) => g.enterprise_id))).toEqual(certifiedEnterprises);
    expect(eventGrants).toHaveLength(CERTIFIED);
    expect(eventGrants.filter((g) => g.state === 'eligible')).toHaveLength(10);
    // The batch runs: whichever run got there first wrote the lot in queue order (enterprise id within one run);
    // the others found every grant already there. The first 100 by id fit the budget, the rest wait.
    const batchGrants = await db.query<{ enterprise_id: string; state: string }>(
      'SELECT enterprise_id, state FROM grants WHERE programme_id = $1 ORDER BY enterprise_id',
      [batchProgramme.id],
    );
    expect(batchGrants.map((g) => g.enterprise_id)).toEqual(pool);
    expect(batchGrants.map((g) => g.state)).toEqual([
      ...Array(100).fill('eligible'),
      ...Array(BATCH_ENTERPRISES - 100).fill('waitlisted'),
    ]);
    const written = jobs.reduce((sum, j) => sum + j.result.eligible + j.result.waitlisted, 0);
    const existing = jobs.reduce((sum, j) => sum + j.result.existing, 0);
    expect(written).toBe(BATCH_ENTERPRISES);
    expect(existing).toBe(BATCH_ENTERPRISES * (BATCH_RUNS - 1));
    const grantAudit = await db.query(
      `SELECT g.id FROM grants g
       LEFT JOIN audit_events a ON a.entity_type = 'grant' AND a.entity_id = g.id AND a.event = 'MATCHED'
       GROUP BY g.id HAVING COUNT(a.id) <> 1`,
    );
    expect(grantAudit).toEqual([]);
    stack.assertAlive();

    const raceAnswers = raced.flatMap((r) => r.answers);
    log(
      `scale-out (2 API + 2 workers): setup ${round(setupMs / 1000)} s; ${raceAnswers.length} racing application events ` +
        `on ${APPLICATIONS} applications (${RACERS} racers per round, ${ROUNDS.length} rounds, alternating API ` +
        `processes): ${raceAnswers.filter((x) => x.answer.status < 300).length} won, ` +
        `${raceAnswers.filter((x) => x.answer.status === 409).length} refused with 409, 0 other; ` +
        `${certified.length} certification requests (2 racing per enterprise): ` +
        `${certified.filter((c) => c.answer.status === 201).length} recorded, ` +
        `${certified.filter((c) => c.answer.status === 409).length} refused with 409; ${BATCH_RUNS} concurrent batch runs ` +
        `(${written} grants written, ${existing} found existing); load and settling ${round(loadMs / 1000)} s; ` +
        `budgets ${JSON.stringify(budgets.map((p) => [p.code, Number(p.reserved), Number(p.budget)]))}`,
    );
  }, 300_000);
});
