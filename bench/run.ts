/**
 * `npm run bench` (`-- --quick` for a small smoke run): measures the three performance goals of issue 3 and writes
 * BENCHMARKS.md at the repository root.
 *
 * 1. Pure grading throughput: bench/grading.bench.ts in a child process pinned to one core, several times.
 * 2. Bulk regrade on PostgreSQL: the real app (bench/server.ts, a child process running `createApp`) over seeded
 *    enterprises with three years of indicators; POST /api/grading/regrade, then GET /api/jobs/:id until completed;
 *    the app samples its own memory every 100 ms. Run at a tenth of the size first to show that memory stays flat.
 * 3. GET /api/enterprises with filters and pages over the full registry, driven over loopback by bench/load.ts
 *    (another child process, keep-alive connections, bounded by time and count), next to the bare SQL timings and
 *    EXPLAIN ANALYZE of the page and COUNT queries the service issues.
 *
 * Flags: --quick, --enterprises=N, --list=N, --runs=N, --duration=S, --concurrency=1,8, --only=grading,regrade,list,
 * --keep (leave the bench database in place), --out=FILE.
 * Environment: BENCH_PG_URL (a server where the bench may drop and create its database; default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DATABASE (default cultivation_bench), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379/9; only keys under the bench's own queue prefix are deleted).
 */
import { ChildProcess, execFileSync, fork, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { MemoryReport, ServerMessage, sleep, spread, Spread } from './common';
import { DISTRICTS, insertEnterprises } from './data';
import type { GradingBenchResult } from './grading.bench';
import type { LoadResult, LoadSpec } from './load';

const ROOT = resolve(__dirname, '..', '..');
const QUEUE_PREFIX = 'cultivation-bench';
const ADMIN_PASSWORD = 'bench-admin-password-2026';
const GOALS = { evaluationsPerSec: 100_000, regradeSeconds: 20, listP95Ms: 50 };

interface Options {
  quick: boolean;
  enterprises: number;
  small: number;
  list: number;
  runs: number;
  durationMs: number;
  concurrency: number[];
  only: Set<string>;
  keep: boolean;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1], m[2] ?? 'true');
  }
  const known = ['quick', 'enterprises', 'list', 'runs', 'duration', 'concurrency', 'only', 'keep', 'out'];
  for (const k of flags.keys())
    if (!known.includes(k)) throw new Error(`unknown flag --${k} (known: ${known.join(', ')})`);
  const quick = flags.has('quick');
  const num = (k: string, fallback: number) => {
    const v = flags.get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} expects a positive number, got ${v}`);
    return n;
  };
  const enterprises = Math.round(num('enterprises', quick ? 10_000 : 100_000));
  const list = Math.max(enterprises, Math.round(num('list', quick ? 50_000 : 1_000_000)));
  return {
    quick,
    enterprises,
    small: Math.max(1, Math.round(enterprises / 10)),
    list,
    runs: Math.max(1, Math.round(num('runs', 3))),
    durationMs: num('duration', quick ? 2 : 5) * 1000,
    concurrency: (flags.get('concurrency') ?? '1,8').split(',').map(Number),
    only: new Set((flags.get('only') ?? 'grading,regrade,list').split(',')),
    keep: flags.has('keep'),
    out: resolve(ROOT, flags.get('out') ?? 'BENCHMARKS.md'),
  };
}

const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fmt = (x: number, digits = 1) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const fmtSpread = (s: Spread, digits = 1, unit = '') =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

// ------------------------------------------------------------------------------------------------ CPU accounting

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* the usual Linux value */
}

/** CPU time (user + system, ms) of one process from /proc, or null when it is gone. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}

/**
 * CPU used by the PostgreSQL backends serving the bench database between `start()` and `stop()` (the app's pool
 * connections; shared background processes such as the WAL writer and checkpointer are not included).
 */
class PgCpu {
  private before = new Map<number, number>();

  constructor(
    private readonly pool: Pool,
    private readonly database: string,
  ) {}

  private async pids(): Promise<number[]> {
    const rows = await this.pool.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.database],
    );
    return rows.rows.map((r: { pid: number }) => r.pid);
  }

  async start() {
    this.before.clear();
    for (const pid of await this.pids()) this.before.set(pid, processCpuMs(pid) ?? 0);
  }

  async stop(): Promise<number> {
    let total = 0;
    for (const pid of new Set([...this.before.keys(), ...(await this.pids())])) {
      const now = processCpuMs(pid);
      if (now !== null) total += now - (this.before.get(pid) ?? 0);
    }
    return Math.round(total);
  }
}

interface MachineLoad {
  phase: string;
  load1: number;
  /** Share of time some runnable task waited for a CPU over the last 60 s (Linux PSI), percent. */
  cpuPressure60: number | null;
}

function machineLoad(phase: string): MachineLoad {
  let cpuPressure60: number | null = null;
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (m) cpuPressure60 = Number(m[1]);
  } catch {
    /* no PSI on this kernel */
  }
  return { phase, load1: Math.round(os.loadavg()[0] * 100) / 100, cpuPressure60 };
}

// ---------------------------------------------------------------------------------------------------------- machine

interface Machine {
  date: string;
  cores: number;
  cpu: string;
  memory: string;
  node: string;
  postgres: string;
  postgresSettings: string;
  redis: string;
  commit: string;
}

async function describeMachine(admin: Client, redis: Redis): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const settings = await admin.query(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','work_mem','effective_cache_size','max_parallel_workers_per_gather','synchronous_commit') ORDER BY name`,
  );
  const redisInfo = await redis.info('server');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' (with uncommitted changes in src/ or migrations/)';
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpu,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres: String((await admin.query('SHOW server_version')).rows[0].server_version),
    postgresSettings: settings.rows
      .map((r: { name: string; setting: string; unit: string | null }) => {
        const unit = r.unit === '8kB' ? ` × 8kB` : r.unit ? ` ${r.unit}` : '';
        return `${r.name}=${r.setting}${unit}`;
      })
      .join(', '),
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
    commit,
  };
}

