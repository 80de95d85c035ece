import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TargetMetric } from './pipeline.rules';

/** Whole yuan and counts stored as bigint: PostgreSQL's parser already gives numbers; SQLite gives numbers too. */
const asNumber = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/** A yearly target (指标任务) handed down for one district (or `*`, the whole region) and one metric. */
@Entity('targets')
export class TargetEntity {
  @PrimaryColumn({ type: 'integer' })
  year: number;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  district: string;

  @PrimaryColumn({ type: 'varchar', length: 30 })
  metric: TargetMetric;

  @Column({ type: 'bigint', transformer: asNumber })
  value: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}

/** The version of a year's whole set of targets (one row per year, kept when the set is emptied): `If-Match` on PUT. */
@Entity('target_sets')
export class TargetSetEntity {
  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
