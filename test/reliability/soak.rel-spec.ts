/**
 * Soak: a steady, paced, mixed load on one API process and one worker for SOAK_MINUTES minutes (the suite skips it
 * unless SOAK_MINUTES is set; `SOAK_MINUTES=10` is the full run, any non-number means 10). Passes when there is not a
 * single error, the p99 latency of the last window is within 1.5× (+10 ms) of the first window after warm-up, and the
 * API process's resident memory (VmRSS) over the last window is within 10% of the first.
 *
 *   npm run build && SOAK_MINUTES=10 npx jest --selectProjects reliability --testPathPatterns soak
 */
import { insertEnterprises } from '../../bench/data';
import { makeUscc } from '../../src/enterprises/uscc';
import { EXAMPLE_FACTS, EXAMPLE_FILINGS } from '../helpers/domain-example';
import {
  adminToken,
  Answer,
  ApiProcess,
  createUser,
  expectStatus,
  log,
  percentile,
  PrivateRedis,
  Proc,
  requireBuild,
  round,
  sleep,
  Stack,
  TestDatabase,
  waitForJob,
  waitForOutbox,
} from './harness';

const SOAK = process.env.SOAK_MINUTES;
const MINUTES = SOAK === undefined || SOAK === '' ? 0 : Number(SOAK) > 0 ? Number(SOAK) : 10;
const DURATION_MS = MINUTES * 60_000;
const CLIENTS = 8;
/** Each client sends one request every INTERVAL_MS (a missed slot is skipped, never caught up in a burst). */
const INTERVAL_MS = 100;
const WARMUP_MS = Math.min(60_000, DURATION_MS / 8);
const WINDOW_MS = Math.min(60_000, (DURATION_MS - WARMUP_MS) / 2);
const RSS_SAMPLE_MS = 5000;
const ENTERPRISES = 2000;
const DISTRICTS = ['思明区', '湖里区', '集美区', '海沧区', '火炬高新区'];

/** One request: when it was sent (ms from the start), what, how long, its status (0: no answer), and why it failed. */
interface Sample {
  at: number;
  op: string;
  ms: number;
  status: number;
  failure?: string;
}

const soak = MINUTES > 0 ? describe : describe.skip;

