/**
 * `npm run bench` (`-- --quick` for the smoke size CI runs, `-- --large` for 1,000,000): measures the service's
 * performance goals (issues 3, 6, 7 and 8) on this machine, each next to what the machine does at best in the same run
 * (pgbench, a bare NestJS endpoint, the equivalent SQL alone), and writes BENCHMARKS.md at the repository root.
 *
 * The API and the worker run as in production (two processes, PostgreSQL and Redis); data are generated
 * deterministically into a database of the bench's own; load comes from a separate autocannon process on loopback.
 * Phases (`--only=` any of them): grading, regrade, subsidies, transitions, by-id, list, pipeline.
 * Environment: BENCH_PG_URL (a server where the bench may drop and create its databases; default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DATABASE (default cultivation_bench), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379/9; only keys under the bench's own queue prefix are deleted).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { BenchContext, loadEnterprises } from './context';
import { describeMachine, Machine, MachineLoad, machineLoad, waitForQuiet, PgCpu } from './machine';
import { Options, parseOptions, Phase } from './options';
import { byIdPhase } from './phases/by-id';
import { gradingPhase } from './phases/grading';
import { listPhase } from './phases/list';
import { pipelinePhase } from './phases/pipeline';
import { BulkRun, regradeRuns, regradeSection } from './phases/regrade';
import { BatchRun, batchRuns, subsidiesSection } from './phases/subsidies';
import { transitionsPhase } from './phases/transitions';
import { ServiceProcess } from './processes';
import { fmt, lines, log, mb, n, pass, Section, SummaryRow, table } from './report';

const ROOT = resolve(__dirname, '..', '..');
const QUEUE_PREFIX = 'cultivation-bench';
const ADMIN_PASSWORD = 'bench-admin-password-2026';
const GOAL_API_RSS = 300 * 1024 * 1024;

/** Deletes the bench's own Bull keys (queue prefix `cultivation-bench`) and nothing else in that Redis db. */
async function clearQueueKeys(redis: Redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

interface Run {
  options: Options;
  machine: Machine;
  loads: MachineLoad[];
  loadSeconds: Record<string, number>;
  sections: Section[];
  memory: SummaryRow[];
  memoryLines: string[];
  totalSeconds: number;
}

async function measureService(options: Options, admin: Client, adminUrl: string, redis: Redis, run: Run) {
  const has = (p: Phase) => options.only.has(p);
  const database = process.env.BENCH_DATABASE || 'cultivation_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('BENCH_DATABASE must be a plain identifier');
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  log(`recreating database ${database} and clearing Redis keys ${QUEUE_PREFIX}:*`);
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await clearQueueKeys(redis);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/9',
    QUEUE_PREFIX,
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    API_PROCESSES: String(options.apiProcesses),
    UPLOAD_DIR: join(os.tmpdir(), 'cultivation-bench-uploads'),
  };
  // The API migrates the database at start; the worker starts once the schema is there.
  const api = await ServiceProcess.start('api', env);
  const worker = await ServiceProcess.start('worker', env);
  const pool = new Pool({ connectionString: databaseUrl.toString(), max: 4 });
  // An idle connection that the server closes (a forced drop at the end) must not end the bench.
  pool.on('error', (error) => log(`bench pool: ${error.message}`));
  try {
    api.token = await api.login('admin', ADMIN_PASSWORD);
    // The API migrated the fresh database at start: that peak is reported apart from the peak while serving.
    const startupRss = (await api.memory()).wholeRunRss;
    await Promise.all([api.resetMemory(true), worker.resetMemory(true)]);
    log(`API on 127.0.0.1:${api.port} (pid ${api.pid}), worker pid ${worker.pid}; migrations applied`);
    const ctx: BenchContext = {
      options,
      pool,
      admin,
      adminUrl,
      database,
      api,
      worker,
      pgCpu: new PgCpu(pool, database),
      phase: async (name) => {
        void api.memory().then((m) => log(`API peak RSS before ${name}: ${mb(m.wholeRunRss)}`));
        const quiet = await waitForQuiet();
        log(
          `waited ${quiet.waitedS} s for a quiet machine before ${name} (last second ${Math.round(quiet.busy * 100)} % busy)`,
        );
        const load = machineLoad(name);
        run.loads.push(load);
        log(`machine load at ${name}: ${load.load1} (CPU pressure ${load.cpuPressure60 ?? 'n/a'} %)`);
      },
      loadSeconds: run.loadSeconds,
      loaded: 0,
      graded: 0,
    };

    if (['regrade', 'subsidies', 'transitions', 'by-id'].some((p) => has(p as Phase))) {
      await ctx.phase('bulk jobs');
      const rounds: { regrade: BulkRun[]; batch: BatchRun[] }[] = [];
      for (const size of [options.small, options.enterprises]) {
        await loadEnterprises(ctx, size, false);
        // The later phases need graded enterprises; without the regrade phase they are graded once, unmeasured.
        const regrade = await regradeRuns(ctx, has('regrade') ? options.runs : size === options.enterprises ? 1 : 0);
        const batch = has('subsidies') ? await batchRuns(ctx) : [];
        rounds.push({ regrade, batch });
      }
      if (has('regrade')) run.sections.push(await regradeSection(ctx, rounds[0].regrade, rounds[1].regrade));
      if (has('subsidies')) run.sections.push(await subsidiesSection(ctx, rounds[0].batch, rounds[1].batch));
      if (has('transitions')) {
        await ctx.phase('transitions');
        run.sections.push(await transitionsPhase(ctx));
      }
      if (has('by-id')) {
        await ctx.phase('by-id');
        run.sections.push(await byIdPhase(ctx, env));
      }
    }
    if (has('list') || has('pipeline')) {
      await ctx.phase('registry');
      await loadEnterprises(ctx, options.registry, true);
      if (has('list')) {
        await ctx.phase('list');
        run.sections.push(await listPhase(ctx));
      }
      if (has('pipeline')) {
        await ctx.phase('pipeline');
        run.sections.push(await pipelinePhase(ctx));
      }
    }

    const [apiMemory, workerMemory] = await Promise.all([api.memory(), worker.memory()]);
    const ok = apiMemory.wholeRunRss < GOAL_API_RSS;
    run.memory.push({
      goal: 'peak RSS of the API process while serving the whole run',
      target: `< ${mb(GOAL_API_RSS)}`,
      measured: mb(apiMemory.wholeRunRss),
      ok,
    });
    run.memoryLines.push(
      `- API process: peak RSS while serving every phase ${mb(apiMemory.wholeRunRss)} (sampled every 100 ms from the end of start-up to the end of the run). Goal < ${mb(GOAL_API_RSS)}: ${pass(ok)}. Start-up on a fresh database, which runs every migration, peaked at ${mb(startupRss)} before it settled.`,
      `- worker process: peak RSS over the whole run ${mb(workerMemory.wholeRunRss)}; its peaks during the bulk jobs at both sizes are in the regrade and subsidy sections (flat: the 10× larger run peaks below 1.5× the smaller one)`,
    );
  } finally {
    await api.stop();
    await worker.stop();
    await pool.end();
    if (!options.keep) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await clearQueueKeys(redis).catch(() => undefined);
    }
  }
}