// -------------------------------------------------------------------------------------------------- goal 1: grading

async function benchGrading(options: Options) {
  const script = join(__dirname, 'grading.bench.js');
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  const runs = Math.max(options.runs, 5);
  const results: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [cmd, args] = pinned ? ['taskset', ['-c', '1', process.execPath, script]] : [process.execPath, [script]];
    const out = execFileSync(cmd, args, { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!) as GradingBenchResult;
    results.push(result.opsPerSec);
    log(`grading run ${i + 1}/${runs}: ${result.opsPerSec.toLocaleString('en-US')} evaluations/s`);
  }
  return { opsPerSec: spread(results), pinned, n: 200_000 };
}

// ------------------------------------------------------------------------------------------------------ the app

class AppProcess {
  private nextId = 1;
  private waiting = new Map<number, (m: ServerMessage) => void>();
  port = 0;
  token = '';

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: ServerMessage) => {
      if ('id' in m) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  static async start(env: NodeJS.ProcessEnv): Promise<AppProcess> {
    const child = fork(join(__dirname, 'server.js'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const app = new AppProcess(child);
    app.port = await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('the app did not start within 120 s')), 120_000);
      child.on('message', (m: ServerMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          ok(m.port);
        }
      });
      child.on('exit', (code) => fail(new Error(`the app exited with code ${code} before it was ready`)));
    });
    const login = await app.request('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    app.token = String(login.accessToken);
    return app;
  }

  private call(type: 'memory-reset' | 'memory-report'): Promise<ServerMessage> {
    const id = this.nextId++;
    return new Promise((ok) => {
      this.waiting.set(id, ok);
      this.child.send({ type, id });
    });
  }

  async resetMemory() {
    await this.call('memory-reset');
  }

  async memory(): Promise<MemoryReport> {
    const m = await this.call('memory-report');
    if (m.type !== 'memory-report') throw new Error('unexpected answer from the app');
    return m.report;
  }

  async request(method: string, path: string, body?: unknown) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, any>;
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((ok) => this.child.once('exit', ok));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

// --------------------------------------------------------------------------------------------- goal 2: regrade

interface RegradeRun {
  size: number;
  seconds: number;
  handlerSeconds: number | null;
  serverSeconds: number;
  done: number;
  colours: Record<string, number>;
  memory: MemoryReport;
  pgCpuMs: number;
}

async function regradeOnce(app: AppProcess, pgCpu: PgCpu, size: number): Promise<RegradeRun> {
  await app.resetMemory();
  await pgCpu.start();
  const t0 = performance.now();
  const { jobId } = await app.request('POST', '/api/grading/regrade', {});
  let job: Record<string, any>;
  let running: number | null = null;
  for (;;) {
    await sleep(50);
    job = await app.request('GET', `/api/jobs/${jobId}`);
    if (job.status === 'running' && running === null) running = performance.now();
    if (job.status === 'completed' || job.status === 'failed') break;
    if (performance.now() - t0 > 600_000) throw new Error(`regrade job ${jobId} did not finish within 10 minutes`);
  }
  const t1 = performance.now();
  const memory = await app.memory();
  const pgCpuMs = await pgCpu.stop();
  if (job.status !== 'completed') throw new Error(`regrade job failed: ${job.error}`);
  if (job.done !== size) throw new Error(`regrade job graded ${job.done} enterprises, expected ${size}`);
  return {
    size,
    seconds: (t1 - t0) / 1000,
    handlerSeconds: running === null ? null : (t1 - running) / 1000,
    serverSeconds: (Date.parse(job.updatedAt) - Date.parse(job.createdAt)) / 1000,
    done: job.done,
    colours: job.result?.colours ?? {},
    memory,
    pgCpuMs,
  };
}

