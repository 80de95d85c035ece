import { Column, Entity, PrimaryColumn } from 'typeorm';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

/** A long-running job a person started (bulk regrade, import, batch run): its progress and outcome for GET /api/jobs/:id. */
@Entity('job_records')
export class JobRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 60 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  status: JobStatus;

  @Column({ type: 'integer' })
  total: number;

  @Column({ type: 'integer' })
  done: number;

  @Column({ type: 'integer' })
  failed: number;

  @Column({ type: 'simple-json' })
  params: Record<string, any>;

  @Column({ type: 'simple-json', nullable: true })
  result: Record<string, any> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