soak(`soak: ${MINUTES} minutes of steady mixed load`, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;
  let api: ApiProcess;
  let worker: Proc;

  beforeAll(async () => {
    requireBuild();
    db = await TestDatabase.create('soak');
    redis = await PrivateRedis.start();
    stack = new Stack({ db, redis });
    api = await stack.startApi('api');
    worker = await stack.startWorker('worker');
    await insertEnterprises(db.pool, 0, ENTERPRISES, true);
  }, 180_000);

  afterAll(async () => {
    await stack?.stopAll();
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it(
    'serves a steady mixed load with zero errors, a stable p99 and flat memory',
    async () => {
      const admin = await adminToken(api.http);
      const caseworker = await createUser(api.http, admin, 'caseworker');
      const manager = await createUser(api.http, admin, 'manager');
      const ids = (await db.query<{ id: string }>('SELECT id FROM enterprises ORDER BY id')).map((r) => r.id);
      // Stored evaluations for every enterprise, so GET …/evaluation always has something to show.
      const regrade = expectStatus(await api.http.post('/api/grading/regrade', {}, manager.token), 'regrade', 202);
      expect((await waitForJob(api.http, manager.token, regrade.jobId, 120_000)).status).toBe('completed');

      let serial = 0;
      const ops: [string, number, (i: number) => Promise<Answer>][] = [
        [
          'list',
          30,
          (i) =>
            api.http.get(
              `/api/enterprises?district=${encodeURIComponent(DISTRICTS[i % DISTRICTS.length])}&page=${1 + (i % 5)}&pageSize=20`,
              caseworker.token,
            ),
        ],
        ['get', 20, (i) => api.http.get(`/api/enterprises/${ids[(i * 7919) % ids.length]}`, caseworker.token)],
        [
          'evaluation',
          10,
          (i) => api.http.get(`/api/enterprises/${ids[(i * 104729) % ids.length]}/evaluation`, caseworker.token),
        ],
        ['evaluate', 10, () => api.http.post('/api/grading/evaluate', EXAMPLE_FACTS, caseworker.token)],
        [
          'file-indicators',
          15,
          (i) =>
            api.http.put(
              `/api/enterprises/${ids[i % 200]}/indicators/2025`,
              { ...EXAMPLE_FILINGS[2025], employees: 50 + (i % 400) },
              caseworker.token,
            ),
        ],
        [
          'create',
          5,
          () => {
            const n = ++serial;
            return api.http.post(
              '/api/enterprises',
              {
                uscc: makeUscc(`91350100${String(700_000_000 + n).padStart(9, '0')}`),
                name: `浸泡测试科技有限公司${n}`,
                district: DISTRICTS[n % DISTRICTS.length],
                registeredOn: '2021-03-01',
              },
              caseworker.token,
            );
          },
        ],
        ['programmes', 5, () => api.http.get('/api/programmes?status=active', caseworker.token)],
        ['pipeline', 5, () => api.http.get('/api/pipeline/summary', manager.token)],
      ];
      const wheel = ops.flatMap(([name, weight, run]) => Array.from({ length: weight }, () => ({ name, run })));

      const samples: Sample[] = [];
      const rss: { at: number; api: number; worker: number }[] = [];
      const t0 = Date.now();
      const end = t0 + DURATION_MS;
      const client = async (k: number) => {
        for (let slot = 0; ; slot++) {
          let due = t0 + slot * INTERVAL_MS + (k * INTERVAL_MS) / CLIENTS;
          if (Date.now() > due + INTERVAL_MS) {
            slot = Math.floor((Date.now() - t0) / INTERVAL_MS);
            due = t0 + slot * INTERVAL_MS + (k * INTERVAL_MS) / CLIENTS;
          }
          if (due >= end) return;
          if (due > Date.now()) await sleep(due - Date.now());
          const i = slot * CLIENTS + k;
          const op = wheel[(i * 37) % wheel.length];
          const sentAt = Date.now();
          const answer = await op.run(i);
          const ok = answer.status >= 200 && answer.status < 300;
          // Bodies are not kept (tens of thousands of answers): only a failure's first bytes.
          samples.push({
            at: sentAt - t0,
            op: op.name,
            ms: answer.ms,
            status: answer.status,
            ...(ok ? {} : { failure: `${answer.status || answer.error} ${answer.body.slice(0, 200)}` }),
          });
        }
      };
      const sampler = (async () => {
        while (Date.now() < end) {
          await sleep(RSS_SAMPLE_MS);
          if (Date.now() - t0 >= WARMUP_MS)
            rss.push({ at: Date.now() - t0, api: api.proc.rssKb(), worker: worker.rssKb() });
        }
      })();
      await Promise.all([...Array.from({ length: CLIENTS }, (_, k) => client(k)), sampler]);
      const elapsed = Date.now() - t0;
      await waitForOutbox(db, 120_000);

      const errors = samples.filter((s) => s.failure);
      const window = (from: number, to: number) =>
        samples
          .filter((s) => s.at >= from && s.at < to)
          .map((s) => s.ms)
          .sort((a, b) => a - b);
      const first = window(WARMUP_MS, WARMUP_MS + WINDOW_MS);
      const last = window(DURATION_MS - WINDOW_MS, DURATION_MS);
      const p = (xs: number[], q: number) => round(percentile(xs, q), 1);
      const perMinute = Array.from({ length: Math.ceil(DURATION_MS / 60_000) }, (_, m) => {
        const xs = window(m * 60_000, (m + 1) * 60_000);
        return { minute: m + 1, requests: xs.length, p50: p(xs, 50), p99: p(xs, 99) };
      });
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
      const rssFirst = mean(rss.filter((r) => r.at < WARMUP_MS + WINDOW_MS).map((r) => r.api));
      const rssLast = mean(rss.filter((r) => r.at >= DURATION_MS - WINDOW_MS).map((r) => r.api));
      const byOp = Object.fromEntries(
        ops.map(([name]) => {
          const xs = samples
            .filter((s) => s.op === name)
            .map((s) => s.ms)
            .sort((a, b) => a - b);
          return [name, { n: xs.length, p50: p(xs, 50), p99: p(xs, 99) }];
        }),
      );
      const report = {
        minutes: MINUTES,
        clients: CLIENTS,
        targetRps: (CLIENTS * 1000) / INTERVAL_MS,
        requests: samples.length,
        rps: round(samples.length / (elapsed / 1000), 1),
        errors: errors.length,
        warmupSeconds: WARMUP_MS / 1000,
        windowSeconds: WINDOW_MS / 1000,
        p99First: p(first, 99),
        p99Last: p(last, 99),
        p50First: p(first, 50),
        p50Last: p(last, 50),
        rssFirstMb: round(rssFirst / 1024, 1),
        rssLastMb: round(rssLast / 1024, 1),
        rssMinMb: round(Math.min(...rss.map((r) => r.api)) / 1024, 1),
        rssMaxMb: round(Math.max(...rss.map((r) => r.api)) / 1024, 1),
        rssChangePct: round(((rssLast - rssFirst) / rssFirst) * 100, 1),
        workerRssFirstMb: round(mean(rss.filter((r) => r.at < WARMUP_MS + WINDOW_MS).map((r) => r.worker)) / 1024, 1),
        workerRssLastMb: round(mean(rss.filter((r) => r.at >= DURATION_MS - WINDOW_MS).map((r) => r.worker)) / 1024, 1),
        perMinute,
        byOp,
      };
      log(`soak: ${JSON.stringify(report)}`);

      expect(errors.slice(0, 10).map((e) => `${e.op}: ${e.failure}`)).toEqual([]);
      expect(first.length).toBeGreaterThan(100);
      expect(last.length).toBeGreaterThan(100);
      if (!(report.p99Last <= report.p99First * 1.5 + 10))
        throw new Error(`p99 not stable: first window ${report.p99First} ms, last window ${report.p99Last} ms`);
      if (Math.abs(report.rssChangePct) > 10)
        throw new Error(
          `API resident memory not flat: ${report.rssFirstMb} MB in the first window, ${report.rssLastMb} MB in the last`,
        );
      stack.assertAlive();
    },
    DURATION_MS + 600_000,
  );
});
