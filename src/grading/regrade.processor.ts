import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { JobRecords } from '../jobs/job-records.service';
import { runOrderedBatches } from '../jobs/ordered-batches';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { EntityManager } from 'typeorm';
import { GradingService } from './grading.service';
import { RegionConfigService } from './region-config.service';

export const REGRADE_JOB = 'grading.regrade';
declareJobNames(REGRADE_JOB);

/** Enterprises re-graded per transaction in a bulk run: memory stays flat and progress is visible. */
const BATCH = 1000;
/**
 * Batches in flight on PostgreSQL: the worker reads and grades one while the database writes the other, so the two
 * cores work at once (one at a time, the worker and the database took turns: 1.6-2x the SQL alone).
 */
const BATCHES_IN_FLIGHT = 2;

/** Keeps colours true to the data: re-grades one enterprise on every change that feeds grading, and all in bulk. */
@Injectable()
export class RegradeProcessor {
  private readonly logger = new Logger('grading');

  constructor(
    private readonly grading: GradingService,
    private readonly regionConfig: RegionConfigService,
    private readonly records: JobRecords,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @OnOutboxEvent(
    'enterprise.registered',
    'enterprise.updated',
    'indicators.filed',
    'tier.recognised',
    'tier.expired',
    'tier.revoked',
    // A lapse that leaves the tier unchanged (a high-tech certificate of a leader) still changes the colour.
    'certification.expired',
    'certification.revoked',
  )
  async onChange(event: OutboxEventEntity, manager: EntityManager) {
    await this.grading.regradeIn(manager, [event.aggregateId]);
  }

  /**
   * Walks the enterprises in id order, a batch per transaction, saving the cursor with the progress so a worker that
   * dies half-way resumes where it stopped (the cursor only passes batches that committed, `runOrderedBatches`).
   * Re-grading is a pure function of the data, so a batch done twice is harmless.
   */
  @JobHandler(REGRADE_JOB)
  async regradeAll(data: Record<string, unknown>) {
    const record = await this.records.forHandler(String(data.jobRecordId));
    if (!record) return;
    const district = typeof record.params.district === 'string' ? record.params.district : undefined;
    const asOf = String(record.params.asOf);
    const config = await this.regionConfig.current();
    const scope = () => {
      const qb = this.dataSource.getRepository(EnterpriseEntity).createQueryBuilder('e');
      if (district) qb.where('e.district = :district', { district });
      return qb;
    };
    const total = await scope().getCount();
    let taken = typeof record.result?.cursor === 'string' ? record.result.cursor : '';
    let done = record.done;
    await this.records.update(record.id, { status: 'running', total });
    const colours: Record<string, number> = { ...(record.result?.colours ?? {}) };
    await runOrderedBatches({
      depth: this.tx.isPostgres ? BATCHES_IN_FLIGHT : 1,
      next: async () => {
        const ids = (
          await scope()
            .select('e.id', 'id')
            .andWhere('e.id > :cursor', { cursor: taken })
            .orderBy('e.id', 'ASC')
            .limit(BATCH)
            .getRawMany()
        ).map((r: { id: string }) => r.id);
        if (ids.length) taken = ids[ids.length - 1];
        return ids.length ? ids : null;
      },
      work: (ids) => this.tx.run((manager) => this.grading.regradeIn(manager, ids, config, asOf)),
      settle: async (ids, grades) => {
        for (const g of grades) colours[g.colour] = (colours[g.colour] ?? 0) + 1;
        done += ids.length;
        await this.records.update(record.id, { done, result: { cursor: ids[ids.length - 1], colours } });
      },
    });
    await this.records.update(record.id, {
      status: 'completed',
      done,
      result: { regraded: done, colours, ruleSet: config.ruleSet, regionConfigVersion: config.version, asOf },
    });
    this.logger.log({ job: record.id, regraded: done }, 'bulk regrade finished');
  }
}
