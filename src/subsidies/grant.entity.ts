import { Column, Entity } from 'typeorm';
import { MachineRow } from '../state/machine-row';
import type { Payee } from './grant.machine';
import type { TriggerFacts } from './rules/programme-facts';
import type { ConditionTrace } from './rules/rule-evaluation';
import { bigintAsNumber } from './programme.entity';

/** What raised the match: a real outbox event, or a batch run (job) replaying stored rows. */
export interface GrantTrigger extends TriggerFacts {
  outboxId?: string | null;
  jobId?: string | null;
}

/**
 * One enterprise's grant under one programme for one period: unique on (programme_code, enterprise_id, period), so
 * no event, batch or retry can create it twice. The row records the programme version, the facts read and which
 * conditions held (the "why"); `state` is its grant machine's state.
 */
@Entity('grants')
export class GrantEntity extends MachineRow {
  @Column({ name: 'programme_id', type: 'varchar', length: 36 })
  programmeId: string;

  @Column({ name: 'programme_code', type: 'varchar', length: 60 })
  programmeCode: string;

  @Column({ name: 'programme_version', type: 'integer' })
  programmeVersion: number;

  @Column({ type: 'integer' })
  period: number;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  /** Whole yuan; null while a needs_data formula lacks a fact. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  amount: number | null;

  /** Whether `amount` is counted in the programme's `reserved` (released exactly once, on cancel). */
  @Column({ type: 'boolean' })
  reserved: boolean;

  /** Waitlist order: the time of the triggering event (a batch: when it was started), then enterprise id. */
  @Column({ name: 'queued_at' })
  queuedAt: Date;

  /** The certification the grant rests on (tier.recognised), clawed back or cancelled if it is revoked for fraud. */
  @Column({ name: 'certification_id', type: 'varchar', length: 36, nullable: true })
  certificationId: string | null;

  @Column({ type: 'simple-json' })
  trigger: GrantTrigger;

  @Column({ type: 'simple-json' })
  facts: Record<string, any>;

  @Column({ type: 'simple-json' })
  conditions: ConditionTrace[];

  /** Facts the enterprise is asked for (needs_data). */
  @Column({ type: 'simple-json' })
  missing: string[];

  @Column({ name: 'initiated_by', type: 'varchar', length: 36, nullable: true })
  initiatedBy: string | null;

  @Column({ type: 'simple-json', nullable: true })
  payee: Payee | null;

  @Column({ name: 'approved_by', type: 'varchar', length: 36, nullable: true })
  approvedBy: string | null;

  @Column({ name: 'approved_at', type: Date, nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'payment_reference', type: 'varchar', length: 100, nullable: true })
  paymentReference: string | null;

  @Column({ name: 'paid_on', type: 'date', nullable: true })
  paidOn: string | null;

  /** Why it was cancelled or clawed back. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;
}