async function vacuumAnalyze(pool: Pool, tables: string[]) {
  for (const t of tables) await pool.query(`VACUUM (ANALYZE) ${t}`);
}

// ------------------------------------------------------------------------------------------------ goal 3: list

interface ListQuery {
  name: string;
  example: string;
  paths: string[];
  /** The SQL the service issues for the first path (same WHERE, ORDER BY and LIMIT/OFFSET; all columns). */
  pageSql: [string, unknown[]];
  /** COUNT over the same filter: what `getManyAndCount` runs. */
  countSql: [string, unknown[]];
  /** The read of the tier × colour × district counters (table pipeline_counts), where the schema has them. */
  countersSql: [string, unknown[]];
}

function listQueries(): ListQuery[] {
  const enc = encodeURIComponent;
  const d0 = DISTRICTS[0].name;
  const all = 'SELECT e.* FROM enterprises e';
  const order = 'ORDER BY e.name ASC, e.id ASC';
  const counters = 'SELECT district, state, colour, SUM(n) AS n, COUNT(*) AS r FROM pipeline_counts';
  const groups = 'GROUP BY district, state, colour';
  return [
    {
      name: 'colour + district, page 3',
      example: `?colour=blue&district=${d0}&page=3&pageSize=20`,
      paths: DISTRICTS.map((d) => `/api/enterprises?colour=blue&district=${enc(d.name)}&page=3&pageSize=20`),
      pageSql: [`${all} WHERE e.colour = $1 AND e.district = $2 ${order} LIMIT 20 OFFSET 40`, ['blue', d0]],
      countSql: ['SELECT COUNT(1) AS cnt FROM enterprises e WHERE e.colour = $1 AND e.district = $2', ['blue', d0]],
      countersSql: [`${counters} WHERE district = $1 ${groups}`, [d0]],
    },
    {
      name: 'tier + colour, page 1',
      example: '?tier=startup&colour=red&pageSize=20',
      paths: ['/api/enterprises?tier=startup&colour=red&pageSize=20'],
      pageSql: [`${all} WHERE e.state = $1 AND e.colour = $2 ${order} LIMIT 20`, ['startup', 'red']],
      countSql: ['SELECT COUNT(1) AS cnt FROM enterprises e WHERE e.state = $1 AND e.colour = $2', ['startup', 'red']],
      countersSql: [`${counters} ${groups}`, []],
    },
    {
      name: 'district sorted by name, page 10',
      example: `?district=${d0}&sort=name&page=10`,
      paths: DISTRICTS.map((d) => `/api/enterprises?district=${enc(d.name)}&sort=name&page=10`),
      pageSql: [`${all} WHERE e.district = $1 ${order} LIMIT 20 OFFSET 180`, [d0]],
      countSql: ['SELECT COUNT(1) AS cnt FROM enterprises e WHERE e.district = $1', [d0]],
      countersSql: [`${counters} WHERE district = $1 ${groups}`, [d0]],
    },
  ];
}

interface ListRun extends LoadResult {
  /** CPU per request (warm-up included) of the app process and of its PostgreSQL backends, ms. */
  appCpuPerRequest: number;
  pgCpuPerRequest: number;
  memory: MemoryReport;
}

interface ListResult {
  query: ListQuery;
  total: number;
  byConcurrency: {
    concurrency: number;
    runs: ListRun[];
    p50: Spread;
    p95: Spread;
    p99: Spread;
    rps: Spread;
    appCpu: Spread;
    pgCpu: Spread;
  }[];
  /** The exact number of matches (COUNT), to check the total the API answered. */
  exactTotal: number;
  sql: {
    page: Spread;
    count: Spread;
    counters: Spread | null;
    pagePlan: string;
    countPlan: string;
    countersPlan: string | null;
  };
}

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    const child = fork(join(__dirname, 'load.js'), [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LoadResult | null = null;
    child.on('message', (m: LoadResult) => (result = m));
    child.on('exit', (code) => (result ? ok(result) : fail(new Error(`load generator exited with ${code}`))));
  });
}

/**
 * Median and spread of the bare SQL (page, COUNT, and the counters read where that table exists) over 30 executions
 * each, plus one EXPLAIN ANALYZE of each.
 */
