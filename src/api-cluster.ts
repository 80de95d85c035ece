import cluster from 'node:cluster';
import { createPino } from './common/pino-logger';
import type { AppConfig } from './config/app-config';
import { applyMigrations } from './database/migrate';

/** A process that died is forked again after this long, so a crash loop does not spin the CPU. */
const RESTART_DELAY_MS = 1000;
/** After SIGTERM, API processes still running after this long (a hung shutdown hook) are killed. */
const STOP_GRACE_MS = 30_000;
/**
 * Processes in a row that died before they ever listened (a port taken, a configuration the database refuses): the
 * primary gives up with a failure exit, for the supervisor to see, instead of forking them again for ever.
 */
const MAX_FAILED_STARTS = 5;

export interface ApiPrimary {
  /** What SIGTERM and SIGINT do: every API process is asked to stop (and killed after the grace period). */
  stop(): void;
  /** Settles once a stop was asked for and every API process has exited. */
  stopped: Promise<void>;
}

/**
 * The primary of an API started with API_PROCESSES > 1: it migrates the database once (so the HTTP processes do not
 * race for the migration table), then forks that many HTTP processes, which share the listening port through Node's
 * cluster (the primary accepts and hands connections out in turn) and run exactly what a single API process runs.
 * One Node process uses one core for JavaScript; on a machine with several, one process per core serves more
 * requests (`npm run bench`, BENCHMARKS.md). Processes that die are forked again; SIGTERM or SIGINT stops them all,
 * each finishing through its own shutdown hooks, and the primary exits when the last has.
 *
 * Everything an API process keeps in memory is either per request or a cache that is safe per process (verified
 * tokens, prepared statements); state that must be shared lives in PostgreSQL and Redis, which is what allows this.
 */
export async function runApiPrimary(config: AppConfig): Promise<ApiPrimary> {
  const logger = createPino(config.logLevel);
  const applied = await applyMigrations(config.database);
  logger.info({ applied, processes: config.apiProcesses }, 'database migrated; starting the API processes');
  let stopping = false;
  let allStopped!: () => void;
  const stopped = new Promise<void>((done) => (allStopped = done));
  const running = () => Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
  const listened = new Set<number>();
  let failedStarts = 0;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (!running().length) allStopped();
      return;
    }
    failedStarts = listened.has(worker.id) ? 0 : failedStarts + 1;
    if (failedStarts >= MAX_FAILED_STARTS) {
      logger.fatal({ failedStarts }, 'API processes keep dying before they listen; giving up');
      stop();
      process.exitCode = 1;
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'an API process died; starting another');
    // Not unref'd: with every API process dead, this timer is what keeps the primary alive to fork the next one.
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, RESTART_DELAY_MS);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (!running().length) allStopped();
    for (const worker of running()) worker!.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of running()) {
        logger.error({ pid: worker!.process.pid }, 'an API process did not stop in time; killing it');
        worker!.process.kill('SIGKILL');
      }
    }, STOP_GRACE_MS).unref();
  };
  // Until a process listens, the primary hands it no connections; the line tells when a replacement serves again.
  cluster.on('listening', (worker) => {
    listened.add(worker.id);
    logger.info({ pid: worker.process.pid }, 'an API process is listening');
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (let i = 0; i < config.apiProcesses; i++) cluster.fork();
  return { stop, stopped };
}
