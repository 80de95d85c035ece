import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { discoverMethods } from '../common/discover-methods';
import { TransactionRunner } from '../database/transaction-runner';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JOB_NAMES } from '../jobs/job-names';
import { OutboxEventEntity } from './outbox-event.entity';
import { OUTBOX_SUBSCRIBER, OutboxSubscriber } from './outbox-subscriber.decorator';

/**
 * Runs the subscribers of one outbox event and marks it processed, all in one transaction: the effect and the mark
 * commit together, and an event already marked is skipped, so a redelivered job has no second effect.
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
        const event = await manager.findOne(OutboxEventEntity, {
          where: { id },
          ...(this.tx.isPostgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        });
        if (!event || event.processedAt) return;
        for (const subscriber of this.subscribers.get(event.topic) ?? []) await subscriber(event, manager);
        await manager.update(OutboxEventEntity, { id }, { processedAt: new Date(), attempts: event.attempts + 1 });
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
}
