/**
 * Issue 3, goal 3: `GET /api/enterprises` with filters and pages over the whole registry, driven over loopback by
 * bench/load.ts, next to the bare SQL timings and EXPLAIN ANALYZE of the page and COUNT queries the service issues.
 */
import type { Pool } from 'pg';
import { MemoryReport, Spread, spread } from '../common';
import { BenchContext, explain, timeSql } from '../context';
import { DISTRICTS } from '../data';
import type { LoadResult, LoadSpec } from '../load';
import type { Options } from '../options';
import { runLoad } from '../processes';
import { fmt, fmtSpread, lines, log, mb, n, Section, SummaryRow } from '../report';

const GOAL_P95_MS = 50;

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

/**
 * Median and spread of the bare SQL (page, COUNT, and the counters read where that table exists) over 30 executions
 * each, plus one EXPLAIN ANALYZE of each.
 */
async function timeListSql(pool: Pool, q: ListQuery) {
  const hasCounters = (await pool.query("SELECT to_regclass('pipeline_counts') IS NOT NULL AS yes")).rows[0].yes;
  const time = async ([sql, params]: [string, unknown[]]) => spread(await timeSql(pool, sql, params));
  const plan = ([sql, params]: [string, unknown[]]) => explain(pool, sql, params);
  return {
    page: await time(q.pageSql),
    count: await time(q.countSql),
    counters: hasCounters ? await time(q.countersSql) : null,
    pagePlan: await plan(q.pageSql),
    countPlan: await plan(q.countSql),
    countersPlan: hasCounters ? await plan(q.countersSql) : null,
  };
}

async function benchList(ctx: BenchContext): Promise<ListResult[]> {
  const { api: app, pool, pgCpu, options } = ctx;
  const results: ListResult[] = [];
  for (const query of listQueries()) {
    const first = await app.request('GET', query.paths[0]);
    if (!Array.isArray(first.items) || typeof first.total !== 'number')
      throw new Error(`unexpected list answer for ${query.paths[0]}`);
    const exactTotal = Number((await pool.query(query.countSql[0], query.countSql[1])).rows[0].cnt);
    const sql = await timeListSql(pool, query);
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
          scenario: { kind: 'paths', paths: query.paths },
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

export async function listPhase(ctx: BenchContext): Promise<Section> {
  return listSection({ results: await benchList(ctx), size: ctx.loaded }, ctx.options);
}

export function listSection(ls: { results: ListResult[]; size: number }, options: Options): Section {
  const { out, p } = lines();
  {
    p('## `GET /api/enterprises` over a large registry (issue 3)');
    p();
    p(
      `${n(ls.size)} enterprises in ${DISTRICTS.length} districts (shares from 2 % to 18 %), tiers about 72 % startup, 18 % tech SME, 8 % high-tech;`,
    );
    p('the rows beyond the regrade set carry generated colours (about 30 % orange, 30 % red, 25 % blue, 15 % green);');
    p(
      '`VACUUM ANALYZE` after loading. The app answers over loopback; `bench/load.ts` (autocannon) runs in its own process with keep-alive',
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
  const summary: SummaryRow[] = ls.results.flatMap((r) =>
    r.byConcurrency.map((c) => ({
      goal: `\`GET /api/enterprises${r.query.example}\` over ${n(ls.size)}, ${c.concurrency} client${c.concurrency > 1 ? 's' : ''}`,
      target: `p95 < ${GOAL_P95_MS} ms`,
      measured: `p95 ${fmtSpread(c.p95, 1, ' ms')}`,
      ok: c.p95.median < GOAL_P95_MS,
    })),
  );
  return { summary, lines: out };
}
