import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { JOB_QUEUE, JobQueue, RepeatOptions } from './job-queue';
import { JobRecords } from './job-records.service';
import { JobRegistry } from './job-registry.service';

export interface RepeatableJob extends RepeatOptions {
  name: string;
  data?: Record<string, unknown>;
}

const repeatables: RepeatableJob[] = [];

/** Feature modules declare scheduled jobs (the daily sweep, …); workers register them idempotently by key. */
export function declareRepeatableJob(job: RepeatableJob) {
  if (!repeatables.some((r) => r.key === job.key)) repeatables.push(job);
}

/**
 * What makes a process a worker: consuming the queue, relaying the outbox and keeping the schedules. The API-only
 * role (production with Redis) skips all of it; the embedded default does both in one process.
 */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('worker');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly registry: JobRegistry,
    private readonly relay: OutboxRelay,
    private readonly records: JobRecords,
  ) {}

  get isWorker() {
    return this.config.role !== 'api';
  }

  async onApplicationBootstrap() {
    if (!this.isWorker) return;
    const concurrency = this.config.workerConcurrency;
    this.queue.process((name, data, context) => this.registry.handle(name, data, context), concurrency);
    this.relay.start();
    for (const job of repeatables) {
      await this.queue
        .addRepeatable(job.name, job.data ?? {}, job)
        .catch((error) => this.logger.warn({ err: error, job: job.name }, 'could not register repeatable job yet'));
    }
    const requeue = (running: boolean) =>
      void this.records
        .requeueStranded(new Date(), { running })
        .then((n) => n && this.logger.warn({ jobs: n }, 'jobs the queue had lost were handed to it again'))
        .catch((error) => this.logger.warn({ err: error }, 'could not requeue stranded jobs yet'));
    requeue(!!this.queue.livesInProcess);
    this.queue.onReconnect?.(() => requeue(false));
    this.logger.log({ jobs: this.registry.names(), concurrency }, 'worker started');
  }

  /** Jobs still running finish before the database closes (TypeORM closes it on shutdown, after this). */
  async beforeApplicationShutdown() {
    await this.queue.close();
  }
}
