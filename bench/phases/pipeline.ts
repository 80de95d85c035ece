/**
 * Issue 7: `GET /api/pipeline/summary` over the whole registry (every enterprise with three years of indicators),
 * next to the aggregate PostgreSQL would run without the counters the service keeps.
 */
import { spread, Spread } from '../common';
import { BenchContext, explain, timeSql } from '../context';
import { DISTRICTS } from '../data';
import { runLoad } from '../processes';
import { fmt, fmtSpread, lines, log, n, Section, SummaryRow, table } from '../report';

const GOAL_P95_MS = 50;
const DIRECT_SQL = 'SELECT district, state, colour, count(*) AS n FROM enterprises GROUP BY district, state, colour';
const COUNTERS_SQL =
  'SELECT district, state, colour, SUM(n) AS n FROM pipeline_counts GROUP BY district, state, colour';

export async function pipelinePhase(ctx: BenchContext): Promise<Section> {
  const { options } = ctx;
  const year = new Date().getFullYear();
  const enc = encodeURIComponent;
  const queries = [
    { name: 'whole city', example: `?year=${year}`, paths: [`/api/pipeline/summary?year=${year}`] },
    {
      name: 'one district',
      example: `?district=${DISTRICTS[0].name}&year=${year}`,
      paths: DISTRICTS.map((d) => `/api/pipeline/summary?district=${enc(d.name)}&year=${year}`),
    },
  ];
  // The first request also folds the counter deltas the data load left, as the compaction job would.
  const first = await ctx.api.request('GET', queries[0].paths[0]);
  // Counts hold the enterprises in a tier; the exited ones are counted apart.
  const apiTotal =
    (first.counts as { count: number }[]).reduce((s, c) => s + c.count, 0) + Number(first.exited?.count ?? 0);
  const indicatorRows = Number((await ctx.pool.query('SELECT count(*) AS n FROM annual_indicators')).rows[0].n);
  const direct = spread(await timeSql(ctx.pool, DIRECT_SQL, [], 10));
  const counters = spread(await timeSql(ctx.pool, COUNTERS_SQL, [], 30));
  const directPlan = await explain(ctx.pool, DIRECT_SQL);
  log(
    `pipeline: ${n(ctx.loaded)} enterprises (summary counts ${n(apiTotal)}), ${n(indicatorRows)} indicator rows; direct aggregate ${fmt(direct.median, 1)} ms, counters ${fmt(counters.median, 2)} ms`,
  );

  const rows: {
    query: (typeof queries)[number];
    concurrency: number;
    p50: Spread;
    p95: Spread;
    p99: Spread;
    rps: Spread;
  }[] = [];
  for (const query of queries)
    for (const concurrency of options.concurrency) {
      const runs = [];
      for (let r = 0; r < options.runs; r++) {
        const load = await runLoad({
          port: ctx.api.port,
          token: ctx.api.token,
          concurrency,
          durationMs: options.durationMs / 2,
          maxRequests: 1_000_000,
          warmupMs: 1000,
          scenario: { kind: 'paths', paths: query.paths },
        });
        if (load.errors) throw new Error(`pipeline summary had ${load.errors} errors, first: ${load.firstError}`);
        runs.push(load);
        log(`  summary ${query.name} c=${concurrency} run ${r + 1}: ${fmt(load.rps, 0)} req/s, p95 ${load.p95} ms`);
      }
      rows.push({
        query,
        concurrency,
        p50: spread(runs.map((x) => x.p50)),
        p95: spread(runs.map((x) => x.p95)),
        p99: spread(runs.map((x) => x.p99)),
        rps: spread(runs.map((x) => x.rps)),
      });
    }

  const { out, p } = lines();
  p('## Pipeline summary over the whole registry (issue 7)');
  p();
  p(
    `${n(ctx.loaded)} enterprises, ${n(indicatorRows)} indicator rows, plus the applications and grants the earlier phases created.`,
  );
  p(
    'The summary reads the tier × colour × district counts from `pipeline_counts`, kept by statement-level triggers on',
  );
  p(
    '`enterprises` as append-only deltas and folded by the job `pipeline.compact-counts` (and by a read that finds too',
  );
  p(
    'many deltas), so it never counts the registry. The funnel (first certificates of the year), the applications and the',
  );
  p(
    'grants of the year come from `pipeline_year_counts`, kept the same way by triggers on `certifications`, `applications`',
  );
  p('and `grants` (and moved with an enterprise that changes district): three small reads per request, no aggregate.');
  p(
    `"direct aggregate" is the GROUP BY over \`enterprises\` the counters replace (${fmt(direct.median, 1)} ms median of 10; plan below);`,
  );
  p(
    `reading the counters alone takes ${fmt(counters.median, 2)} ms. Summary total checked: ${n(apiTotal)} enterprises counted, ${apiTotal === ctx.loaded ? 'equal to the rows loaded' : `**rows loaded: ${n(ctx.loaded)}**`}.`,
  );
  p();
  p(
    ...table(
      ['query', 'clients', 'req/s', 'p50', 'p95', 'p99', 'p95 / direct aggregate'],
      rows.map((r) => [
        `\`${r.query.example}\``,
        r.concurrency,
        fmtSpread(r.rps, 0),
        fmtSpread(r.p50, 1),
        fmtSpread(r.p95, 1),
        fmtSpread(r.p99, 1),
        fmt(r.p95.median / direct.median, 2),
      ]),
    ),
  );
  p();
  p('```', DIRECT_SQL, directPlan, '```', '');
  const summary: SummaryRow[] = rows.map((r) => ({
    goal: `\`GET /api/pipeline/summary${r.query.example}\` over ${n(ctx.loaded)} + ${n(indicatorRows)} indicators, ${r.concurrency} client${r.concurrency > 1 ? 's' : ''}`,
    target: `p95 < ${GOAL_P95_MS} ms`,
    measured: `p95 ${fmtSpread(r.p95, 1, ' ms')} (direct aggregate ${fmt(direct.median, 0)} ms)`,
    ok: r.p95.median < GOAL_P95_MS,
  }));
  return { summary, lines: out };
}
