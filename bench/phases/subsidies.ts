/**
 * Issue 6: a batch run of the default programmes over every enterprise with indicators (`POST /api/programmes/:id/runs`
 * for each, all started at once, until the last job completes) and the simulation of each programme
 * (`POST /api/programmes/simulate`), next to what PostgreSQL alone needs for the equivalent set-based SQL.
 */
import { spread } from '../common';
import { BenchContext, drainOutbox, waitForJob } from '../context';
import { BULK_RUN_HEADER, bulkRunCells, BulkRun, judgeable } from './regrade';
import { fmt, fmtSpread, lines, log, mb, n, pass, Section, table } from '../report';
import { subsidiesSqlBaseline } from '../subsidies-baseline';

const GOAL_BATCH_SECONDS = 30;
const GOAL_SIMULATION_SECONDS = 3;

interface Programme {
  id: string;
  code: string;
  name: string;
  [key: string]: unknown;
}

export interface BatchRun extends BulkRun {
  grants: Record<string, number>;
}

/** Grants and reservations go, so every run creates the same grants from scratch (the programmes stay). */
async function resetGrants(ctx: BenchContext) {
  await drainOutbox(ctx.pool);
  await ctx.pool.query('DELETE FROM grants');
  await ctx.pool.query('UPDATE programmes SET reserved = 0');
  await ctx.pool.query('VACUUM (ANALYZE) grants');
}

async function batchOnce(ctx: BenchContext, programmes: Programme[], size: number): Promise<BatchRun> {
  await resetGrants(ctx);
  await Promise.all([ctx.worker.resetMemory(), ctx.api.resetMemory(), ctx.pgCpu.start()]);
  const t0 = performance.now();
  const jobs = await Promise.all(programmes.map((p) => ctx.api.request('POST', `/api/programmes/${p.id}/runs`, {})));
  const finished = await Promise.all(jobs.map((j) => waitForJob(ctx.api, String(j.jobId), t0)));
  const seconds = Math.max(...finished.map((f) => f.seconds));
  const [worker, api, pgCpuMs] = await Promise.all([ctx.worker.memory(), ctx.api.memory(), ctx.pgCpu.stop()]);
  const grants = Object.fromEntries(
    (await ctx.pool.query('SELECT state, count(*)::int AS n FROM grants GROUP BY state ORDER BY state')).rows.map(
      (r: { state: string; n: number }) => [r.state, r.n],
    ),
  );
  return { size, seconds, grants, worker, apiCpuMs: api.cpuMs, pgCpuMs };
}

/** Runs the batch of every active (default) programme `options.runs` times over the enterprises graded so far. */
export async function batchRuns(ctx: BenchContext): Promise<BatchRun[]> {
  const programmes = (await ctx.api.request('GET', '/api/programmes?status=active&pageSize=100')).items as Programme[];
  if (programmes.length < 4) throw new Error(`expected the four default programmes, found ${programmes.length}`);
  const runs: BatchRun[] = [];
  for (let i = 0; i < ctx.options.runs; i++) {
    const run = await batchOnce(ctx, programmes, ctx.graded);
    runs.push(run);
    log(
      `subsidy batch over ${n(ctx.graded)} run ${i + 1}: ${fmt(run.seconds, 2)} s (worker CPU ${fmt(run.worker.cpuMs / 1000, 2)} s, PostgreSQL CPU ${fmt(run.pgCpuMs / 1000, 2)} s); grants ${JSON.stringify(run.grants)}`,
    );
  }
  await drainOutbox(ctx.pool);
  return runs;
}