async function timeSql(pool: Pool, q: ListQuery) {
  const hasCounters = (await pool.query("SELECT to_regclass('pipeline_counts') IS NOT NULL AS yes")).rows[0].yes;
  const time = async ([sql, params]: [string, unknown[]]) => {
    const ms: number[] = [];
    for (let i = 0; i < 33; i++) {
      const t0 = performance.now();
      await pool.query(sql, params);
      if (i >= 3) ms.push(performance.now() - t0);
    }
    return spread(ms);
  };
  const explain = async ([sql, params]: [string, unknown[]]) =>
    (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows
      .map((r: Record<string, string>) => r['QUERY PLAN'])
      .join('\n');
  return {
    page: await time(q.pageSql),
    count: await time(q.countSql),
    counters: hasCounters ? await time(q.countersSql) : null,
    pagePlan: await explain(q.pageSql),
    countPlan: await explain(q.countSql),
    countersPlan: hasCounters ? await explain(q.countersSql) : null,
  };
}

async function benchList(app: AppProcess, pool: Pool, pgCpu: PgCpu, options: Options): Promise<ListResult[]> {
  const results: ListResult[] = [];
  for (const query of listQueries()) {
    const first = await app.request('GET', query.paths[0]);
    if (!Array.isArray(first.items) || typeof first.total !== 'number')
      throw new Error(`unexpected list answer for ${query.paths[0]}`);
    const exactTotal = Number((await pool.query(query.countSql[0], query.countSql[1])).rows[0].cnt);
    const sql = await timeSql(pool, query);
    const result: ListResult = { query, total: first.total, exactTotal, byConcurrency: [], sql };
    log(
      `list "${query.name}": ${n(first.total)} matching rows${exactTotal === first.total ? '' : ` (WRONG: COUNT says ${n(exactTotal)})`}; SQL page ${fmt(sql.page.median, 2)} ms, COUNT ${fmt(sql.count.median, 2)} ms${sql.counters ? `, counters ${fmt(sql.counters.median, 2)} ms` : ''}`,
    );
    for (const concurrency of options.concurrency) {
      const runs: ListRun[] = [];
      for (let r = 0; r < options.runs; r++) {
        const spec: LoadSpec = {
          port: app.port,
          token: app.token,
          paths: query.paths,
          concurrency,
          durationMs: options.durationMs,
          maxRequests: 200_000,
          warmupMs: 1000,
        };
        await app.resetMemory();
        await pgCpu.start();
        const load = await runLoad(spec);
        const memory = await app.memory();
        const pgMs = await pgCpu.stop();
        if (load.errors) throw new Error(`list load had ${load.errors} errors, first: ${load.firstError}`);
        const sent = Math.max(1, load.requests + load.warmupRequests);
        const run: ListRun = { ...load, appCpuPerRequest: memory.cpuMs / sent, pgCpuPerRequest: pgMs / sent, memory };
        runs.push(run);
        log(
          `  c=${concurrency} run ${r + 1}: ${run.requests} requests, ${fmt(run.rps)} req/s, p50 ${run.p50} ms, p95 ${run.p95} ms, p99 ${run.p99} ms; CPU/request app ${fmt(run.appCpuPerRequest, 2)} ms, PostgreSQL ${fmt(run.pgCpuPerRequest, 2)} ms`,
        );
      }
      result.byConcurrency.push({
        concurrency,
        runs,
        p50: spread(runs.map((r) => r.p50)),
        p95: spread(runs.map((r) => r.p95)),
        p99: spread(runs.map((r) => r.p99)),
        rps: spread(runs.map((r) => r.rps)),
        appCpu: spread(runs.map((r) => r.appCpuPerRequest)),
        pgCpu: spread(runs.map((r) => r.pgCpuPerRequest)),
      });
    }
    results.push(result);
  }
  return results;
}

// ------------------------------------------------------------------------------------------------------- report

interface Results {
  options: Options;
  machine: Machine;
  loads: MachineLoad[];
  loadSeconds: Record<string, number>;
  grading?: Awaited<ReturnType<typeof benchGrading>>;
  regrade?: { small: RegradeRun[]; full: RegradeRun[]; colours: Record<string, number> };
  list?: { results: ListResult[]; size: number };
  totalSeconds: number;
}

const pass = (ok: boolean) => (ok ? '**pass**' : '**FAIL**');

/**
 * Memory is flat when the run over N enterprises peaks below 1.5 times the run over N/10: what is held per batch
 * does not depend on N, while loading the enterprises at once would make the peak grow with N.
 */
function memoryFlat(small: RegradeRun[], full: RegradeRun[]) {
  const med = (runs: RegradeRun[], f: (r: RegradeRun) => number) => {
    const values = runs.map(f).filter((x) => !Number.isNaN(x));
    return values.length ? spread(values).median : NaN;
  };
  const heap = (r: RegradeRun) => r.memory.peak.heapUsed;
  const rss = (r: RegradeRun) => r.memory.vmHwm ?? r.memory.peak.rss;
  const live = (r: RegradeRun) => r.memory.liveHeapAfterMajorGc ?? NaN;
  const m = {
    heapSmall: med(small, heap),
    heapFull: med(full, heap),
    rssSmall: med(small, rss),
    rssFull: med(full, rss),
    liveSmall: med(small, live),
    liveFull: med(full, live),
  };
  return { ...m, flat: m.heapFull < 1.5 * m.heapSmall && m.rssFull < 1.5 * m.rssSmall };
}

function report(results: Results): string {
  const { options, machine } = results;
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);
  p('# Benchmarks');
  p();
  p(
    'Written by `npm run bench` (`bench/run.ts`); every run overwrites this file. It measures the three performance goals',
  );
  p('of issue 3 on this machine and says pass or fail for each. Reproduce with `npm run bench` (default sizes, under');
  p(
    '10 minutes on 2 cores) or `npm run bench -- --quick` (small smoke sizes, about 2 minutes). It needs PostgreSQL at',
  );
  p(
    '127.0.0.1:5432 (user postgres; the bench drops and recreates its own database `cultivation_bench` and drops it at the',
  );
  p('end unless `--keep`) and Redis at 127.0.0.1:6379 (db 9; only keys under the queue prefix `cultivation-bench` are');
  p(
    'touched). Data are generated deterministically (seeded) and written straight into the tables with SQL; the app runs',
  );
  p('its migrations at start. Each figure is the median of several runs with the spread (min–max) in brackets. Other');
  p(
    'flags: `--enterprises=N`, `--list=N`, `--runs=N`, `--duration=S`, `--concurrency=1,8`, `--only=grading,regrade,list`.',
  );
  p();
  p('## Machine and versions');
  p();
  p('| | |');
  p('|---|---|');
  p(`| date | ${machine.date} |`);
  p(`| cores (nproc) | ${machine.cores} |`);
  p(`| CPU | ${machine.cpu} |`);
  p(`| memory | ${machine.memory} |`);
  p(`| Node.js | ${machine.node} |`);
  p(`| PostgreSQL | ${machine.postgres} (${machine.postgresSettings}) |`);
  p(`| Redis | ${machine.redis} |`);
  p(`| code | commit ${machine.commit} |`);
  p(
    `| sizes | regrade: ${n(options.enterprises)} enterprises × 3 years of indicators (memory compared with ${n(options.small)}); list: ${n(options.list)} enterprises |`,
  );
  p(
    `| runs | ${options.runs} per figure${options.quick ? ' (`--quick`)' : ''}; the whole bench took ${fmt(results.totalSeconds / 60)} min |`,
  );
  p(
    `| data load | ${Object.entries(results.loadSeconds)
      .map(([k, v]) => `${k}: ${fmt(v)} s`)
      .join('; ')} |`,
  );
  const busy = results.loads.some((l) => l.load1 > machine.cores || (l.cpuPressure60 ?? 0) > 25);
  p(
    `| machine load | ${results.loads.map((l) => `${l.phase}: load ${fmt(l.load1, 2)}${l.cpuPressure60 === null ? '' : `, CPU pressure ${fmt(l.cpuPressure60, 0)} %`}`).join('; ')} |`,
  );
  p();
  if (busy) {
    p(
      `> **The machine was busy during this run** (1-minute load average above ${machine.cores} cores, or tasks waiting for a`,
    );
    p(
      '> CPU more than a quarter of the time, from other processes such as test suites on the same machine): wall-clock',
    );
    p(
      '> figures are pessimistic. The CPU-time columns below are less sensitive to this; rerun on an idle machine to compare.',
    );
    p();
  }

  p('## Summary');
  p();
  p('| goal | target | measured: median (min–max) | result |');
  p('|---|---|---|---|');
  const g = results.grading;
  if (g)
    p(
      `| 1. pure evaluation throughput, one core | ≥ ${n(GOALS.evaluationsPerSec)} /s | ${fmtSpread(g.opsPerSec, 0)} evaluations/s | ${pass(g.opsPerSec.median >= GOALS.evaluationsPerSec)} |`,
    );
  const rg = results.regrade;
  const mem = rg ? memoryFlat(rg.small, rg.full) : null;
  if (rg && mem) {
    const t = spread(rg.full.map((r) => r.seconds));
    p(
      `| 2. bulk regrade of ${n(options.enterprises)} enterprises on PostgreSQL | < ${GOALS.regradeSeconds} s | ${fmtSpread(t, 2, ' s')} | ${pass(t.median < GOALS.regradeSeconds)} |`,
    );
    p(
      `| 2. … memory flat (peak at ${n(options.enterprises)} vs ${n(options.small)}) | < 1.5× | heap ${mb(mem.heapFull)} vs ${mb(mem.heapSmall)}, RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)} | ${pass(mem.flat)} |`,
    );
  }
  const ls = results.list;
  if (ls)
    for (const r of ls.results)
      for (const c of r.byConcurrency)
        p(
          `| 3. \`GET /api/enterprises${r.query.example}\` over ${n(ls.size)}, ${c.concurrency} client${c.concurrency > 1 ? 's' : ''} | p95 < ${GOALS.listP95Ms} ms | p95 ${fmtSpread(c.p95, 1, ' ms')} | ${pass(c.p95.median < GOALS.listP95Ms)} |`,
        );
  p();

  if (g) {
    p('## 1. Pure evaluation throughput');
    p();
    p(
      `\`bench/grading.bench.ts\`: ${n(g.n)} evaluations (\`evaluateCn2026\` with the default region config) of 1,000 varied`,
    );
    p('seeded fact sets (about 5 % near 10^15 yuan, which exercises the exact BigInt path) after 20,000 warm-up');
    p(
      `evaluations, each run in a fresh process${g.pinned ? ' pinned to one core with `taskset -c 1`' : ''}; ${g.opsPerSec.values.length} runs.`,
    );
    p();
    p(`- evaluations per second: ${fmtSpread(g.opsPerSec, 0)}; runs: ${g.opsPerSec.values.map(n).join(', ')}`);
    p(`- goal ≥ ${n(GOALS.evaluationsPerSec)}/s: ${pass(g.opsPerSec.median >= GOALS.evaluationsPerSec)}`);
    p();
  }

  if (rg && mem) {
    p('## 2. Bulk regrade on PostgreSQL');
    p();
    p(
      'The app runs as in production with Redis (`bench/server.ts`: `createApp(loadConfig())` with `PROCESS_ROLE=all`, Bull on',
    );
    p(
      'Redis db 9), so a regrade goes POST → job record + outbox row → relay → Bull → `RegradeProcessor.regradeAll`: keyset',
    );
    p(
      'batches of 1,000 ids, one transaction each (three reads, the pure evaluation, an upsert of the stored evaluations, one',
    );
    p(
      'bulk `UPDATE` of colour, score and gap count). Wall time runs from sending `POST /api/grading/regrade` to the first',
    );
    p(
      '`GET /api/jobs/:id` (polled every 50 ms) that answers `completed`. Memory: the app samples `process.memoryUsage()`',
    );
    p(
      "every 100 ms and records the heap in use after each full (mark-compact) GC; peaks and the kernel's VmHWM (reset",
    );
    p(
      'through `/proc/self/clear_refs`) restart before each run. CPU: the app process, and the PostgreSQL backends serving',
    );
    p('the bench database (from `/proc/<pid>/stat`; the WAL writer, the checkpointer and short-lived parallel workers');
    p(
      'are not counted). Every enterprise has three years of indicators; the first run at each size writes colours that',
    );
    p(
      'change for most rows, later runs rewrite the stored evaluations with unchanged colours. `VACUUM ANALYZE` after each',
    );
    p('data load.');
    p();
    p(
      '| enterprises | run | wall time | app CPU | PostgreSQL CPU | peak heap | live heap after full GC | peak RSS (VmHWM) | start heap / RSS |',
    );
    p('|---|---|---|---|---|---|---|---|---|');
    const runs = [...rg.small.map((r, i) => ({ r, i })), ...rg.full.map((r, i) => ({ r, i }))];
    for (const { r, i } of runs)
      p(
        `| ${n(r.size)} | ${i + 1} | ${fmt(r.seconds, 2)} s | ${fmt(r.memory.cpuMs / 1000, 2)} s | ${fmt(r.pgCpuMs / 1000, 2)} s | ${mb(r.memory.peak.heapUsed)} | ${r.memory.liveHeapAfterMajorGc === null ? `n/a (${r.memory.majorGcs} full GCs)` : mb(r.memory.liveHeapAfterMajorGc)} | ${mb(r.memory.vmHwm ?? r.memory.peak.rss)} | ${mb(r.memory.baseline.heapUsed)} / ${mb(r.memory.baseline.rss)} |`,
      );
    p();
    const t = spread(rg.full.map((r) => r.seconds));
    const tSmall = spread(rg.small.map((r) => r.seconds));
    const appCpu = spread(rg.full.map((r) => r.memory.cpuMs / 1000));
    const pgCpu = spread(rg.full.map((r) => r.pgCpuMs / 1000));
    p(
      `- ${n(options.enterprises)} enterprises: ${fmtSpread(t, 2, ' s')} (${n(Math.round(options.enterprises / t.median))} enterprises/s); ${n(options.small)}: ${fmtSpread(tSmall, 2, ' s')}. Goal < ${GOALS.regradeSeconds} s: ${pass(t.median < GOALS.regradeSeconds)}`,
    );
    p(
      `- where the time goes at ${n(options.enterprises)}: app CPU ${fmtSpread(appCpu, 2, ' s')}, PostgreSQL backend CPU ${fmtSpread(pgCpu, 2, ' s')}; the batches run one after the other, so the wall time is roughly their sum plus waits for commits, I/O and other processes' CPU`,
    );
    p(
      `- memory: peak heap ${mb(mem.heapFull)} at ${n(options.enterprises)} vs ${mb(mem.heapSmall)} at ${n(options.small)}; peak RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)}; live heap after full GC ${Number.isNaN(mem.liveFull) ? 'n/a' : mb(mem.liveFull)} vs ${Number.isNaN(mem.liveSmall) ? 'n/a' : mb(mem.liveSmall)}. Flat (10× the enterprises, peaks below 1.5×): ${pass(mem.flat)}`,
    );
    p(
      `- colours after the last run: ${Object.entries(rg.colours)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}`,
    );
    p();
  }

  if (ls) {
    p('## 3. `GET /api/enterprises` over a large registry');
    p();
    p(
      `${n(ls.size)} enterprises in ${DISTRICTS.length} districts (shares from 2 % to 18 %), tiers about 72 % startup, 18 % tech SME, 8 % high-tech;`,
    );
    p('the rows beyond the regrade set carry generated colours (about 30 % orange, 30 % red, 25 % blue, 15 % green);');
    p(
      '`VACUUM ANALYZE` after loading. The app answers over loopback; `bench/load.ts` runs in its own process with keep-alive',
    );
    p(
      `connections and N concurrent closed loops, ${options.durationMs / 1000} s per run after a 1 s warm-up, ${options.runs} run${options.runs > 1 ? 's' : ''} per row,`,
    );
    p(
      'rotating the district over all districts where the query has one. Latencies (ms) are per request as the client sees',
    );
    p('them. "CPU/request" is the CPU time of the app process and of its PostgreSQL backends divided by requests (the');
    p(
      'parallel workers PostgreSQL may start for a large COUNT are not counted). The "SQL" columns time statements alone',
    );
    p(
      'from a pg client (30 executions, first district): the page (`ORDER BY name, id LIMIT/OFFSET`), a `COUNT(1)` over',
    );
    p(
      "the same filter (what TypeORM's `getManyAndCount` runs for the total), and, where the schema has the tier × colour ×",
    );
    p(
      'district counters (`pipeline_counts`), the read the service uses for the total instead of a COUNT when the filter',
    );
    p('is only tier, colour and district. "matching rows" is the `total` the API answered, checked against the COUNT.');
    p();
    const withCounters = ls.results.some((r) => r.sql.counters);
    p(
      `| query | matching rows | clients | req/s | p50 | p95 | p99 | CPU/request app / PostgreSQL | SQL page p50 | SQL COUNT p50 |${withCounters ? ' SQL counters p50 |' : ''}`,
    );
    p(`|---|---|---|---|---|---|---|---|---|---|${withCounters ? '---|' : ''}`);
    for (const r of ls.results)
      for (const c of r.byConcurrency)
        p(
          `| \`${r.query.example}\` | ${n(r.total)}${r.total === r.exactTotal ? '' : ` (**wrong**, COUNT: ${n(r.exactTotal)})`} | ${c.concurrency} | ${fmtSpread(c.rps, 0)} | ${fmtSpread(c.p50, 1)} | ${fmtSpread(c.p95, 1)} | ${fmtSpread(c.p99, 1)} | ${fmt(c.appCpu.median, 2)} / ${fmt(c.pgCpu.median, 2)} ms | ${fmt(r.sql.page.median, 2)} ms | ${fmt(r.sql.count.median, 2)} ms |${withCounters ? ` ${r.sql.counters ? `${fmt(r.sql.counters.median, 2)} ms` : 'n/a'} |` : ''}`,
        );
    p();
    const peakRss = Math.max(
      ...ls.results.flatMap((r) =>
        r.byConcurrency.flatMap((c) => c.runs.map((x) => x.memory.vmHwm ?? x.memory.peak.rss)),
      ),
    );
    const peakHeap = Math.max(
      ...ls.results.flatMap((r) => r.byConcurrency.flatMap((c) => c.runs.map((x) => x.memory.peak.heapUsed))),
    );
    p(`Peak memory of the app during the list load: heap ${mb(peakHeap)}, RSS ${mb(peakRss)}.`);
    p();
    p('### Query plans (EXPLAIN (ANALYZE, BUFFERS), first district)');
    p();
    p('The statements are written out here with the same WHERE, ORDER BY and LIMIT/OFFSET as the ones TypeORM builds');
    p('(which name every column and alias the table as `"e"`).');
    p();
    for (const r of ls.results) {
      const plans: [string, [string, unknown[]], string | null][] = [
        ['page', r.query.pageSql, r.sql.pagePlan],
        ['COUNT', r.query.countSql, r.sql.countPlan],
        ['counters', r.query.countersSql, r.sql.countersPlan],
      ];
      for (const [label, [sql, params], plan] of plans) {
        if (plan === null) continue;
        p(`\`${r.query.example}\` — ${label}:`);
        p();
        p('```');
        p(`${sql}   -- ${JSON.stringify(params)}`);
        p(plan);
        p('```');
        p();
      }
    }
  }
  return lines.join('\n') + '\n';
}

