import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Append-only: rows are inserted by AuditLog.append and never updated or deleted by any code path. */
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 40 })
  entityType: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64 })
  entityId: string;

  @Column({ type: 'varchar', length: 60 })
  event: string;

  @Column({ name: 'from_state', type: 'varchar', length: 40, nullable: true })
  from: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 40, nullable: true })
  to: string | null;

  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column()
  at: Date;

  @Column({ type: 'simple-json' })
  payload: Record<string, any>;
}
