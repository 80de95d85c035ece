/**
 * Fault 1: Redis stops during a stream of state changes and starts again (empty: the private Redis keeps nothing).
 * The API must keep accepting the changes (the outbox holds their side effects), and once Redis is back every outbox
 * row is processed and each effect exists exactly once: one re-grade per recognised enterprise, one visit due per
 * certification, one grant per programme, enterprise and period.
 */
import { insertEnterprises } from '../../bench/data';
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
  sleep,
  Stack,
  TestDatabase,
  User,
  waitForJob,
  waitForOutbox,
  waitUntil,
} from './harness';

const ENTERPRISES = 180;
const CLIENTS = 4;
/** Pause of each streaming client between two requests: the stream lasts long enough to stop Redis in the middle. */
const PACE_MS = 150;
/** Redis stops after this many answers and starts again after this many. */
const STOP_AFTER = 50;
const START_AFTER = 130;

describe('faults: Redis stops and starts again during a stream of state changes', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;
  let api: ApiProcess;

  beforeAll(async () => {
    requireBuild();
    db = await TestDatabase.create('redis');
    redis = await PrivateRedis.start();
    // Every recognised enterprise gets a visit due, whatever its size, so each certification has exactly one.
    stack = new Stack({ db, redis, env: { VISIT_MAX_EMPLOYEES: '1000000' } });
    api = await stack.startApi('api');
    await stack.startWorker('worker');
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('accepts every change during the outage and, once Redis is back, runs each side effect exactly once', async () => {
    const t0 = Date.now();
    await insertEnterprises(db.pool, 0, ENTERPRISES, true);
    // The generator spreads tiers for the benchmarks; here every enterprise starts as a startup, ready for recognition.
    await db.query(`UPDATE enterprises SET state = 'startup', snapshot = '{"value":"startup","context":{}}'`);
    const ids = (await db.query<{ id: string }>('SELECT id FROM enterprises ORDER BY id')).map((r) => r.id);
    const admin = await adminToken(api.http);
    const caseworker: User = await createUser(api.http, admin, 'caseworker');
    const manager: User = await createUser(api.http, admin, 'manager');
    const today = chinaToday();
    const year = today.slice(0, 4);

    const answers: { index: number; answer: Answer; redisUp: boolean }[] = [];
    let next = 0;
    let redisUp = true;
    const stream = async () => {
      while (next < ids.length) {
        const index = next++;
        const upWhenSent = redisUp;
        const answer = await api.http.post(
          `/api/enterprises/${ids[index]}/certifications`,
          { tier: 'high_tech', number: `GR${year}35${String(100000 + index).padStart(6, '0')}`, issuedOn: today },
          caseworker.token,
        );
        answers.push({ index, answer, redisUp: upWhenSent && redisUp });
        await sleep(PACE_MS);
      }
    };
    const streaming = Promise.all(Array.from({ length: CLIENTS }, stream));

    await waitUntil(`${STOP_AFTER} answers before stopping Redis`, 60_000, async () => answers.length >= STOP_AFTER);
    await redis.stop();
    redisUp = false;
    const outageStart = Date.now();
    const answeredAtStop = answers.length;
    log(`redis stopped after ${answeredAtStop} answers`);
    // A job asked for while Redis is down must still run once it is back (the outbox carries the request too).
    const health = await api.http.get('/health');
    const regrade = await api.http.post('/api/grading/regrade', {}, manager.token);
    await waitUntil(
      `${START_AFTER} answers before starting Redis again`,
      60_000,
      async () => answers.length >= START_AFTER,
    );
    await redis.start();
    redisUp = true;
    const outageMs = Date.now() - outageStart;
    log(`redis started again after ${outageMs} ms, ${answers.length - answeredAtStop} answers during the outage`);
    await streaming;
    const streamMs = Date.now() - t0;

    const failed = answers.filter((a) => a.answer.status !== 201);
    if (failed.length)
      throw new Error(
        `${failed.length} of ${answers.length} state changes were not accepted (expected 201 for all, Redis down or not): ` +
          failed
            .slice(0, 5)
            .map((f) => `#${f.index} ${f.answer.status || f.answer.error} ${f.answer.body.slice(0, 200)}`)
            .join('; '),
      );
    const duringOutage = answers.filter((a) => !a.redisUp).length;
    expect(duringOutage).toBeGreaterThanOrEqual(START_AFTER - STOP_AFTER - CLIENTS);
    expect(health.status).toBe(503);
    const jobId = expectStatus(regrade, 'regrade requested while Redis is down', 202).jobId;

    const drainStart = Date.now();
    await waitForOutbox(db, 90_000);
    const drainMs = Date.now() - drainStart;
    const job = await waitForJob(api.http, manager.token, jobId, 60_000);
    expect(job.status).toBe('completed');

    // Every change committed; every outbox row processed (waitForOutbox); each effect exactly once.
    const certifications = await db.query<{ id: string; enterprise_id: string }>(
      `SELECT id, enterprise_id FROM certifications WHERE tier = 'high_tech'`,
    );
    expect(certifications).toHaveLength(ENTERPRISES);
    const visitsNotOne = await db.query(
      `SELECT c.id, COUNT(v.id)::int AS visits FROM certifications c
       LEFT JOIN visits_due v ON v.certification_id = c.id AND v.reason = 'high_tech_recognised'
       GROUP BY c.id HAVING COUNT(v.id) <> 1`,
    );
    expect(visitsNotOne).toEqual([]);
    expect((await db.one('SELECT COUNT(*)::int AS n FROM visits_due')).n).toBe(ENTERPRISES);
    const grants = await db.query<{ enterprise_id: string; n: number }>(
      `SELECT enterprise_id, COUNT(*)::int AS n FROM grants
       WHERE programme_code = 'high_tech_first' AND period = $1 GROUP BY enterprise_id`,
      [Number(year)],
    );
    expect(grants.filter((g) => g.n !== 1)).toEqual([]);
    expect(new Set(grants.map((g) => g.enterprise_id))).toEqual(new Set(certifications.map((c) => c.enterprise_id)));
    const budgets = await db.query(
      `SELECT p.code, p.budget::bigint AS budget, p.reserved::bigint AS reserved,
              COALESCE((SELECT SUM(g.amount) FROM grants g WHERE g.programme_id = p.id AND g.reserved), 0)::bigint AS held
       FROM programmes p`,
    );
    for (const b of budgets) {
      expect(Number(b.reserved)).toBeLessThanOrEqual(Number(b.budget));
      expect(Number(b.reserved)).toBe(Number(b.held));
    }
    // The re-grade of each recognition ran after it: an evaluation whose colour is the enterprise's.
    const notRegraded = await db.query(
      `SELECT e.id FROM enterprises e JOIN certifications c ON c.enterprise_id = e.id
       LEFT JOIN enterprise_evaluations v ON v.enterprise_id = e.id
       WHERE v.enterprise_id IS NULL OR v.evaluated_at < c.created_at OR (v.result::jsonb ->> 'colour') <> e.colour`,
    );
    expect(notRegraded).toEqual([]);
    const outbox = await db.query(
      `SELECT topic, COUNT(*)::int AS rows, MAX(attempts)::int AS max_attempts FROM outbox_events GROUP BY topic ORDER BY topic`,
    );
    stack.assertAlive();
    log(
      `redis outage: ${answers.length} certifications streamed by ${CLIENTS} clients in ${round(streamMs / 1000)} s, ` +
        `${duringOutage} while Redis was down (${round(outageMs / 1000)} s), all 201; outbox drained ` +
        `${round(drainMs / 1000)} s after the restart; ${certifications.length} certifications, ` +
        `${ENTERPRISES} visits due, ${grants.length} high_tech_first grants (one each), regrade job completed; ` +
        `outbox ${JSON.stringify(outbox)}`,
    );
  }, 240_000);
});
