import { Logger } from '@nestjs/common';
import { parseExpression } from 'cron-parser';
import { randomUUID } from 'node:crypto';
import {
  BulkJob,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  JobOptions,
  JobProcessor,
  JobQueue,
  RepeatOptions,
} from './job-queue';

/** The longest delay setTimeout honours (2^31 − 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface PendingJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempt: number;
  attempts: number;
  backoffMs: number;
}

/** How many finished job ids are remembered for de-duplication (Bull keeps completed jobs similarly). */
const REMEMBERED_IDS = 10_000;
/** How long close() waits for running jobs: a shutdown must end even if a job hangs (its record is requeued at start). */
const CLOSE_WAIT_MS = 30_000;

/**
 * The embedded default's job runner: same semantics as the Bull driver (named jobs, retries with exponential
 * backoff, delays, de-duplication by job id, repeatable jobs) inside this process. Jobs live in memory, so anything
 * that must survive a crash is written to the outbox first; the relay re-delivers what never completed.
 */
export class InProcessJobQueue implements JobQueue {
  readonly livesInProcess = true;
  private readonly logger = new Logger('jobs');
  private processor: JobProcessor | null = null;
  private concurrency = 1;
  private running = 0;
  private readonly ready: PendingJob[] = [];
  private readonly known = new Set<string>();
  private readonly finished: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Each schedule's next timer, with what the schedule was registered as. */
  private readonly repeatables = new Map<string, { timer: NodeJS.Timeout; schedule: string }>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  async add(name: string, data: Record<string, unknown>, options: JobOptions = {}): Promise<void> {
    const id = options.jobId ?? randomUUID();
    if (this.known.has(id) || this.closed) return;
    this.known.add(id);
    const job: PendingJob = {
      id,
      name,
      data,
      attempt: 0,
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    };
    this.schedule(job, options.delayMs ?? 0);
  }

  async addBulk(jobs: BulkJob[]): Promise<void> {
    for (const job of jobs) await this.add(job.name, job.data, job.options);
  }

  async addRepeatable(name: string, data: Record<string, unknown>, options: RepeatOptions): Promise<void> {
    const schedule = JSON.stringify([name, options.cron, options.tz, options.everyMs]);
    const current = this.repeatables.get(options.key);
    if (current?.schedule === schedule || this.closed) return;
    if (current) clearTimeout(current.timer);
    const next = () => {
      const delay = options.cron
        ? parseExpression(options.cron, options.tz ? { tz: options.tz } : {})
            .next()
            .getTime() - Date.now()
        : (options.everyMs ?? 60_000);
      // setTimeout runs anything longer than about 24.8 days after 1 ms: a far run is reached in steps instead.
      const due = delay <= MAX_TIMER_MS;
      const timer = setTimeout(
        () => {
          if (due) void this.add(name, data, { jobId: `${options.key}:${Date.now()}` });
          next();
        },
        Math.min(Math.max(delay, 0), MAX_TIMER_MS),
      );
      timer.unref();
      this.repeatables.set(options.key, { timer, schedule });
    };
    next();
  }

  process(processor: JobProcessor, concurrency: number) {
    this.processor = processor;
    this.concurrency = concurrency;
    this.drain();
  }

  async isHealthy() {
    return !this.closed;
  }

  /** Resolves once nothing is queued or running (tests use it to wait for side effects). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more jobs (queued and delayed ones are dropped: what must survive is in the outbox or a job record) and
   * waits for the running ones, at most CLOSE_WAIT_MS, so that they finish before the database closes.
   */
  async close(waitMs = CLOSE_WAIT_MS) {
    this.closed = true;
    for (const timer of [...this.timers, ...[...this.repeatables.values()].map((r) => r.timer)]) clearTimeout(timer);
    this.timers.clear();
    this.repeatables.clear();
    this.ready.length = 0;
    if (this.running === 0) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.whenIdle(),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitMs))),
    ]).finally(() => clearTimeout(timeout));
  }

  private isIdle() {
    return this.ready.length === 0 && this.running === 0 && this.timers.size === 0;
  }

  private schedule(job: PendingJob, delayMs: number) {
    if (delayMs <= 0) {
      this.ready.push(job);
      queueMicrotask(() => this.drain());
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ready.push(job);
      this.drain();
    }, delayMs);
    this.timers.add(timer);
  }

  private drain() {
    while (this.processor && !this.closed && this.running < this.concurrency && this.ready.length) {
      const job = this.ready.shift()!;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.drain();
        if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  private async run(job: PendingJob) {
    job.attempt++;
    try {
      await this.processor!(job.name, job.data, { jobId: job.id, attempt: job.attempt });
      this.remember(job.id);
    } catch (error) {
      if (job.attempt < job.attempts && !this.closed) {
        const delay = job.backoffMs * 2 ** (job.attempt - 1);
        this.logger.warn({ job: job.name, jobId: job.id, attempt: job.attempt, err: error }, 'job failed, retrying');
        this.schedule(job, delay);
      } else {
        this.logger.error({ job: job.name, jobId: job.id, attempt: job.attempt, err: error }, 'job failed for good');
        this.remember(job.id);
      }
    }
  }

  private remember(id: string) {
    this.finished.push(id);
    if (this.finished.length > REMEMBERED_IDS) this.known.delete(this.finished.shift()!);
  }
}
