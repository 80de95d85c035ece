import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { JOB_QUEUE, JobQueue } from '../jobs/job-queue';
import { JOB_NAMES } from '../jobs/job-names';
import { OutboxDispatcher } from './outbox-dispatcher.service';
import { OutboxEventEntity } from './outbox-event.entity';

const BATCH = 500;
/** An enqueued event not processed after this long is handed to the queue again (its job was lost with a crash). */
const REDELIVER_AFTER_MS = 5 * 60_000;

/**
 * The job id of an event's delivery. The outbox id, the first time and when the queue came back after an outage
 * (Redis may still hold the job: the same id adds nothing, and a Redis that lost it takes it again). A row still not
 * processed `REDELIVER_AFTER_MS` after it was handed over gets an id naming that delivery (its `enqueued_at`): its job
 * may have failed for good, and a failed job keeps its id in the queue for days (Bull), so the same id would be ignored
 * and the event never run. Relays redelivering the same round agree on one id; the dispatcher's claim keeps a second
 * job from a second effect in any case.
 */
export function dispatchJobId(row: Pick<OutboxEventEntity, 'id' | 'enqueuedAt'>, lostBefore: Date): string {
  return row.enqueuedAt && new Date(row.enqueuedAt) < lostBefore
    ? `${row.id}:redelivery:${new Date(row.enqueuedAt).getTime()}`
    : row.id;
}

/**
 * Moves committed outbox rows to the job queue (job ids: `dispatchJobId`, so a second relay of the same row is a
 * no-op). When the queue is unreachable the rows simply stay pending and the next round tries again: nothing is lost.
 */
@Injectable()
export class OutboxRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger('outbox');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private active = false;
  private lastFailure = '';
  private lastRoundFailure = '';
  /**
   * When the queue connection came back last: Redis may have restarted empty, so rows enqueued before then and still
   * not processed are handed over again at once (under the outbox id: a job Redis still holds is not added twice).
   */
  private reconnectedAt: Date | null = null;
  private watchingReconnects = false;

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  start() {
    this.active = true;
    this.timer = setInterval(() => this.nudge(), this.config.outboxPollMs);
    this.timer.unref();
    if (!this.watchingReconnects) {
      this.watchingReconnects = true;
      this.queue.onReconnect?.(() => {
        this.reconnectedAt = new Date();
        this.nudge();
      });
    }
    this.nudge();
  }

  /** Relays soon (right after a commit that wrote outbox rows), without piling up concurrent rounds. */
  nudge() {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relayOnce()
      .then((n) => {
        this.lastRoundFailure = '';
        return n;
      })
      .catch((error) => {
        // A database that is away fails every round (twice a second): said once until a round succeeds again.
        const message = (error as Error).message;
        if (message !== this.lastRoundFailure) this.logger.warn({ err: error }, 'outbox relay round failed');
        this.lastRoundFailure = message;
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** One round: returns how many rows were handed to the queue. */
  async relayOnce(): Promise<number> {
    const lostBefore = new Date(Date.now() - REDELIVER_AFTER_MS);
    const redeliverBefore = this.reconnectedAt && this.reconnectedAt > lostBefore ? this.reconnectedAt : lostBefore;
    const rows = await this.dataSource
      .getRepository(OutboxEventEntity)
      .createQueryBuilder('o')
      .select(['o.id', 'o.topic', 'o.enqueuedAt'])
      .where('o.processed_at IS NULL')
      .andWhere(
        new Brackets((q) =>
          q.where('o.enqueued_at IS NULL').orWhere('o.enqueued_at < :before', { before: redeliverBefore }),
        ),
      )
      .orderBy('o.created_at', 'ASC')
      .limit(BATCH)
      .getMany();
    // An event of a topic nobody subscribes to has nothing to run: it is marked processed here instead of costing a
    // job and a worker transaction (the dispatcher would only mark it).
    const subscribed = new Set(this.dispatcher.topics());
    const due = rows.filter((r) => subscribed.has(r.topic));
    const idle = rows.filter((r) => !subscribed.has(r.topic)).map((r) => r.id);
    const enqueued = await this.enqueue(due, lostBefore);
    await this.mark(enqueued, idle);
    if (rows.length === BATCH && enqueued.length === due.length) this.again = true;
    return enqueued.length;
  }

  /** Hands the rows to the queue in one round trip when the driver can; returns the ids it took. */
  private async enqueue(
    rows: Pick<OutboxEventEntity, 'id' | 'topic' | 'enqueuedAt'>[],
    lostBefore: Date,
  ): Promise<string[]> {
    const jobs = rows.map((row) => ({
      name: JOB_NAMES.outboxDispatch,
      data: { outboxId: row.id, topic: row.topic },
      options: { jobId: dispatchJobId(row, lostBefore) },
    }));
    const enqueued: string[] = [];
    try {
      if (this.queue.addBulk && jobs.length) {
        await this.queue.addBulk(jobs);
        enqueued.push(...rows.map((r) => r.id));
      } else
        for (const [i, job] of jobs.entries()) {
          await this.queue.add(job.name, job.data, job.options);
          enqueued.push(rows[i].id);
        }
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastFailure) this.logger.warn({ err: error }, 'queue unreachable; outbox rows stay pending');
      this.lastFailure = message;
    }
    if (enqueued.length) this.lastFailure = '';
    return enqueued;
  }

  /** One UPDATE per round: enqueued rows get `enqueued_at`; idle ones are processed as the dispatcher would mark them. */
  private async mark(enqueued: string[], idle: string[]) {
    if (!enqueued.length && !idle.length) return;
    const now = new Date();
    const update = (manager: EntityManager) =>
      manager
        .createQueryBuilder()
        .update(OutboxEventEntity)
        .set({
          enqueuedAt: now,
          ...(idle.length
            ? {
                processedAt: () => 'CASE WHEN id IN (:...idle) THEN :now ELSE processed_at END',
                attempts: () => 'CASE WHEN id IN (:...idle) THEN attempts + 1 ELSE attempts END',
              }
            : {}),
        })
        .where('id IN (:...ids) AND processed_at IS NULL', { ids: [...enqueued, ...idle], idle, now })
        .execute();
    await this.tx.readThenWrite(update);
  }

  /** Rows not yet processed: what the queue still owes (tests and /health use it). */
  pendingCount(): Promise<number> {
    return this.dataSource.getRepository(OutboxEventEntity).count({ where: { processedAt: IsNull() } });
  }

  /** Stops relaying (shutdown; tests use it to hold events back). */
  async stop() {
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Before, not on, shutdown: the round in flight needs the database, which TypeORM closes in its own on-shutdown hook. */
  beforeApplicationShutdown() {
    return this.stop();
  }
}
