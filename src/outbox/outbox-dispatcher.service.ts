import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { discoverMethods } from '../common/discover-methods';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JOB_NAMES } from '../jobs/job-names';
import { hydrate } from '../database/entity-rows';
import { OutboxEventEntity } from './outbox-event.entity';
import { OUTBOX_SUBSCRIBER, OutboxSubscriber } from './outbox-subscriber.decorator';

/** Now, as the driver stores a timestamp column (the raw statements below bypass TypeORM's own conversion). */
function persistedNow(manager: EntityManager): unknown {
  const meta = manager.dataSource.getMetadata(OutboxEventEntity);
  return manager.dataSource.driver.preparePersistentValue(new Date(), meta.findColumnWithPropertyName('processedAt')!);
}

interface NamedSubscriber {
  /** `Class.method`, the key of its delivery rows. */
  name: string;
  run: OutboxSubscriber;
}

/**
 * Runs the subscribers of one outbox event, each effect committed with a mark that it happened, so a redelivered job
 * has no second effect. A topic with one subscriber: its effect and the event's `processed_at` commit in one
 * transaction. A topic with several: each runs in its own transaction with its delivery row (`outbox_deliveries`), so
 * one that fails does not hold back the others, and the retry runs only those still owed; the event is marked
 * processed once all have run. Events of a topic without subscribers never get here: the relay marks them (`topics()`).
 */
@Injectable()
export class OutboxDispatcher implements OnModuleInit {
  private readonly logger = new Logger('outbox');
  private readonly subscribers = new Map<string, NamedSubscriber[]>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    const found = discoverMethods<string[]>(this.discovery, this.scanner, this.reflector, OUTBOX_SUBSCRIBER);
    for (const { key: topics, method, name } of found)
      for (const topic of topics)
        this.subscribers.set(topic, [
          ...(this.subscribers.get(topic) ?? []),
          { name, run: method as OutboxSubscriber },
        ]);
  }

  topics() {
    return [...this.subscribers.keys()].sort();
  }

  /** `topic` rides in the job (the relay adds it) so a one-subscriber event needs no read before its claim. */
  @JobHandler(JOB_NAMES.outboxDispatch)
  async dispatch(data: Record<string, unknown>) {
    const id = String(data.outboxId);
    try {
      const topic = typeof data.topic === 'string' ? data.topic : await this.topicOf(id);
      if (topic === null) return; // no such event
      const subscribers = this.subscribers.get(topic) ?? [];
      // Only a relay that knows a subscriber enqueues an event (it marks the others itself): this process is of an
      // older release than that relay's (a rolling upgrade). Leave the event unclaimed for a worker that has one.
      if (!subscribers.length) throw new Error(`No subscriber of ${topic} in this process: left for a newer worker`);
      if (subscribers.length > 1) await this.dispatchEach(id, subscribers);
      else
        await this.tx.run(async (manager) => {
          const event = await this.claim(manager, id);
          if (event) for (const subscriber of subscribers) await subscriber.run(event, manager);
        });
    } catch (error) {
      await this.tx
        .run((m) =>
          m
            .increment(OutboxEventEntity, { id }, 'attempts', 1)
            .then(() =>
              m.update(OutboxEventEntity, { id }, { lastError: String((error as Error).message).slice(0, 2000) }),
            ),
        )
        .catch(() => undefined);
      this.logger.warn({ err: error, outboxId: id }, 'outbox subscriber failed; the queue retries');
      throw error;
    }
  }

  /** Each subscriber still owed, in its own transaction; the first failure is rethrown after all have had their turn. */
  private async dispatchEach(id: string, subscribers: NamedSubscriber[]) {
    const event = await this.tx.readThenWrite((m) => m.findOne(OutboxEventEntity, { where: { id } }));
    if (!event || event.processedAt) return;
    let failure: unknown = null;
    for (const subscriber of subscribers) {
      try {
        await this.tx.run(async (manager) => {
          if (await this.claimDelivery(manager, id, subscriber.name)) await subscriber.run(event, manager);
        });
      } catch (error) {
        this.logger.warn({ err: error, outboxId: id, subscriber: subscriber.name }, 'outbox subscriber failed');
        failure ??= error;
      }
    }
    if (failure) throw failure;
    await this.tx.run((manager) => this.claim(manager, id));
  }

  private async topicOf(id: string): Promise<string | null> {
    const row = await this.tx.readThenWrite((m) =>
      m.findOne(OutboxEventEntity, { where: { id }, select: { id: true, topic: true } }),
    );
    return row?.topic ?? null;
  }

  /**
   * Marks the event processed first, in one statement that also reads it: the row lock holds a second delivery off
   * until this transaction ends (it then finds the mark and skips), and a failing subscriber rolls the mark back with
   * its effects. Null when there is no such event or it was processed already.
   */
  private async claim(manager: EntityManager, id: string): Promise<OutboxEventEntity | null> {
    const meta = manager.dataSource.getMetadata(OutboxEventEntity);
    const now = persistedNow(manager);
    const pg = this.tx.isPostgres;
    const update =
      `UPDATE outbox_events SET processed_at = ${pg ? '$1' : '?'}, attempts = attempts + 1 ` +
      `WHERE id = ${pg ? '$2' : '?'} AND processed_at IS NULL RETURNING *`;
    // TypeORM answers a PostgreSQL UPDATE with [rows, count] but a SELECT with its rows: read them through a CTE.
    const raw: Record<string, unknown>[] = await manager.query(
      pg ? `WITH claimed AS (${update}) SELECT * FROM claimed` : update,
      [now, id],
    );
    return raw.length ? (hydrate(manager, meta, raw[0]) as OutboxEventEntity) : null;
  }

  /**
   * One subscriber's claim on an event of a several-subscriber topic: the delivery row commits with its effect. A
   * second delivery waits on the row's key until the first commits (PostgreSQL; SQLite runs one writer at a time) and
   * then finds it: false, nothing to do.
   */
  private async claimDelivery(manager: EntityManager, id: string, subscriber: string): Promise<boolean> {
    const pg = this.tx.isPostgres;
    const now = persistedNow(manager);
    const insert =
      `INSERT INTO outbox_deliveries (event_id, subscriber, delivered_at) VALUES (${pg ? '$1, $2, $3' : '?, ?, ?'}) ` +
      `ON CONFLICT DO NOTHING RETURNING event_id`;
    const raw: unknown[] = await manager.query(pg ? `WITH d AS (${insert}) SELECT * FROM d` : insert, [
      id,
      subscriber,
      now,
    ]);
    return raw.length > 0;
  }
}
