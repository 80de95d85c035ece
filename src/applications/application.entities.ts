import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EvaluationResult } from '../grading/rules/types';
import { MachineRow } from '../state/machine-row';
import type { TargetTier } from './application.machine';

/** A certification application; its workflow data lives in the machine snapshot, the queried fields beside it. */
@Entity('applications')
export class ApplicationEntity extends MachineRow {
  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ name: 'target_tier', type: 'varchar', length: 16 })
  targetTier: TargetTier;

  /** The caseworker handling it (set on acceptance), for "assignee=me" queues. */
  @Column({ name: 'assignee_id', type: 'varchar', length: 36, nullable: true })
  assigneeId: string | null;

  @Column({ name: 'notice_ends_on', type: 'date', nullable: true })
  noticeEndsOn: string | null;

  /** The evaluation pinned at submission (the policy package's grading half). */
  @Column({ type: 'simple-json', nullable: true })
  evaluation: EvaluationResult | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'certification_id', type: 'varchar', length: 36, nullable: true })
  certificationId: string | null;
}

/** Panel membership, kept beside the snapshot so a reviewer's queue is one indexed query. */
@Entity('application_reviewers')
export class ApplicationReviewerEntity {
  @PrimaryColumn({ name: 'application_id', type: 'varchar', length: 36 })
  applicationId: string;

  @PrimaryColumn({ name: 'reviewer_id', type: 'varchar', length: 36 })
  reviewerId: string;

  @Column({ type: 'varchar', length: 16 })
  expertise: string;

  @Column({ type: 'varchar', length: 16 })
  status: 'pending' | 'scored' | 'declined';

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}

/** A reviewer's declared affiliation with an enterprise, or a panel they declined: excluded from its panels. */
@Entity('reviewer_conflicts')
export class ReviewerConflictEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'reviewer_id', type: 'varchar', length: 36 })
  reviewerId: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'created_at' })
  createdAt: Date;
}

export type DeadlineKind = 'acceptance' | 'review';

/** A service deadline in working days; paused while the application is back with the enterprise. */
@Entity('application_deadlines')
export class ApplicationDeadlineEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'application_id', type: 'varchar', length: 36 })
  applicationId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: DeadlineKind;

  @Column({ type: 'varchar', length: 16 })
  status: 'open' | 'paused' | 'met' | 'cancelled';

  @Column({ name: 'started_on', type: 'date' })
  startedOn: string;

  @Column({ name: 'due_on', type: 'date', nullable: true })
  dueOn: string | null;

  /** Working days left when paused. */
  @Column({ name: 'remaining_days', type: 'integer', nullable: true })
  remainingDays: number | null;

  @Column({ name: 'met_on', type: 'date', nullable: true })
  metOn: string | null;

  /** The due date whose reminder has gone out (the daily sweep reminds each due date once). */
  @Column({ name: 'reminded_for', type: 'date', nullable: true })
  remindedFor: string | null;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}

@Entity('application_attachments')
export class ApplicationAttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'application_id', type: 'varchar', length: 36 })
  applicationId: string;

  /** The kind of document (e.g. `audit_report`, `ip_certificates`), matched against the tier's required list. */
  @Column({ name: 'document_type', type: 'varchar', length: 60 })
  documentType: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ name: 'storage_path', type: 'varchar', length: 500 })
  storagePath: string;

  @Column({ name: 'uploaded_by', type: 'varchar', length: 36, nullable: true })
  uploadedBy: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}

export const APPLICATION_ENTITIES = [
  ApplicationEntity,
  ApplicationReviewerEntity,
  ReviewerConflictEntity,
  ApplicationDeadlineEntity,
  ApplicationAttachmentEntity,
];
