import { Column, Entity } from 'typeorm';
import { MachineRow } from '../state/machine-row';

/** A proposal to revoke a certification. Two people: a caseworker proposes, a different manager confirms. */
@Entity('revocations')
export class RevocationEntity extends MachineRow {
  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ name: 'certification_id', type: 'varchar', length: 36 })
  certificationId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'boolean' })
  fraud: boolean;

  @Column({ name: 'proposed_by', type: 'varchar', length: 36, nullable: true })
  proposedBy: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 36, nullable: true })
  decidedBy: string | null;
}
