import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { forbidden, notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { JobRecordEntity } from './job-record.entity';

/** Progress and outcome of jobs people start, kept in the database so any API process can answer GET /api/jobs/:id. */
@Injectable()
export class JobRecords {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(name: string, params: Record<string, unknown>, actor: Actor): Promise<JobRecordEntity> {
    const now = new Date();
    const record: JobRecordEntity = {
      id: randomUUID(),
      name,
      status: 'queued',
      total: 0,
      done: 0,
      failed: 0,
      params,
      result: null,
      error: null,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx.run((m) => m.insert(JobRecordEntity, record));
    return record;
  }

  async update(
    id: string,
    patch: Partial<Pick<JobRecordEntity, 'status' | 'total' | 'done' | 'failed' | 'result' | 'error'>>,
  ) {
    await this.tx.run((m) => m.update(JobRecordEntity, { id }, { ...patch, updatedAt: new Date() }));
  }

  async get(id: string, actor: Actor): Promise<JobRecordEntity> {
    const record = await this.dataSource.getRepository(JobRecordEntity).findOne({ where: { id } });
    if (!record) throw notFound('job', id);
    // Staff see every job; anyone else only the jobs they started themselves.
    if (!['admin', 'manager'].includes(actor.role) && record.createdBy !== actor.id)
      throw forbidden('NOT_YOUR_JOB', 'This job was started by someone else');
    return record;
  }
}
