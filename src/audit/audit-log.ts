import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditEntry {
  entityType: string;
  entityId: string;
  event: string;
  from?: string | null;
  to?: string | null;
  actorId: string | null;
  payload?: Record<string, unknown>;
  at?: Date;
}

/** Appends inside the caller's transaction, so an audit row exists exactly when the change it records committed. */
export async function appendAudit(manager: EntityManager, entry: AuditEntry): Promise<AuditEventEntity> {
  const row = auditRow(entry);
  await manager.insert(AuditEventEntity, row);
  return row;
}

/** The row `appendAudit` inserts, for writers that insert it themselves (the transition service's one statement). */
export function auditRow(entry: AuditEntry): AuditEventEntity {
  return {
    id: randomUUID(),
    entityType: entry.entityType,
    entityId: entry.entityId,
    event: entry.event,
    from: entry.from ?? null,
    to: entry.to ?? null,
    actorId: entry.actorId,
    at: entry.at ?? new Date(),
    payload: entry.payload ?? {},
  };
}
