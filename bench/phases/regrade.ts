/**
 * Issue 3, goal 2 (and issue 8, item 3): bulk regrade of every enterprise with indicators, through the API and the
 * worker as in production, at a tenth of the size first so the worker's memory can be compared; next to the time
 * PostgreSQL alone needs for the same writes.
 */
import { MemoryReport, spread } from '../common';
import { BenchContext, drainOutbox, waitForJob } from '../context';
import { fmt, fmtSpread, lines, log, mb, n, pass, Section, table } from '../report';

const GOAL_SECONDS = 20;

export interface BulkRun {
  size: number;
  seconds: number;
  worker: MemoryReport;
  apiCpuMs: number;
  pgCpuMs: number;
}

async function regradeOnce(ctx: BenchContext, size: number): Promise<BulkRun & { done: number }> {
  await ctx.worker.resetMemory();
  await ctx.api.resetMemory();
  await ctx.pgCpu.start();
  const t0 = performance.now();
  const { jobId } = await ctx.api.request('POST', '/api/grading/regrade', {});
  const { job, seconds } = await waitForJob(ctx.api, jobId, t0);
  const worker = await ctx.worker.memory();
  const api = await ctx.api.memory();
  const pgCpuMs = await ctx.pgCpu.stop();
  if (job.done !== size) throw new Error(`regrade job graded ${job.done} enterprises, expected ${size}`);
  return { size, seconds, worker, apiCpuMs: api.cpuMs, pgCpuMs, done: job.done };
}

/**
 * What PostgreSQL alone needs for the regrade's writes, in one transaction rolled back at the end: read the three
 * years of indicators of every graded enterprise, upsert its stored evaluation, and update its colour, score and gap
 * count (every row changes, more than a rerun of the app writes).
 */
const BASELINE_SQL = [
  `INSERT INTO enterprise_evaluations (enterprise_id, rule_set, region_config_version, as_of, facts, result, evaluated_at)
   SELECT v.enterprise_id, v.rule_set, v.region_config_version, v.as_of,
          (SELECT jsonb_agg(i.data::jsonb ORDER BY i.year) FROM annual_indicators i WHERE i.enterprise_id = v.enterprise_id),
          v.result, now()
   FROM enterprise_evaluations v
   ON CONFLICT (enterprise_id) DO UPDATE SET facts = EXCLUDED.facts, result = EXCLUDED.result, evaluated_at = EXCLUDED.evaluated_at`,
  `UPDATE enterprises e SET colour = CASE e.colour WHEN 'orange' THEN 'red' WHEN 'red' THEN 'blue' WHEN 'blue' THEN 'green' ELSE 'orange' END,
          tech_sme_score = coalesce(e.tech_sme_score, 0) + 1, gap_count = coalesce(e.gap_count, 0) + 1, updated_at = now()
   FROM enterprise_evaluations v WHERE v.enterprise_id = e.id`,
];

export async function sqlAloneMs(ctx: BenchContext, statements: string[], runs: number): Promise<number[]> {
  const client = await ctx.pool.connect();
  try {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      await client.query('BEGIN');
      const t0 = performance.now();
      for (const sql of statements) await client.query(sql);
      out.push(performance.now() - t0);
      await client.query('ROLLBACK');
    }
    return out;
  } finally {
    client.release();
  }
}

/**
 * Flatness is judged only when the smaller run spans several batches (10,000 enterprises and up): below that the
 * smaller run's peak is mostly start-up and warm-up, and the ratio says nothing (the `--quick` sizes).
 */
export const judgeable = (options: { small: number }) => options.small >= 10_000;

export function memoryFlat(small: MemoryReport[], full: MemoryReport[]) {
  const med = (xs: MemoryReport[], f: (r: MemoryReport) => number) => spread(xs.map(f)).median;
  const heap = (r: MemoryReport) => r.peak.heapUsed;
  const rss = (r: MemoryReport) => r.vmHwm ?? r.peak.rss;
  const m = {
    heapSmall: med(small, heap),
    heapFull: med(full, heap),
    rssSmall: med(small, rss),
    rssFull: med(full, rss),
  };
  return { ...m, flat: m.heapFull < 1.5 * m.heapSmall && m.rssFull < 1.5 * m.rssSmall };
}

/** The columns every bulk job's table shows: size, run, wall time, CPU of each process, the worker's peaks. */
export const BULK_RUN_HEADER = [
  'enterprises',
  'run',
  'wall time',
  'worker CPU',
  'API CPU',
  'PostgreSQL CPU',
  'worker peak heap / RSS',
];

export function bulkRunCells(r: BulkRun, index: number, runs: number): string[] {
  const s = (ms: number) => `${fmt(ms / 1000, 2)} s`;
  return [
    n(r.size),
    String((index % runs) + 1),
    `${fmt(r.seconds, 2)} s`,
    s(r.worker.cpuMs),
    s(r.apiCpuMs),
    s(r.pgCpuMs),
    `${mb(r.worker.peak.heapUsed)} / ${mb(r.worker.vmHwm ?? r.worker.peak.rss)}`,
  ];
}

