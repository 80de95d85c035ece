import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxEventEntity } from './outbox-event.entity';

export const OUTBOX_SUBSCRIBER = 'cultivation:outbox-subscriber';

/**
 * Marks a method `(event, manager) => Promise<void>` as a consumer of one or more outbox topics. It runs in the same transaction
 * that marks the event processed, so its effect happens exactly once; it must still be idempotent (a crash between
 * the effect and the commit rolls both back and the event is delivered again).
 */
export const OnOutboxEvent = (...topics: string[]) => SetMetadata(OUTBOX_SUBSCRIBER, topics);

export type OutboxSubscriber = (event: OutboxEventEntity, manager: EntityManager) => Promise<void>;
