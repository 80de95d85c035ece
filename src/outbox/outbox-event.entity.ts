import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A side effect of a state change, written in the same transaction as the change (transactional outbox), then relayed
 * to the job queue with the row id as the job id. `processed_at` is set in the same transaction as the handlers' effects.
 */
@Entity('outbox_events')
export class OutboxEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 60 })
  topic: string;

  @Column({ name: 'aggregate_type', type: 'varchar', length: 40 })
  aggregateType: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 64 })
  aggregateId: string;

  @Column({ type: 'simple-json' })
  payload: Record<string, any>;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'enqueued_at', type: Date, nullable: true })
  enqueuedAt: Date | null;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt: Date | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
