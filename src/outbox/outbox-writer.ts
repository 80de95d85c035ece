import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { OutboxEventEntity } from './outbox-event.entity';

export interface OutboxMessage {
  topic: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/** Writes side effects inside the caller's transaction; the relay delivers them after commit. */
export async function appendOutbox(manager: EntityManager, messages: OutboxMessage[]): Promise<string[]> {
  if (!messages.length) return [];
  const rows = outboxRows(messages);
  await manager.insert(OutboxEventEntity, rows);
  return rows.map((r) => r.id);
}

/** The rows `appendOutbox` inserts, for writers that insert them themselves (the transition service's one statement). */
export function outboxRows(messages: OutboxMessage[]): OutboxEventEntity[] {
  const now = new Date();
  return messages.map((m) => ({
    id: randomUUID(),
    topic: m.topic,
    aggregateType: m.aggregateType,
    aggregateId: m.aggregateId,
    payload: m.payload,
    createdAt: now,
    enqueuedAt: null,
    processedAt: null,
    attempts: 0,
    lastError: null,
  }));
}
