import { Column, Entity } from 'typeorm';
import type { Colour } from '../grading/rules/types';
import { MachineRow } from '../state/machine-row';
import type { TierState } from './tier.machine';

export interface EnterpriseContact {
  name?: string;
  phone?: string;
  email?: string;
}

/** An enterprise in the registry. `state` is its tier machine's state (the tier it holds, or `exited`). */
@Entity('enterprises')
export class EnterpriseEntity extends MachineRow {
  /** 统一社会信用代码, the registry identity. */
  @Column({ type: 'varchar', length: 18 })
  uscc: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** 所属区县 */
  @Column({ type: 'varchar', length: 60 })
  district: string;

  @Column({ name: 'registered_on', type: 'date' })
  registeredOn: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  industry: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address: string | null;

  @Column({ type: 'simple-json', nullable: true })
  contact: EnterpriseContact | null;

  /** 四色: stored for fast filtering; the evaluation behind it is in enterprise_evaluations. */
  @Column({ type: 'varchar', length: 10 })
  colour: Colour;

  @Column({ name: 'tech_sme_score', type: 'integer', nullable: true })
  techSmeScore: number | null;

  @Column({ name: 'gap_count', type: 'integer', nullable: true })
  gapCount: number | null;

  /** The caseworker who looks after this enterprise one to one (一企一专员). */
  @Column({ name: 'caseworker_id', type: 'varchar', length: 36, nullable: true })
  caseworkerId: string | null;

  declare state: TierState;
}
