/**
 * Fault 2: a worker process is killed with SIGKILL in the middle of a bulk regrade and, in a second round, in the
 * middle of a batch programme run. A new worker takes the job over once Bull sees its lock lapse (QUEUE_LOCK_MS, a
 * few seconds here); the job completes, no grant is written twice, none is missing, the budget holds, and no
 * enterprise is left half-written (its stored evaluation and its colour always agree).
 */
import { insertEnterprises } from '../../bench/data';
import {
  adminToken,
  ApiProcess,
  createUser,
  expectStatus,
  HttpClient,
  log,
  PrivateRedis,
  Proc,
  requireBuild,
  round,
  Stack,
  TestDatabase,
  User,
  waitForJob,
  waitForOutbox,
  waitUntil,
} from './harness';

const ENTERPRISES = Number(process.env.RELIABILITY_KILL_ENTERPRISES || 20_000);
const LOCK_MS = 3000;

/** Polls the job until it is running and between 15% and 80% done, then kills the worker; returns the progress seen. */
async function killMidway(http: HttpClient, token: string, jobId: string, worker: Proc) {
  let seen = '';
  const job = await waitUntil(
    `job ${jobId} to be part-way done`,
    120_000,
    async () => {
      const res = await http.get(`/api/jobs/${jobId}`, token);
      const j = res.json;
      seen = res.body;
      if (j?.status === 'completed' || j?.status === 'failed')
        throw new Error(
          `job ${jobId} finished before the worker could be killed in the middle (${res.body}); ` +
            'raise RELIABILITY_KILL_ENTERPRISES',
        );
      return j?.status === 'running' && j.total > 0 && j.done >= j.total * 0.15 && j.done <= j.total * 0.8 ? j : null;
    },
    50,
    () => seen,
  );
  await worker.kill9();
  return job as { done: number; total: number };
}

