import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RegionConfig } from './rules/region-config';

/** A version of the region's overrides (leader criteria, colour mapping). Rows are only ever added. */
@Entity('region_configs')
export class RegionConfigEntity {
  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'rule_set', type: 'varchar', length: 20 })
  ruleSet: string;

  @Column({ type: 'simple-json' })
  config: RegionConfig;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;
}