/** Regrades every loaded enterprise `times` times. */
export async function regradeRuns(ctx: BenchContext, times: number): Promise<BulkRun[]> {
  const out: BulkRun[] = [];
  for (let i = 0; i < times; i++) {
    const run = await regradeOnce(ctx, ctx.loaded);
    out.push(run);
    log(
      `regrade ${n(run.size)} run ${i + 1}: ${fmt(run.seconds, 2)} s (worker CPU ${fmt(run.worker.cpuMs / 1000, 2)} s, PostgreSQL CPU ${fmt(run.pgCpuMs / 1000, 2)} s), worker peak heap ${mb(run.worker.peak.heapUsed)}, RSS ${mb(run.worker.vmHwm ?? run.worker.peak.rss)}`,
    );
  }
  ctx.graded = ctx.loaded;
  await drainOutbox(ctx.pool);
  return out;
}

export async function regradeSection(ctx: BenchContext, small: BulkRun[], full: BulkRun[]): Promise<Section> {
  const { options } = ctx;
  const baseline = spread(await sqlAloneMs(ctx, BASELINE_SQL, options.runs));
  log(`regrade baseline (PostgreSQL alone): ${fmt(baseline.median / 1000, 2)} s`);
  const colours = (
    await ctx.pool.query('SELECT colour, count(*)::int AS n FROM enterprises GROUP BY colour ORDER BY colour')
  ).rows as { colour: string; n: number }[];

  const t = spread(full.map((r) => r.seconds));
  const tSmall = spread(small.map((r) => r.seconds));
  const mem = memoryFlat(
    small.map((r) => r.worker),
    full.map((r) => r.worker),
  );
  const ratio = (t.median * 1000) / baseline.median;
  const { out, p } = lines();
  p('## Bulk regrade (issue 3)');
  p();
  p(
    '`POST /api/grading/regrade` on the API → job record + outbox row → the worker relays it to Bull → the worker runs',
  );
  p(
    '`RegradeProcessor.regradeAll`: keyset batches of 1,000 ids, one transaction each (three reads, the pure evaluation,',
  );
  p(
    'an upsert of the stored evaluations, one bulk `UPDATE` of colour, score and gap count). Wall time runs from the POST to',
  );
  p(
    'the first `GET /api/jobs/:id` (polled every 50 ms) that answers `completed`. The first run at each size changes most',
  );
  p(
    'colours; later runs rewrite the evaluations and skip unchanged colours. "PostgreSQL alone" runs the same writes as',
  );
  p(
    'set-based SQL in one transaction (rolled back): read the three years of indicators of every graded enterprise, upsert',
  );
  p('its evaluation, update colour, score and gap count of every row.');
  p();
  p(
    ...table(
      BULK_RUN_HEADER,
      [...small, ...full].map((r, i) => bulkRunCells(r, i, options.runs)),
    ),
  );

  p();
  p(
    `- ${n(options.enterprises)} enterprises: ${fmtSpread(t, 2, ' s')} (${n(Math.round(options.enterprises / t.median))} enterprises/s); ${n(options.small)}: ${fmtSpread(tSmall, 2, ' s')}. Goal < ${GOAL_SECONDS} s: ${pass(t.median < GOAL_SECONDS)}`,
  );
  p(
    `- PostgreSQL alone: ${fmtSpread(spread(baseline.values.map((x) => x / 1000)), 2, ' s')}; the service takes ${fmt(ratio, 1)}× that`,
  );
  p(
    `- worker memory: peak heap ${mb(mem.heapFull)} at ${n(options.enterprises)} vs ${mb(mem.heapSmall)} at ${n(options.small)}; peak RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)}. Flat (10× the enterprises, peaks below 1.5×): ${pass(mem.flat)}`,
  );
  p(`- colours after the last run: ${colours.map((c) => `${c.colour} ${n(c.n)}`).join(', ')}`);
  p();
  return {
    summary: [
      {
        goal: `bulk regrade of ${n(options.enterprises)} enterprises`,
        target: `< ${GOAL_SECONDS} s`,
        measured: `${fmtSpread(t, 2, ' s')}; ${fmt(ratio, 1)}× PostgreSQL alone`,
        ok: t.median < GOAL_SECONDS,
      },
      {
        goal: `… worker memory flat (peak at ${n(options.enterprises)} vs ${n(options.small)})`,
        target: '< 1.5×',
        measured: `heap ${mb(mem.heapFull)} vs ${mb(mem.heapSmall)}, RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)}`,
        ok: judgeable(options) ? mem.flat : null,
      },
    ],
    lines: out,
  };
}