function report(run: Run): string {
  const { options, machine } = run;
  const { out, p } = lines();
  p('# Benchmarks', '');
  p(
    'Written by `npm run bench` (`bench/run.ts`); every run overwrites this file. Each performance goal of the issues is',
  );
  p(
    'measured on this machine next to what the same machine does at best in the same run: pgbench for the transitions, a',
  );
  p('bare NestJS-on-Fastify endpoint for a read, and the equivalent SQL run by PostgreSQL alone for the bulk jobs and');
  p('aggregates, so the overhead of our code shows as a ratio even when the shared machine drifts. Reproduce with');
  p(
    '`npm run bench` (default sizes: 100,000 enterprises with three years of indicators for the bulk jobs, a registry of',
  );
  p(
    '1,000,000 with 3,000,000 indicator rows for the list and the pipeline; 15 to 20 minutes on 2 cores), `-- --large`',
  );
  p(
    '(1,000,000 for the bulk jobs too) or `-- --quick` (smoke sizes, what CI runs). It needs PostgreSQL at 127.0.0.1:5432',
  );
  p(
    '(user postgres; the bench drops and recreates its own databases `cultivation_bench` and `cultivation_bench_pgbench`)',
  );
  p(
    'and Redis at 127.0.0.1:6379 (db 9; only keys under the queue prefix `cultivation-bench` are touched). The API and',
  );
  p('the worker run as separate processes as in production (`bench/server.ts`); data are generated deterministically');
  p('(seeded, `bench/data.ts`) and written with SQL; load comes from autocannon in a separate process on loopback');
  p(
    '(`bench/load.ts`), bounded in time and count. Each figure is the median of several runs with the spread (min–max).',
  );
  p('Other flags: `--enterprises=N`, `--registry=N`, `--runs=N`, `--duration=S`, `--clients=N`, `--concurrency=1,8`,');
  p('`--only=grading,regrade,subsidies,transitions,by-id,list,pipeline`, `--keep`, `--out=FILE`.', '');
  p('## Machine and versions', '');
  p(
    ...table(
      ['', ''],
      [
        ['date', machine.date],
        ['cores (nproc)', machine.cores],
        ['CPU', machine.cpu],
        ['memory', machine.memory],
        ['Node.js', machine.node],
        ['PostgreSQL', `${machine.postgres} (${machine.postgresSettings})`],
        ['pgbench', machine.pgbench],
        ['Redis', machine.redis],
        ['autocannon', machine.autocannon],
        ['code', `commit ${machine.commit}`],
        [
          'sizes',
          `bulk jobs: ${n(options.enterprises)} enterprises × 3 years of indicators (memory compared with ${n(options.small)}); registry: ${n(options.registry)}`,
        ],
        [
          'API processes',
          `${options.apiProcesses} (API_PROCESSES, \`--api-processes=N\`), the bare yardstick as many; one worker process`,
        ],
        [
          'runs',
          `${options.runs} per figure, ${options.durationMs / 1000} s of load each${options.quick ? ' (`--quick`)' : options.large ? ' (`--large`)' : ''}; the whole bench took ${fmt(run.totalSeconds / 60)} min`,
        ],
        [
          'data load',
          Object.entries(run.loadSeconds)
            .map(([k, v]) => `${k}: ${fmt(v)} s`)
            .join('; '),
        ],
        [
          'machine load',
          run.loads
            .map(
              (l) =>
                `${l.phase}: load ${fmt(l.load1, 2)}${l.cpuPressure60 === null ? '' : `, CPU pressure ${fmt(l.cpuPressure60, 0)} %`}`,
            )
            .join('; '),
        ],
      ],
    ),
  );
  p();
  if (run.loads.some((l) => l.load1 > machine.cores || (l.cpuPressure60 ?? 0) > 25)) {
    p(
      `> **The machine was busy during this run** (1-minute load average above ${machine.cores} cores, or tasks waiting for a`,
    );
    p('> CPU more than a quarter of the time, from other processes on the same machine): wall-clock figures are');
    p(
      '> pessimistic; the ratios to the same-run yardsticks are less sensitive. Rerun on an idle machine to compare.',
      '',
    );
  }
  const summary = [...run.sections.flatMap((s) => s.summary), ...run.memory];
  p('## Summary', '');
  p(
    ...table(
      ['goal', 'target', 'measured: median (min–max)', 'result'],
      summary.map((r) => [r.goal, r.target, r.measured, pass(r.ok)]),
    ),
  );
  p();
  if (run.memoryLines.length) p('## Memory (issue 8, item 4)', '', ...run.memoryLines, '');
  for (const s of run.sections) p(...s.lines);
  p(readFileSync(join(ROOT, 'bench', 'history.md'), 'utf8').trimEnd());
  return out.join('\n') + '\n';
}

async function main() {
  const started = performance.now();
  const options = parseOptions(process.argv.slice(2), ROOT);
  const adminUrl = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  log(`options: ${JSON.stringify({ ...options, only: [...options.only] })}`);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const redis = new Redis(process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/9', { maxRetriesPerRequest: 2 });
  const run: Run = {
    options,
    machine: await describeMachine(admin, redis),
    loads: [machineLoad('start')],
    loadSeconds: {},
    sections: [],
    memory: [],
    memoryLines: [],
    totalSeconds: 0,
  };
  try {
    if (options.only.has('grading')) run.sections.push(await gradingPhase(options));
    if ([...options.only].some((p) => p !== 'grading')) await measureService(options, admin, adminUrl, redis, run);
  } finally {
    await admin.end();
    redis.disconnect();
  }
  run.loads.push(machineLoad('end'));
  run.totalSeconds = (performance.now() - started) / 1000;
  writeFileSync(options.out, report(run));
  const failed = [...run.sections.flatMap((s) => s.summary), ...run.memory].filter((r) => r.ok === false);
  log(
    `wrote ${options.out} (${fmt(run.totalSeconds / 60)} min); ${failed.length ? `goals missed: ${failed.map((f) => f.goal).join('; ')}` : 'every goal met'}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
