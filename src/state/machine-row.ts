import { Column, PrimaryColumn } from 'typeorm';
import type { StoredSnapshot } from './machine-definition';

/**
 * Columns every table that holds a persisted machine carries. `version` is checked in the WHERE of every update
 * (optimistic locking); TypeORM's @VersionColumn is deliberately not used because `save()` does not check it.
 */
export abstract class MachineRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  state: string;

  @Column({ type: 'simple-json' })
  snapshot: StoredSnapshot;

  @Column({ name: 'machine_id', type: 'varchar', length: 40 })
  machineId: string;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion: number;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