describe('faults: a worker killed with SIGKILL in the middle of a job', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;
  let api: ApiProcess;
  let manager: User;
  let year: number;

  beforeAll(async () => {
    requireBuild();
    db = await TestDatabase.create('kill');
    redis = await PrivateRedis.start();
    stack = new Stack({ db, redis, lockMs: LOCK_MS });
    api = await stack.startApi('api');
    const t0 = Date.now();
    await insertEnterprises(db.pool, 0, ENTERPRISES, true);
    log(`inserted ${ENTERPRISES} enterprises with three years of indicators in ${round((Date.now() - t0) / 1000)} s`);
    manager = await createUser(api.http, await adminToken(api.http), 'manager');
    year = Number((await api.http.get('/api/programmes?status=active', manager.token)).json.items[0].period);
  }, 180_000);

  afterAll(async () => {
    await stack?.stopAll();
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('finishes a bulk regrade after its worker is killed, leaving no enterprise half-written', async () => {
    const first = await stack.startWorker('worker-1');
    const started = Date.now();
    const jobId = expectStatus(await api.http.post('/api/grading/regrade', {}, manager.token), 'regrade', 202).jobId;
    const atKill = await killMidway(api.http, manager.token, jobId, first);
    const killedAt = Date.now();
    log(`regrade: worker-1 killed (SIGKILL) at ${atKill.done}/${atKill.total}`);
    await stack.startWorker('worker-2');
    const job = await waitForJob(api.http, manager.token, jobId, 180_000);
    const recoveredMs = Date.now() - killedAt;
    expect(job).toMatchObject({ status: 'completed', total: ENTERPRISES });
    expect(job.done).toBeGreaterThanOrEqual(ENTERPRISES);

    const withIndicators = (await db.one('SELECT COUNT(DISTINCT enterprise_id)::int AS n FROM annual_indicators')).n;
    expect(withIndicators).toBe(ENTERPRISES);
    // Half-written: an enterprise with indicators but no evaluation, or whose colour is not its evaluation's.
    const halfWritten = await db.query(
      `SELECT e.id, e.colour, v.result::jsonb ->> 'colour' AS evaluated FROM enterprises e
       LEFT JOIN enterprise_evaluations v ON v.enterprise_id = e.id
       WHERE EXISTS (SELECT 1 FROM annual_indicators i WHERE i.enterprise_id = e.id)
         AND (v.enterprise_id IS NULL OR (v.result::jsonb ->> 'colour') IS DISTINCT FROM e.colour)
       LIMIT 5`,
    );
    expect(halfWritten).toEqual([]);
    stack.assertAlive();
    log(
      `regrade of ${ENTERPRISES}: killed at ${atKill.done}/${atKill.total}, completed ${round(recoveredMs / 1000)} s ` +
        `after the kill (${round((Date.now() - started) / 1000)} s in all), done=${job.done}, ` +
        `${withIndicators} enterprises each with an evaluation matching its colour; colours ${JSON.stringify(job.result.colours)}`,
    );
  }, 300_000);

  it('finishes a batch programme run after its worker is killed: no duplicate or missing grant, budget held', async () => {
    const [worker] = stack.workers.filter((w) => w.alive);
    const amount = 1_000;
    const budget = 5_000_000;
    const programme = expectStatus(
      await api.http.post(
        '/api/programmes',
        {
          code: 'rel_kill_batch',
          name: '可靠性测试批量',
          period: year,
          trigger: { event: 'manual' },
          rule: true,
          amount: { fixed: amount },
          budget,
          status: 'active',
        },
        manager.token,
      ),
      'create programme',
      201,
    );
    const started = Date.now();
    const jobId = expectStatus(
      await api.http.post(`/api/programmes/${programme.id}/runs`, {}, manager.token),
      'start the batch run',
      202,
    ).jobId;
    const atKill = await killMidway(api.http, manager.token, jobId, worker);
    const killedAt = Date.now();
    log(`programme run: ${worker.name} killed (SIGKILL) at ${atKill.done}/${atKill.total}`);
    await stack.startWorker('worker-3');
    const job = await waitForJob(api.http, manager.token, jobId, 180_000);
    const recoveredMs = Date.now() - killedAt;
    expect(job.status).toBe('completed');
    await waitForOutbox(db, 60_000);

    const inScope = (await db.one(`SELECT COUNT(*)::int AS n FROM enterprises WHERE state <> 'exited'`)).n;
    expect(job.total).toBe(inScope);
    const duplicates = await db.query(
      `SELECT programme_code, enterprise_id, period, COUNT(*)::int AS n FROM grants
       GROUP BY programme_code, enterprise_id, period HAVING COUNT(*) > 1 LIMIT 5`,
    );
    expect(duplicates).toEqual([]);
    const grants = await db.one(
      `SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE reserved)::int AS reserved_grants,
              COALESCE(SUM(amount) FILTER (WHERE reserved), 0)::bigint AS reserved_amount,
              COUNT(*) FILTER (WHERE state = 'eligible')::int AS eligible,
              COUNT(*) FILTER (WHERE state = 'waitlisted')::int AS waitlisted
       FROM grants WHERE programme_id = $1`,
      [programme.id],
    );
    // None missing: rule `true` matches every enterprise still in the region.
    expect(grants.n).toBe(inScope);
    const row = await db.one(
      'SELECT budget::bigint AS budget, reserved::bigint AS reserved FROM programmes WHERE id = $1',
      [programme.id],
    );
    expect(Number(row.reserved)).toBeLessThanOrEqual(budget);
    expect(Number(row.reserved)).toBe(Number(grants.reserved_amount));
    expect(grants.eligible).toBe(budget / amount);
    // Each grant was audited once (MATCHED), in the transaction that wrote it.
    const auditNotOne = await db.query(
      `SELECT g.id, COUNT(a.id)::int AS n FROM grants g
       LEFT JOIN audit_events a ON a.entity_type = 'grant' AND a.entity_id = g.id AND a.event = 'MATCHED'
       WHERE g.programme_id = $1 GROUP BY g.id HAVING COUNT(a.id) <> 1 LIMIT 5`,
      [programme.id],
    );
    expect(auditNotOne).toEqual([]);
    stack.assertAlive();
    log(
      `programme run over ${inScope} enterprises: killed at ${atKill.done}/${atKill.total}, completed ` +
        `${round(recoveredMs / 1000)} s after the kill (${round((Date.now() - started) / 1000)} s in all); ` +
        `${grants.n} grants (one per enterprise, ${grants.eligible} eligible, ${grants.waitlisted} waitlisted), ` +
        `reserved ${row.reserved} of ${budget}; job result ${JSON.stringify(job.result)}, done=${job.done}`,
    );
  }, 300_000);
});
