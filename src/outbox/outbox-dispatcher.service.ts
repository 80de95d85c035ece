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

/**
 * Runs the subscribers of one outbox event and marks it processed, all in one transaction: the effect and the mark
 * commit together, and an event already marked is skipped, so a redelivered job has no second effect. Events of a
 * topic without subscribers never get here: the relay marks them (`topics()`).
 */
@Injectable()
export class OutboxDispatcher implements OnModuleInit {
  private readonly logger = new Logger('outbox');
  private readonly subscribers = new Map<string, OutboxSubscriber[]>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    const found = discoverMethods<string[]>(this.discovery, this.scanner, this.reflector, OUTBOX_SUBSCRIBER);
    for (const { key: topics, method } of found)
      for (const topic of topics)
        this.subscribers.set(topic, [...(this.subscribers.get(topic) ?? []), method as OutboxSubscriber]);
  }

  topics() {
    return [...this.subscribers.keys()].sort();
  }

  @JobHandler(JOB_NAMES.outboxDispatch)
  async dispatch(data: Record<string, unknown>) {
    const id = String(data.outboxId);
    try {
      await this.tx.run(async (manager) => {
        const event = await this.claim(manager, id);
        if (!event) return;
        for (const subscriber of this.subscribers.get(event.topic) ?? []) await subscriber(event, manager);
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

  /**
   * Marks the event processed first, in one statement that also reads it: the row lock holds a second delivery off
   * until this transaction ends (it then finds the mark and skips), and a failing subscriber rolls the mark back with
   * its effects. Null when there is no such event or it was processed already.
   */
  private async claim(manager: EntityManager, id: string): Promise<OutboxEventEntity | null> {
    const meta = manager.dataSource.getMetadata(OutboxEventEntity);
    const now = manager.dataSource.driver.preparePersistentValue(
      new Date(),
      meta.findColumnWithPropertyName('processedAt')!,
    );
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
}
