/**
 * Issue 8, item 1: application transitions over HTTP (SUBMIT, RETURN and ACCEPT on distinct applications, 32
 * clients, a caseworker's token) next to pgbench's TPC-B-like transactions on the same PostgreSQL server, run after
 * run in the same bench so both see the same machine.
 */
import { execFileSync } from 'node:child_process';
import { spread } from '../common';
import { BenchContext, drainOutbox } from '../context';
import { TRANSITION_CYCLE, type LoadResult } from '../load';
import { runLoad } from '../processes';
import { fmt, fmtSpread, lines, log, n, pass, Section, table } from '../report';

const GOAL_RATIO = 0.6;
export const CASEWORKER = { username: 'bench-caseworker', password: 'Bench-Caseworker-2026!' };

/**
 * Applications in `draft`, one per enterprise and tier as the service allows: tech SME for graded startups the
 * grading found eligible (red), high-tech for those meeting every high-tech condition (blue), so every SUBMIT passes
 * its checks. Two are created through the API; the rest are copies of those rows (same initial snapshot) for other
 * enterprises, written with SQL because creating tens of thousands through the API would take longer than the run.
 */
async function seedApplications(ctx: BenchContext, token: string, wanted: number): Promise<string[]> {
  const { pool, api } = ctx;
  const pick = async (colour: string, states: string[], limit: number) =>
    (
      await pool.query(
        `SELECT e.id FROM enterprises e JOIN enterprise_evaluations v ON v.enterprise_id = e.id
         WHERE e.colour = $1 AND e.state = ANY($2) ORDER BY e.id LIMIT $3`,
        [colour, states, limit],
      )
    ).rows.map((r: { id: string }) => r.id);
  const red = await pick('red', ['startup'], wanted);
  const blue = await pick('blue', ['startup', 'tech_sme'], wanted);
  if (!red.length || !blue.length) throw new Error('no red or blue graded enterprises to apply for');
  const templates: Record<string, string> = {};
  for (const [tier, enterpriseId] of [
    ['tech_sme', red[0]],
    ['high_tech', blue[0]],
  ]) {
    const created = await api.request('POST', '/api/applications', { enterpriseId, targetTier: tier }, true, token);
    templates[tier] = String(created.id);
  }
  const columns = (
    await pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'applications' AND table_schema = current_schema() ORDER BY ordinal_position`,
    )
  ).rows.map((r: { column_name: string }) => r.column_name as string);
  const select = columns.map((c) =>
    c === 'id' ? 'gen_random_uuid()::varchar' : c === 'enterprise_id' ? 'x.eid' : `t.${c}`,
  );
  const clone = async (tier: string, ids: string[]) =>
    pool.query(
      `INSERT INTO applications (${columns.join(', ')})
       SELECT ${select.join(', ')} FROM applications t CROSS JOIN unnest($2::varchar[]) AS x(eid) WHERE t.id = $1`,
      [templates[tier], ids],
    );
  const share = Math.ceil(wanted / 2);
  const blueIds = blue.slice(1, 1 + Math.min(share, blue.length - 1));
  const redIds = red.slice(1, 1 + Math.max(0, wanted - 2 - blueIds.length));
  await clone('tech_sme', redIds);
  await clone('high_tech', blueIds);
  await pool.query('VACUUM (ANALYZE) applications');
  const ids = (await pool.query(`SELECT id FROM applications WHERE state = 'draft' ORDER BY id`)).rows.map(
    (r: { id: string }) => r.id as string,
  );
  log(`applications in draft: ${n(ids.length)} (tech SME ${n(redIds.length + 1)}, high-tech ${n(blueIds.length + 1)})`);
  return ids;
}

function pgbench(args: string[], database: string): string {
  return execFileSync('pgbench', ['-h', '127.0.0.1', '-U', 'postgres', ...args, database], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The first run warms up longer: the transition path is the process's first heavy work, and with a 1 s warm-up the
 * first run spent twice the API CPU per transition of the later ones (the JIT still compiling).
 */
const FIRST_WARMUP_MS = 5000;

export async function transitionsPhase(ctx: BenchContext): Promise<Section> {
  const { options, admin, database } = ctx;
  const clients = options.clients;
  const seconds = options.durationMs / 1000;
  await ctx.api.request('POST', '/api/users', { ...CASEWORKER, role: 'caseworker', displayName: 'Bench caseworker' });
  const token = await ctx.api.login(CASEWORKER.username, CASEWORKER.password);
  // Enough applications for the runs at up to 3,000 transitions/s (six transitions each), warm-ups included.
  const warmups = FIRST_WARMUP_MS / 1000 + options.runs - 1;
  const wanted = Math.ceil((3000 * (seconds * options.runs + warmups)) / TRANSITION_CYCLE.length);
  const pool = await seedApplications(ctx, token, wanted);

  const pgbenchDb = `${database}_pgbench`;
  await admin.query(`DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${pgbenchDb}`);
  const t0 = performance.now();
  // One branch per client (scale = clients), so the clients do not queue on a single branch row.
  pgbench(['-i', '-q', '-s', String(clients)], pgbenchDb);
  log(`pgbench -i -s ${clients}: ${fmt((performance.now() - t0) / 1000)} s`);

  const tps: number[] = [];
  const http: (LoadResult & { apiCpu: number; workerCpu: number; pgCpu: number })[] = [];
  let used = 0;
  try {
    for (let r = 0; r < options.runs; r++) {
      const out = pgbench(['-c', String(clients), '-j', '2', '-T', String(Math.round(seconds))], pgbenchDb);
      const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
      if (!m) throw new Error(`could not read pgbench's rate from:\n${out}`);
      tps.push(Number(m[1]));
      log(`pgbench run ${r + 1}: ${fmt(Number(m[1]), 0)} tps`);

      await Promise.all([ctx.api.resetMemory(), ctx.worker.resetMemory(), ctx.pgCpu.start()]);
      const load = await runLoad({
        port: ctx.api.port,
        token,
        concurrency: clients,
        durationMs: options.durationMs,
        maxRequests: 1_000_000,
        warmupMs: r === 0 ? FIRST_WARMUP_MS : 1000,
        scenario: { kind: 'transitions', applicationIds: pool.slice(used) },
      });
      const [api, worker, pgCpu] = await Promise.all([ctx.api.memory(), ctx.worker.memory(), ctx.pgCpu.stop()]);
      const sent = load.requests + load.warmupRequests;
      used += Math.ceil(sent / TRANSITION_CYCLE.length) + clients * 2;
      if (load.errors)
        throw new Error(
          `transitions had ${load.errors} errors (${JSON.stringify(load.statuses)}), first: ${load.firstError}`,
        );
      if (load.exhausted) log('WARNING: the transitions ran out of applications before the time was over');
      http.push({ ...load, apiCpu: api.cpuMs / sent, workerCpu: worker.cpuMs / sent, pgCpu: pgCpu / sent });
      log(
        `transitions run ${r + 1}: ${fmt(load.rps, 0)}/s, p50 ${load.p50} ms, p99 ${load.p99} ms; CPU per transition: API ${fmt(api.cpuMs / sent, 2)} ms, worker ${fmt(worker.cpuMs / sent, 2)} ms, PostgreSQL ${fmt(pgCpu / sent, 2)} ms`,
      );
      await drainOutbox(ctx.pool);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`).catch(() => undefined);
  }

  const rate = spread(http.map((h) => h.rps));
  const bench = spread(tps);
  const ratios = spread(http.map((h, i) => h.rps / tps[i]));
  const ok = ratios.median >= GOAL_RATIO;
  const { out, p } = lines();
  p('## Application transitions over HTTP next to pgbench (issue 8, item 1)');
  p();
  p(
    `${clients} autocannon connections (bench/load.ts, its own process) send \`POST /api/applications/:id/events\` with a`,
  );
  p(
    "caseworker's token; each connection walks its own applications through SUBMIT → RETURN → SUBMIT → RETURN → SUBMIT →",
  );
  p(
    'ACCEPT (half SUBMIT, a third RETURN, a sixth ACCEPT) and then takes the next unused one, so no two requests race for',
  );
  p(
    'an application. SUBMIT evaluates the enterprise from its indicators and pins the rule set; tech SME applications are',
  );
  p(
    'for enterprises graded red, high-tech ones for blue, so every SUBMIT passes. Each transition is the full production',
  );
  p('path: JWT, validation, policy (separation of duties), the machine, the version-checked write with its audit and');
  p('outbox rows, deadlines, notifications; the worker relays the outbox rows meanwhile (its CPU is in the');
  p(
    `table). pgbench runs the TPC-B-like script (\`pgbench -c ${clients} -j 2 -T ${Math.round(seconds)}\`, scale ${clients}) on a database of`,
  );
  p(
    `its own on the same server, alternating with the HTTP runs; ${options.durationMs / 1000} s each after a 1 s warm-up.`,
  );
  p();
  p(
    ...table(
      [
        'run',
        'pgbench tps',
        'transitions/s',
        'ratio',
        'p50',
        'p99',
        'CPU per transition: API / worker / PostgreSQL',
        'events sent',
      ],
      http.map((h, i) => [
        i + 1,
        fmt(tps[i], 0),
        fmt(h.rps, 0),
        fmt(h.rps / tps[i], 2),
        `${h.p50} ms`,
        `${h.p99} ms`,
        `${fmt(h.apiCpu, 2)} / ${fmt(h.workerCpu, 2)} / ${fmt(h.pgCpu, 2)} ms`,
        Object.entries(h.events ?? {})
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', '),
      ]),
    ),
  );
  p();
  p(
    `- transitions/s ${fmtSpread(rate, 0)}; pgbench ${fmtSpread(bench, 0)} tps; ratio ${fmtSpread(ratios, 2)}. Goal ≥ ${GOAL_RATIO}: ${pass(ok)}`,
  );
  p();
  return {
    summary: [
      {
        goal: `application transitions over HTTP, ${clients} clients, vs pgbench TPC-B`,
        target: `≥ ${GOAL_RATIO}× pgbench`,
        measured: `${fmtSpread(ratios, 2)}× (${fmt(rate.median, 0)}/s vs ${fmt(bench.median, 0)} tps)`,
        ok,
      },
    ],
    lines: out,
  };
}
