import { Column, Entity, PrimaryColumn } from 'typeorm';

export const VISIT_KINDS = ['on_site', 'phone', 'online', 'meeting'] as const;
/** 诉求 categories as bureaus file them. */
export const NEED_CATEGORIES = ['funding', 'talent', 'land', 'ip', 'finance', 'policy', 'market', 'other'] as const;
export const NEED_STATUSES = ['open', 'in_progress', 'resolved', 'unresolvable'] as const;

@Entity('visits')
export class VisitEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ name: 'visited_on', type: 'date' })
  visitedOn: string;

  @Column({ type: 'varchar', length: 20 })
  kind: (typeof VISIT_KINDS)[number];

  @Column({ type: 'text' })
  notes: string;

  @Column({ name: 'caseworker_id', type: 'varchar', length: 36, nullable: true })
  caseworkerId: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}

/** A need (诉求) raised during a visit, tracked to resolution. */
@Entity('visit_needs')
export class VisitNeedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'visit_id', type: 'varchar', length: 36 })
  visitId: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'varchar', length: 30 })
  category: (typeof NEED_CATEGORIES)[number];

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 20 })
  status: (typeof NEED_STATUSES)[number];

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 36, nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}

/** A visit that should happen (a newly recognised small high-tech enterprise), listed until one is recorded. */
@Entity('visits_due')
export class VisitDueEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'varchar', length: 60 })
  reason: string;

  @Column({ name: 'certification_id', type: 'varchar', length: 36, nullable: true })
  certificationId: string | null;

  @Column({ name: 'due_on', type: 'date' })
  dueOn: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'open' | 'done';

  @Column({ name: 'visit_id', type: 'varchar', length: 36, nullable: true })
  visitId: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}

export const CASEWORK_ENTITIES = [VisitEntity, VisitNeedEntity, VisitDueEntity];
