import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerEvent } from './rules/fact-vocabulary';
import type { AmountSpec, RecognitionKind } from './rules/programme.rules';

export type ProgrammeStatus = 'draft' | 'active' | 'closed';

/** PostgreSQL returns bigint as a string; whole yuan stay below 2^53, so a number is exact. */
export const bigintAsNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/**
 * A subsidy programme (免申即享), one row per version. A draft is edited in place; an active programme is immutable:
 * editing it inserts version + 1 (same code and period, the reservation carried over) and closes the old row, which
 * stays as history. The budget of a code and period is held by its latest version (`budgetHolder`).
 */
@Entity('programmes')
export class ProgrammeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 60 })
  code: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The bureau's region (市/区) the programme belongs to. */
  @Column({ type: 'varchar', length: 60 })
  region: string;

  /** Districts it pays in; null: every district. */
  @Column({ type: 'simple-json', nullable: true })
  districts: string[] | null;

  /** The year it pays for (DOMAIN.md section 8). */
  @Column({ type: 'integer' })
  period: number;

  @Column({ name: 'trigger_event', type: 'varchar', length: 30 })
  triggerEvent: TriggerEvent;

  @Column({ name: 'trigger_kind', type: 'varchar', length: 10, nullable: true })
  triggerKind: RecognitionKind | null;

  @Column({ type: 'simple-json' })
  rule: any;

  @Column({ type: 'simple-json' })
  amount: AmountSpec;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  budget: number;

  /** Sum of the amounts of live grants (reserved at creation, released on cancel). Never above budget. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  reserved: number;

  @Column({ type: 'varchar', length: 10 })
  status: ProgrammeStatus;

  /** The version that replaced this one (its reservation moved there). */
  @Column({ name: 'superseded_by', type: 'varchar', length: 36, nullable: true })
  supersededBy: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