export async function subsidiesSection(
  ctx: BenchContext,
  smallRuns: BatchRun[],
  fullRuns: BatchRun[],
): Promise<Section> {
  const { options } = ctx;
  const programmes = (await ctx.api.request('GET', '/api/programmes?status=active&pageSize=100')).items as Programme[];
  const simulations: {
    code: string;
    name: string;
    seconds: number[];
    matched: number;
    needsData: number;
    cost: number;
  }[] = [];
  for (const programme of programmes) {
    const { code, name, region, districts, period, trigger, rule, amount, budget } = programme;
    const body = { code, name, region, districts, period, trigger, rule, amount, budget };
    const seconds: number[] = [];
    let answer: Record<string, any> = {};
    for (let i = 0; i < Math.max(3, options.runs); i++) {
      const t0 = performance.now();
      answer = await ctx.api.request('POST', '/api/programmes/simulate', body);
      seconds.push((performance.now() - t0) / 1000);
    }
    simulations.push({
      code,
      name,
      seconds,
      matched: Number(answer.matched),
      needsData: Number(answer.needsData),
      cost: Number(answer.totalCost),
    });
    log(`simulation ${code}: ${seconds.map((s) => fmt(s, 2)).join(', ')} s`);
  }
  const year = new Date().getFullYear();
  const baselines = [];
  for (let i = 0; i < options.runs; i++) baselines.push(await subsidiesSqlBaseline(ctx.pool, year));
  const batchBase = spread(baselines.map((b) => b.batchMs / 1000));
  const simBase = spread(baselines.map((b) => b.simulationMs / 1000));

  const t = spread(fullRuns.map((r) => r.seconds));
  const slowest = simulations
    .map((s) => ({ ...s, spread: spread(s.seconds) }))
    .sort((a, b) => b.spread.median - a.spread.median)[0];
  const mem = {
    heapSmall: spread(smallRuns.map((r) => r.worker.peak.heapUsed)).median,
    heapFull: spread(fullRuns.map((r) => r.worker.peak.heapUsed)).median,
    rssSmall: spread(smallRuns.map((r) => r.worker.vmHwm ?? r.worker.peak.rss)).median,
    rssFull: spread(fullRuns.map((r) => r.worker.vmHwm ?? r.worker.peak.rss)).median,
  };
  const flat = mem.heapFull < 1.5 * mem.heapSmall && mem.rssFull < 1.5 * mem.rssSmall;
  const { out, p } = lines();
  p('## Subsidies: batch run and simulation (issue 6)');
  p();
  p(
    `The ${programmes.length} default programmes (${programmes.map((x) => `\`${x.code}\``).join(', ')}) are run at once, each with`,
  );
  p(
    '`POST /api/programmes/:id/runs`; wall time runs to the first poll that sees the last job completed. Before each run',
  );
  p('the grants are deleted and the reservations reset, so every run creates the same grants from scratch. The worker');
  p(
    `runs the jobs; its memory at ${n(options.small)} and ${n(ctx.graded)} enterprises shows whether it grows with the size.`,
  );
  p(`"PostgreSQL alone" (bench/subsidies-baseline.ts) is the equivalent set-based SQL: ${baselines[0].note}.`);
  p();
  p(
    ...table(
      [...BULK_RUN_HEADER, 'grants by state'],
      [...smallRuns, ...fullRuns].map((r, i) => [
        ...bulkRunCells(r, i, options.runs),
        Object.entries(r.grants)
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', '),
      ]),
    ),
  );

  p();
  p(
    `- batch of the defaults over ${n(ctx.graded)}: ${fmtSpread(t, 2, ' s')}; PostgreSQL alone ${fmtSpread(batchBase, 2, ' s')} (${fmt(t.median / batchBase.median, 1)}×). Goal < ${GOAL_BATCH_SECONDS} s: ${pass(t.median < GOAL_BATCH_SECONDS)}`,
  );
  p(
    `- worker memory flat (${n(ctx.graded)} vs ${n(options.small)}: heap ${mb(mem.heapFull)} vs ${mb(mem.heapSmall)}, RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)}): ${pass(flat)}`,
  );
  p();
  p(
    ...table(
      ['simulated programme', 'time per simulation (median, min–max)', 'matched', 'needs data', 'cost (yuan)'],
      simulations.map((s) => [
        `\`${s.code}\` ${s.name}`,
        fmtSpread(spread(s.seconds), 2, ' s'),
        n(s.matched),
        n(s.needsData),
        n(s.cost),
      ]),
    ),
  );
  p();
  p(
    `- slowest simulation \`${slowest.code}\`: ${fmtSpread(slowest.spread, 2, ' s')}; PostgreSQL alone ${fmtSpread(simBase, 2, ' s')} (${fmt(slowest.spread.median / simBase.median, 1)}×). Goal < ${GOAL_SIMULATION_SECONDS} s: ${pass(slowest.spread.median < GOAL_SIMULATION_SECONDS)}`,
  );
  p();
  return {
    summary: [
      {
        goal: `subsidy batch of the ${programmes.length} default programmes over ${n(ctx.graded)}`,
        target: `< ${GOAL_BATCH_SECONDS} s`,
        measured: `${fmtSpread(t, 2, ' s')}; ${fmt(t.median / batchBase.median, 1)}× PostgreSQL alone`,
        ok: t.median < GOAL_BATCH_SECONDS,
      },
      {
        goal: '… worker memory flat',
        target: '< 1.5×',
        measured: `heap ${mb(mem.heapFull)} vs ${mb(mem.heapSmall)}, RSS ${mb(mem.rssFull)} vs ${mb(mem.rssSmall)}`,
        ok: judgeable(options) ? flat : null,
      },
      {
        goal: `simulation of one programme over ${n(ctx.graded)} (slowest of the ${programmes.length})`,
        target: `< ${GOAL_SIMULATION_SECONDS} s`,
        measured: `${fmtSpread(slowest.spread, 2, ' s')}; ${fmt(slowest.spread.median / simBase.median, 1)}× PostgreSQL alone`,
        ok: slowest.spread.median < GOAL_SIMULATION_SECONDS,
      },
    ],
    lines: out,
  };
}
