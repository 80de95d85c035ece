import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** What happened: `application.returned`, `application.decided`, `grant.matched`, `certificate.expiring`, `visit.due`… */
  @Column({ type: 'varchar', length: 60 })
  kind: string;

  /** Same key for the same user twice is one notification (a redelivered event notifies once). */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ type: 'simple-json' })
  payload: Record<string, any>;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'read_at', type: Date, nullable: true })
  readAt: Date | null;
}