// --------------------------------------------------------------------------------------------------------- main

/** Deletes the bench's own Bull keys (queue prefix `cultivation-bench`) and nothing else in that Redis db. */
async function clearQueueKeys(redis: Redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function main() {
  const started = performance.now();
  const options = parseOptions(process.argv.slice(2));
  const adminUrl = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = process.env.BENCH_DATABASE || 'cultivation_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('BENCH_DATABASE must be a plain identifier');
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/9';
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  log(`options: ${JSON.stringify({ ...options, only: [...options.only] })}`);

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const machine = await describeMachine(admin, redis);
  const results: Results = { options, machine, loads: [], loadSeconds: {}, totalSeconds: 0 };
  const phase = (name: string) => {
    const load = machineLoad(name);
    results.loads.push(load);
    log(`machine load at ${name}: ${load.load1} (CPU pressure ${load.cpuPressure60 ?? 'n/a'} %)`);
  };

  phase('start');
  if (options.only.has('grading')) results.grading = await benchGrading(options);

  let app: AppProcess | null = null;
  let pool: Pool | null = null;
  try {
    if (options.only.has('regrade') || options.only.has('list')) {
      log(`recreating database ${database} and clearing Redis keys ${QUEUE_PREFIX}:*`);
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
      await clearQueueKeys(redis);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: redisUrl,
        QUEUE_PREFIX,
        PROCESS_ROLE: 'all',
        JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        LOG_LEVEL: 'warn',
        UPLOAD_DIR: join(os.tmpdir(), 'cultivation-bench-uploads'),
      };
      app = await AppProcess.start(env);
      log(`app listening on 127.0.0.1:${app.port} (pid ${app.child.pid}); migrations applied`);
      pool = new Pool({ connectionString: databaseUrl.toString(), max: 4 });
      const pgCpu = new PgCpu(pool, database);

      let loaded = 0;
      if (options.only.has('regrade')) {
        const load = async (to: number) => {
          const t0 = performance.now();
          await insertEnterprises(pool!, loaded, to, true);
          await vacuumAnalyze(pool!, ['enterprises', 'annual_indicators', 'enterprise_evaluations']);
          const seconds = (performance.now() - t0) / 1000;
          results.loadSeconds[`${n(to - loaded)} enterprises + ${n(3 * (to - loaded))} indicator rows`] = seconds;
          log(`loaded enterprises ${loaded}..${to} with 3 years of indicators in ${fmt(seconds)} s`);
          loaded = to;
        };
        const runs = async (size: number) => {
          const out: RegradeRun[] = [];
          for (let i = 0; i < options.runs; i++) {
            const run = await regradeOnce(app!, pgCpu, size);
            out.push(run);
            log(
              `regrade ${size} run ${i + 1}: ${fmt(run.seconds, 2)} s (app CPU ${fmt(run.memory.cpuMs / 1000, 2)} s, PostgreSQL CPU ${fmt(run.pgCpuMs / 1000, 2)} s), peak heap ${mb(run.memory.peak.heapUsed)}, peak RSS ${mb(run.memory.vmHwm ?? run.memory.peak.rss)}`,
            );
          }
          return out;
        };
        phase('regrade');
        await load(options.small);
        const small = await runs(options.small);
        await load(options.enterprises);
        const full = await runs(options.enterprises);
        const colours = Object.fromEntries(
          (
            await pool.query('SELECT colour, count(*)::int AS n FROM enterprises GROUP BY colour ORDER BY colour')
          ).rows.map((r: { colour: string; n: number }) => [r.colour, r.n]),
        );
        results.regrade = { small, full, colours };
      }

      if (options.only.has('list')) {
        phase('list');
        const t0 = performance.now();
        // Rows beyond the regrade set have no indicators; they carry generated colours, as if graded.
        await insertEnterprises(pool, loaded, options.list, false);
        await vacuumAnalyze(pool, ['enterprises']);
        const seconds = (performance.now() - t0) / 1000;
        results.loadSeconds[`${n(options.list - loaded)} enterprises`] = seconds;
        log(`loaded enterprises ${loaded}..${options.list} in ${fmt(seconds)} s`);
        results.list = { results: await benchList(app, pool, pgCpu, options), size: options.list };
      }
    }
  } finally {
    await app?.stop();
    await pool?.end();
    if (!options.keep && (options.only.has('regrade') || options.only.has('list'))) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await clearQueueKeys(redis).catch(() => undefined);
    }
    await admin.end();
    redis.disconnect();
  }
  phase('end');

  results.totalSeconds = (performance.now() - started) / 1000;
  writeFileSync(options.out, report(results));
  log(`wrote ${options.out} (${fmt(results.totalSeconds / 60)} min)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
