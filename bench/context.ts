/** What every phase of the bench gets: the options, the database, the processes under test, and shared steps. */
import type { Client, Pool } from 'pg';
import { sleep } from './common';
import { insertCertifications, insertEnterprises } from './data';
import type { PgCpu } from './machine';
import type { Options } from './options';
import type { ServiceProcess } from './processes';
import { fmt, log, n } from './report';

export interface BenchContext {
  options: Options;
  /** The bench database. */
  pool: Pool;
  /** The maintenance database of the same server (to create and drop databases). */
  admin: Client;
  adminUrl: string;
  database: string;
  api: ServiceProcess;
  worker: ServiceProcess;
  pgCpu: PgCpu;
  /** Records the machine's load at the start of a phase. */
  /** Starts a measured phase: waits for a quiet machine, then records its load. */
  phase(name: string): Promise<void>;
  loadSeconds: Record<string, number>;
  /** Enterprises [0, loaded) are in the database, each with three years of indicators. */
  loaded: number;
  /** Enterprises [0, graded) have been graded by the app (the rest carry generated colours). */
  graded: number;
}

export async function vacuumAnalyze(pool: Pool, tables: string[]) {
  for (const t of tables) await pool.query(`VACUUM (ANALYZE) ${t}`);
}

/**
 * Loads enterprises up to `to`, each with three years of indicators. Rows beyond the ones the app grades carry
 * generated colours, as if graded, so the registry has every colour without regrading a million rows.
 */
export async function loadEnterprises(ctx: BenchContext, to: number, generatedColours: boolean) {
  if (to <= ctx.loaded) return;
  const t0 = performance.now();
  await insertEnterprises(ctx.pool, ctx.loaded, to, true, generatedColours);
  await insertCertifications(ctx.pool, ctx.loaded, to);
  await vacuumAnalyze(ctx.pool, ['enterprises', 'annual_indicators', 'enterprise_evaluations', 'certifications']);
  const seconds = (performance.now() - t0) / 1000;
  ctx.loadSeconds[`${n(to - ctx.loaded)} enterprises + ${n(3 * (to - ctx.loaded))} indicator rows + certificates`] =
    seconds;
  log(`loaded enterprises ${n(ctx.loaded)}..${n(to)} with 3 years of indicators in ${fmt(seconds)} s`);
  ctx.loaded = to;
}

/** Waits until the worker has processed every outbox row, so one phase's side effects do not run in the next. */
export async function drainOutbox(pool: Pool, timeoutMs = 300_000) {
  const t0 = performance.now();
  for (;;) {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE processed_at IS NULL');
    if (rows[0].n === 0) return;
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`${rows[0].n} outbox rows still pending after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

export interface FinishedJob {
  job: Record<string, any>;
  /** From sending the request to the first poll that saw the job finished. */
  seconds: number;
}

/** Polls `GET /api/jobs/:id` every 50 ms until the job completes (a failed job throws). */
export async function waitForJob(api: ServiceProcess, jobId: string, startedAt: number): Promise<FinishedJob> {
  for (;;) {
    await sleep(50);
    const job = await api.request('GET', `/api/jobs/${jobId}`);
    if (job.status === 'failed') throw new Error(`job ${jobId} failed: ${job.error}`);
    if (job.status === 'completed') return { job, seconds: (performance.now() - startedAt) / 1000 };
    if (performance.now() - startedAt > 1_800_000) throw new Error(`job ${jobId} did not finish within 30 minutes`);
  }
}

/** Runs `sql` `times` times (after 3 unmeasured ones) and returns the milliseconds of each. */
export async function timeSql(pool: Pool | Client, sql: string, params: unknown[] = [], times = 30): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times + 3; i++) {
    const t0 = performance.now();
    await pool.query(sql, params);
    if (i >= 3) ms.push(performance.now() - t0);
  }
  return ms;
}

export async function explain(pool: Pool, sql: string, params: unknown[] = []): Promise<string> {
  return (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows
    .map((r: Record<string, string>) => r['QUERY PLAN'])
    .join('\n');
}
