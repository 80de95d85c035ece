/** Options every driver honours the same way (Bull's semantics; the in-process runner imitates them). */
export interface JobOptions {
  /**
   * De-duplication: a job whose id is already queued, running or recently finished (completed, or failed for good:
   * Bull keeps those for days) is not added again. Adding again after a failure takes a new id.
   */
  jobId?: string;
  delayMs?: number;
  /** Total tries including the first. */
  attempts?: number;
  /** First retry delay; doubles on each further retry (exponential backoff). */
  backoffMs?: number;
}

export interface RepeatOptions {
  /**
   * Stable key: registering the same repeatable twice (several processes, restarts) keeps one schedule, and
   * registering it with another cron, time zone or interval replaces the old schedule.
   */
  key: string;
  cron?: string;
  /** The IANA time zone `cron` is read in (default: the server's). */
  tz?: string;
  everyMs?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}

export type JobProcessor = (name: string, data: Record<string, unknown>, context: JobContext) => Promise<unknown>;

export interface BulkJob {
  name: string;
  data: Record<string, unknown>;
  options?: JobOptions;
}

/** One job-queue interface, two drivers: Bull when REDIS_URL is set, an in-process runner otherwise. */
export interface JobQueue {
  add(name: string, data: Record<string, unknown>, options?: JobOptions): Promise<void>;
  /**
   * Adds several jobs in one round trip (Bull: one Redis MULTI), with `add`'s semantics for each. When it fails, any
   * of them may or may not have been added (callers add again; job ids make that a no-op).
   */
  addBulk?(jobs: BulkJob[]): Promise<void>;
  addRepeatable(name: string, data: Record<string, unknown>, options: RepeatOptions): Promise<void>;
  /** Starts consuming (worker role only). */
  process(processor: JobProcessor, concurrency: number): void;
  /** True when the backing store answers (Redis ping); the in-process runner always does. */
  isHealthy(): Promise<boolean>;
  /**
   * Calls `listener` each time the connection to the backing store is back after it was lost (Bull: Redis
   * reconnected, perhaps restarted without its data, so jobs it held may be gone). The in-process runner never loses it.
   */
  onReconnect?(listener: () => void): void;
  /**
   * True when the jobs live and run only inside this process (the in-process runner): at start nothing else can be
   * running a job, so a record left `running` was interrupted and is handed back (JobRecords.requeueStranded).
   */
  readonly livesInProcess?: boolean;
  /** Stops taking jobs and waits (bounded) for the ones running, so their writes land before the database closes. */
  close(): Promise<void>;
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;
