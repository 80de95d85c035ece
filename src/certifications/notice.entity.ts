import { Column, Entity, PrimaryColumn } from 'typeorm';

export type NoticeKind =
  'high_tech_renewal_due' | 'tech_sme_reevaluation_due' | 'annual_report_missing' | 'revocation_suggested';

/** Something the daily sweep found that a person should act on; unique per enterprise, kind and period. */
@Entity('notices')
export class NoticeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'varchar', length: 40 })
  kind: NoticeKind;

  /** The year (or other period) the notice is about, e.g. `2026`. */
  @Column({ type: 'varchar', length: 20 })
  period: string;

  @Column({ type: 'simple-json' })
  payload: Record<string, any>;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
