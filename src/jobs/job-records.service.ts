import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import type { Actor } from '../auth/actor';
import { forbidden, notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { appendOutbox } from '../outbox/outbox-writer';
import { JobRecordEntity } from './job-record.entity';
import { JOB_QUEUE, JobQueue } from './job-queue';

const JOB_REQUESTED = 'job.requested';
/** A record still `queued` this long after its last change was handed to a queue that has since lost it. */
const STRANDED_AFTER_MS = 5_000;

/** Progress and outcome of jobs people start, kept in the database so any API process can answer GET /api/jobs/:id. */
@Injectable()
export class JobRecords {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Starts a job a person asked for: the record and an outbox row commit together, and the outbox hands the job to the
   * queue (job id = record id), so a request accepted while Redis is down still runs once Redis is back.
   */
  async start(name: string, params: Record<string, unknown>, actor: Actor): Promise<JobRecordEntity> {
    const record = this.newRecord(name, params, actor);
    await this.tx.run(async (manager) => {
      await manager.insert(JobRecordEntity, record);
      await appendOutbox(manager, [
        { topic: JOB_REQUESTED, aggregateType: 'job', aggregateId: record.id, payload: { name } },
      ]);
    });
    this.relay.nudge();
    return record;
  }

  @OnOutboxEvent(JOB_REQUESTED)
  async enqueueRequested(event: OutboxEventEntity) {
    await this.queue.add(String(event.payload.name), { jobRecordId: event.aggregateId }, { jobId: event.aggregateId });
  }

  /**
   * Hands `queued` records back to the queue (job id = record id, so a job the queue still holds is not added twice).
   * Workers call it at start and when Redis comes back: a Redis that restarted empty, or an in-process queue lost with
   * its process, would otherwise leave these records queued forever. `running` records are handed back only with
   * `running: true`, at the start of a process whose queue lives in it (the embedded default): nothing else can be
   * running them, so they were interrupted (crash or stop), and their handlers resume from their saved progress.
   * Elsewhere a worker may still be running them, and Bull hands a dead worker's job to another itself.
   */
  async requeueStranded(now = new Date(), options: { running?: boolean } = {}): Promise<number> {
    const stranded = await this.dataSource.getRepository(JobRecordEntity).find({
      where: [
        { status: 'queued', updatedAt: LessThan(new Date(now.getTime() - STRANDED_AFTER_MS)) },
        ...(options.running ? [{ status: 'running' as const }] : []),
      ],
      select: { id: true, name: true },
      order: { createdAt: 'ASC' },
      take: 1_000,
    });
    for (const record of stranded) await this.queue.add(record.name, { jobRecordId: record.id }, { jobId: record.id });
    return stranded.length;
  }

  private newRecord(name: string, params: Record<string, unknown>, actor: Actor): JobRecordEntity {
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
    return record;
  }

  async update(
    id: string,
    patch: Partial<Pick<JobRecordEntity, 'status' | 'total' | 'done' | 'failed' | 'result' | 'error'>>,
  ) {
    await this.tx.run((m) => m.update(JobRecordEntity, { id }, { ...patch, updatedAt: new Date() }));
  }

  /** Loads a record for its handler; a completed one means the job already ran to effect (redelivery: do nothing). */
  async forHandler(id: string): Promise<JobRecordEntity | null> {
    const record = await this.dataSource.getRepository(JobRecordEntity).findOne({ where: { id } });
    return record && record.status !== 'completed' ? record : null;
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
