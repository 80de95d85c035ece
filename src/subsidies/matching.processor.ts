import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../auth/actor';
import { conflict, notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { JobRecordEntity } from '../jobs/job-record.entity';
import { JobRecords } from '../jobs/job-records.service';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { FactsLoader } from './facts.loader';
import { GrantsService } from './grants.service';
import { MatchingService } from './matching.service';
import { ProgrammeEntity } from './programme.entity';

export const SUBSIDY_RUN_JOB = 'subsidies.run';
declareJobNames(SUBSIDY_RUN_JOB);

/**
 * Enterprises (with an event) per transaction in a batch run: memory stays flat, progress is visible, a crash loses
 * one page.
 */
export const RUN_BATCH = 2000;

const COUNTERS = ['evaluated', 'eligible', 'waitlisted', 'needsData', 'existing', 'notMatched', 'reserved'] as const;

/**
 * Matching on events (consumed from the outbox, in the transaction that marks the event processed, so a redelivery
 * has no second effect; the unique grant key covers a crash between) and in batch runs (a job per run).
 */
@Injectable()
export class MatchingProcessor {
  private readonly logger = new Logger('subsidies');

  constructor(
    private readonly matching: MatchingService,
    private readonly grants: GrantsService,
    private readonly records: JobRecords,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A recognition or a filing: needs-data matches of the enterprise first (a filing may fill them), then new ones. */
  @OnOutboxEvent('tier.recognised', 'indicators.filed')
  async onTrigger(event: OutboxEventEntity, manager: EntityManager) {
    await this.matching.onEvent(manager, event);
  }

  @OnOutboxEvent('certification.revoked')
  async onRevoked(event: OutboxEventEntity, manager: EntityManager) {
    const { certificationId, fraud } = event.payload ?? {};
    if (typeof certificationId === 'string')
      await this.grants.onRevokedIn(manager, certificationId, !!fraud, SYSTEM_ACTOR);
  }

  /** Starts a batch run of an active programme over every enterprise in its districts (202 + job id). */
  async start(programmeId: string, actor: Actor) {
    const programme = await this.dataSource.getRepository(ProgrammeEntity).findOne({ where: { id: programmeId } });
    if (!programme) throw notFound('programme', programmeId);
    if (programme.status !== 'active')
      throw conflict(
        'PROGRAMME_NOT_ACTIVE',
        `Programme ${programme.code} v${programme.version} is ${programme.status}`,
      );
    const record = await this.records.start(
      SUBSIDY_RUN_JOB,
      { programmeId, code: programme.code, version: programme.version, period: programme.period, today: chinaToday() },
      actor,
    );
    return { jobId: record.id, status: record.status };
  }

  /**
   * Walks the enterprises in id order, a page per transaction, saving the cursor with the progress in that
   * transaction: a worker that dies half-way resumes where it stopped, and a page done twice writes nothing twice
   * (unique grant key). Two runs at once take turns on the programme row and each skips what the other wrote.
   */
  @JobHandler(SUBSIDY_RUN_JOB)
  async run(data: Record<string, unknown>) {
    const record = await this.records.forHandler(String(data.jobRecordId));
    if (!record) return;
    const programmeId = String(record.params.programmeId);
    const today = String(record.params.today ?? chinaToday());
    const loader = new FactsLoader(this.dataSource.manager);
    const programme = await this.dataSource.getRepository(ProgrammeEntity).findOne({ where: { id: programmeId } });
    if (!programme) {
      await this.records.update(record.id, { status: 'failed', error: `programme ${programmeId} not found` });
      return;
    }
    const total = await loader.count(programme.districts);
    const counts: Record<string, number> = Object.fromEntries(
      COUNTERS.map((k) => [k, Number(record.result?.[k] ?? 0)]),
    );
    let cursor = typeof record.result?.cursor === 'string' ? record.result.cursor : '';
    let done = record.done;
    let stopped: string | null = null;
    await this.records.update(record.id, { status: 'running', total });
    const nextPage = await loader.walker(programme, total, RUN_BATCH);
    for (;;) {
      // Pages of the enterprises with an event to replay (or of all, when most have one); `walked` is how many
      // enterprises in scope the page stands for, so the progress still counts every one.
      const { records, set, walked, last, cursor: after } = await nextPage(cursor);
      const pageCursor = after ?? records[records.length - 1]?.id ?? cursor;
      if (records.length) {
        const next = { ...counts };
        const summary = await this.tx.run(async (manager) => {
          const page = await this.matching.matchPage(manager, programme, records, {
            initiatedBy: record.createdBy,
            queuedAt: new Date(record.createdAt),
            jobId: record.id,
            today,
            set,
          });
          if (page.stopped) return page;
          for (const key of COUNTERS) next[key] += page[key];
          // The cursor and the counts commit with the page's grants: a page is either done and counted, or neither.
          const progress: Partial<JobRecordEntity> = {
            done: done + walked,
            result: { cursor: pageCursor, ...next },
            updatedAt: new Date(),
          };
          await manager.update(JobRecordEntity, { id: record.id }, progress);
          return page;
        });
        if (summary.stopped) {
          stopped = `programme ${programme.code} v${programme.version} is no longer active`;
          break;
        }
        Object.assign(counts, next);
      } else if (walked)
        await this.records.update(record.id, { done: done + walked, result: { cursor: pageCursor, ...counts } });
      done += walked;
      cursor = pageCursor;
      if (last) break;
    }
    await this.records.update(record.id, {
      status: 'completed',
      done,
      result: {
        programmeId,
        code: programme.code,
        version: programme.version,
        period: programme.period,
        ...counts,
        stopped,
      },
    });
    this.logger.log({ job: record.id, programme: programme.code, ...counts }, 'subsidy batch run finished');
  }
}
