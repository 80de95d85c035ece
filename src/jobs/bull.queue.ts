import type { Queue } from 'bull';
import {
  BulkJob,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  JobOptions,
  JobProcessor,
  JobQueue,
  RepeatOptions,
} from './job-queue';

/** Adding to a Redis that is down must fail fast: the outbox row stays pending and the relay tries again later. */
const ADD_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms (Redis unreachable?)`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Production driver: one Bull queue, jobs told apart by name, consumed by `npm run start:worker` processes. */
export class BullJobQueue implements JobQueue {
  constructor(private readonly queue: Queue) {}

  async add(name: string, data: Record<string, unknown>, options: JobOptions = {}): Promise<void> {
    await withTimeout(this.queue.add(name, data, bullOptions(options)), ADD_TIMEOUT_MS, `queue.add(${name})`);
  }

  async addBulk(jobs: BulkJob[]): Promise<void> {
    if (!jobs.length) return;
    const added = await withTimeout(
      this.queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: bullOptions(j.options) }))),
      ADD_TIMEOUT_MS,
      `queue.addBulk(${jobs.length} jobs)`,
    );
    // Bull does not look at the MULTI's per-command replies: a job without an id was not added.
    if (added.some((job) => !job.id)) throw new Error('queue.addBulk: Redis refused some of the jobs');
  }

  async addRepeatable(name: string, data: Record<string, unknown>, options: RepeatOptions): Promise<void> {
    const repeat = options.cron
      ? { cron: options.cron, ...(options.tz ? { tz: options.tz } : {}) }
      : { every: options.everyMs ?? 60_000 };
    await withTimeout(
      this.queue.add(name, data, {
        jobId: options.key,
        repeat,
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      }),
      ADD_TIMEOUT_MS,
      `queue.addRepeatable(${name})`,
    );
    // Bull keys a schedule by its cron, time zone or interval too: one registered before under this key with another
    // would keep firing beside the new one. (During a rolling deploy the last process to start wins.)
    const wanted = {
      name,
      cron: options.cron ?? null,
      tz: (options.cron && options.tz) || null,
      every: options.cron ? null : (options.everyMs ?? 60_000),
    };
    const registered = await withTimeout(this.queue.getRepeatableJobs(), ADD_TIMEOUT_MS, 'queue.getRepeatableJobs');
    const stale = registered.filter(
      (job) =>
        job.id === options.key &&
        !(job.name === wanted.name && job.cron === wanted.cron && job.tz === wanted.tz && job.every === wanted.every),
    );
    for (const job of stale)
      await withTimeout(this.queue.removeRepeatableByKey(job.key), ADD_TIMEOUT_MS, 'queue.removeRepeatableByKey');
  }

  process(processor: JobProcessor, concurrency: number) {
    void this.queue.process('*', concurrency, (job) =>
      processor(job.name, job.data as Record<string, unknown>, {
        jobId: String(job.id),
        attempt: job.attemptsMade + 1,
      }),
    );
  }

  onReconnect(listener: () => void) {
    const client = this.queue.client;
    let lost = false;
    client.on('close', () => (lost = true));
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      listener();
    });
  }

  async isHealthy() {
    try {
      const client = this.queue.client;
      return (await withTimeout(client.ping(), 1000, 'ping')) === 'PONG';
    } catch {
      return false;
    }
  }

  async close() {
    await this.queue.close();
  }
}

function bullOptions(options: JobOptions = {}) {
  return {
    jobId: options.jobId,
    delay: options.delayMs,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
    // Completed ids are kept a day so a re-relayed outbox row finds its job and is not added twice.
    removeOnComplete: { age: 86_400, count: 100_000 },
    removeOnFail: { age: 7 * 86_400 },
  };
}
