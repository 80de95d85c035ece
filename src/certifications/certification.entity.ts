import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Tier } from '../enterprises/tier.machine';

export type CertificationStatus = 'active' | 'expired' | 'revoked' | 'superseded';

export interface Revocation {
  reason: string;
  fraud: boolean;
  proposedBy: string | null;
  confirmedBy: string | null;
  revokedOn: string;
}

/** One recognition: a tech SME registration number (入库登记编号), a high-tech certificate, or a leader designation. */
@Entity('certifications')
export class CertificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'varchar', length: 16 })
  tier: Exclude<Tier, 'startup'>;

  @Column({ type: 'varchar', length: 40 })
  number: string;

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn: string;

  /** Last day the recognition holds (inclusive). */
  @Column({ name: 'valid_until', type: 'date' })
  validUntil: string;

  @Column({ type: 'varchar', length: 16 })
  status: CertificationStatus;

  /** First recognition or re-recognition: local subsidies pay them differently. */
  @Column({ type: 'varchar', length: 16 })
  kind: 'first' | 'renewal';

  /** `application` when our review issued it, `record` when recorded from existing records or another body. */
  @Column({ type: 'varchar', length: 16 })
  source: 'application' | 'record';

  @Column({ name: 'application_id', type: 'varchar', length: 36, nullable: true })
  applicationId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  revocation: Revocation | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
