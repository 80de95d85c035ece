/**
 * Issue 8, item 2: `GET /api/enterprises/:id` next to a bare NestJS-on-Fastify endpoint returning a constant, started
 * the same way (bench/bare-app.ts), run after run with the same load generator and clients.
 */
import { spread } from '../common';
import type { BenchContext } from '../context';
import type { LoadResult } from '../load';
import { runLoad, ServiceProcess } from '../processes';
import { fmt, fmtSpread, lines, log, n, pass, Section, table } from '../report';

const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 20;

export async function byIdPhase(ctx: BenchContext, env: NodeJS.ProcessEnv): Promise<Section> {
  const { options } = ctx;
  const clients = options.clients;
  const ids = (
    await ctx.pool.query(
      'SELECT id FROM enterprises WHERE id IN (SELECT enterprise_id FROM enterprise_evaluations) ORDER BY md5(id) LIMIT 2000',
    )
  ).rows.map((r: { id: string }) => r.id as string);
  const paths = ids.map((id) => `/api/enterprises/${id}`);
  const sample = await ctx.api.request('GET', paths[0]);
  const bare = await ServiceProcess.start('bare', env);
  const appRuns: (LoadResult & { cpu: number })[] = [];
  const bareRuns: (LoadResult & { cpu: number })[] = [];
  try {
    for (let r = 0; r < options.runs; r++) {
      for (const [target, runs, token, scenarioPaths] of [
        [bare, bareRuns, '', ['/bare']],
        [ctx.api, appRuns, ctx.api.token, paths],
      ] as const) {
        await target.resetMemory();
        const load = await runLoad({
          port: target.port,
          token,
          concurrency: clients,
          durationMs: options.durationMs,
          maxRequests: 1_000_000,
          warmupMs: 1000,
          scenario: { kind: 'paths', paths: [...scenarioPaths] },
        });
        const memory = await target.memory();
        if (load.errors) throw new Error(`${target.role} had ${load.errors} errors, first: ${load.firstError}`);
        runs.push({ ...load, cpu: memory.cpuMs / (load.requests + load.warmupRequests) });
        log(
          `${target === bare ? 'bare endpoint' : 'GET /api/enterprises/:id'} run ${r + 1}: ${fmt(load.rps, 0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, CPU/request ${fmt(runs[runs.length - 1].cpu, 3)} ms`,
        );
      }
    }
  } finally {
    await bare.stop();
  }
  const app = spread(appRuns.map((x) => x.rps));
  const base = spread(bareRuns.map((x) => x.rps));
  const ratios = spread(appRuns.map((x, i) => x.rps / bareRuns[i].rps));
  const p99 = spread(appRuns.map((x) => x.p99));
  const ok = ratios.median >= GOAL_RATIO && p99.median < GOAL_P99_MS;
  const { out, p } = lines();
  p('## `GET /api/enterprises/:id` next to a bare NestJS endpoint (issue 8, item 2)');
  p();
  p(
    `${clients} autocannon connections; the app's requests rotate over ${n(ids.length)} graded enterprises (an admin token; the`,
  );
  p(
    `answer is the enterprise's registry view: identity, contact, tier, colour, score, gap count and version, about ${n(JSON.stringify(sample).length)} bytes of JSON). The`,
  );
  p(
    'bare endpoint is NestJS on Fastify with the same logger, request ids, security headers and shutdown hooks, one controller returning a',
  );
  p('small constant object, no guard, pipe or database. Runs alternate; each is measured after a 1 s warm-up.');
  p();
  p(
    ...table(
      ['run', 'bare req/s', 'app req/s', 'ratio', 'app p50', 'app p99', 'bare p99', 'CPU per request: app / bare'],
      appRuns.map((a, i) => [
        i + 1,
        fmt(bareRuns[i].rps, 0),
        fmt(a.rps, 0),
        fmt(a.rps / bareRuns[i].rps, 2),
        `${a.p50} ms`,
        `${a.p99} ms`,
        `${bareRuns[i].p99} ms`,
        `${fmt(a.cpu, 3)} / ${fmt(bareRuns[i].cpu, 3)} ms`,
      ]),
    ),
  );
  p();
  p(
    `- app ${fmtSpread(app, 0)} req/s, bare ${fmtSpread(base, 0)} req/s, ratio ${fmtSpread(ratios, 2)}; app p99 ${fmtSpread(p99, 1, ' ms')}. Goal ≥ ${GOAL_RATIO} and p99 < ${GOAL_P99_MS} ms: ${pass(ok)}`,
  );
  p();
  return {
    summary: [
      {
        goal: `\`GET /api/enterprises/:id\` vs bare NestJS-on-Fastify, ${clients} clients`,
        target: `≥ ${GOAL_RATIO}×, p99 < ${GOAL_P99_MS} ms`,
        measured: `${fmtSpread(ratios, 2)}× (${fmt(app.median, 0)} vs ${fmt(base.median, 0)} req/s), p99 ${fmt(p99.median, 1)} ms`,
        ok,
      },
    ],
    lines: out,
  };
}
