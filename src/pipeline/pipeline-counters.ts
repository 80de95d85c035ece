import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { declareRepeatableJob } from '../jobs/worker-runtime.service';
import type { CountRow } from './pipeline.rules';
import { num, PipelineSql } from './pipeline-sql';

export const COMPACT_COUNTS_JOB = 'pipeline.compact-counts';
declareJobNames(COMPACT_COUNTS_JOB);
declareRepeatableJob({ name: COMPACT_COUNTS_JOB, key: 'pipeline.compact-counts.5min', cron: '*/5 * * * *' });

/** After a read that summed more delta rows than this beyond one per group, fold them (in the background). */
const COMPACT_AFTER_EXTRA_ROWS = 500;

/** The year counters' metrics (migrations/1763700010000-pipeline-year-counts.ts). */
export type YearMetric = 'funnel' | 'applications' | 'grants';

/** One group of a year's counters: funnel (k1 tier), applications (k1 tier, k2 state), grants (k1 code, k2 state). */
export interface YearCountRow {
  metric: YearMetric;
  k1: string;
  k2: string;
  n: number;
  amount: number;
}

/** The delta tables and how their rows group (the folded sums: `n`, and `amount` for the year counters). */
const TABLES = [
  { name: 'pipeline_counts', keys: ['district', 'state', 'colour'], sums: ['n'] },
  { name: 'pipeline_year_counts', keys: ['district', 'year', 'metric', 'k1', 'k2'], sums: ['n', 'amount'] },
] as const;

/**
 * The tier x colour x district counters behind the pipeline summary (see migrations/1763700008000-targets.ts for why
 * counters, kept by triggers as append-only deltas), and the year's funnel, applications and grants counters
 * (migrations/1763700010000-pipeline-year-counts.ts), kept the same way. Reading sums the deltas per group, which
 * is exact at any moment; compacting replaces the deltas of each group by their sum, in one transaction, without changing any sum.
 */
@Injectable()
export class PipelineCounters {
  private readonly logger = new Logger('pipeline');
  private compacting: Promise<number> | null = null;

  constructor(
    private readonly sql: PipelineSql,
    private readonly tx: TransactionRunner,
  ) {}

  /** Enterprises per (district, state, colour), exited included (state `exited`); groups that sum to 0 are left out. */
  async read(district?: string): Promise<CountRow[]> {
    const rows = await this.sql.rows<{ district: string; state: string; colour: string; n: unknown; r: unknown }>(
      `SELECT district, state, colour, SUM(n) AS n, COUNT(*) AS r FROM pipeline_counts
       ${district !== undefined ? 'WHERE district = :district' : ''}
       GROUP BY district, state, colour`,
      { district },
    );
    const extra = rows.reduce((s, row) => s + num(row.r) - 1, 0);
    if (extra > COMPACT_AFTER_EXTRA_ROWS) void this.compact().catch(() => undefined);
    return rows
      .map((row) => ({ district: row.district, state: row.state, colour: row.colour, count: num(row.n) }))
      .filter((row) => row.count !== 0);
  }

  /**
   * The year's funnel, applications and grants counters, summed over districts (or of one district); groups that sum
   * to 0 are left out, as the aggregates they replace would not have them.
   */
  async readYear(year: number, district?: string): Promise<YearCountRow[]> {
    const rows = await this.sql.rows<{
      metric: YearMetric;
      k1: string;
      k2: string;
      n: unknown;
      amount: unknown;
      r: unknown;
    }>(
      `SELECT district, metric, k1, k2, SUM(n) AS n, SUM(amount) AS amount, COUNT(*) AS r FROM pipeline_year_counts
       WHERE year = :year ${district !== undefined ? 'AND district = :district' : ''}
       GROUP BY district, metric, k1, k2`,
      { year, district },
    );
    const extra = rows.reduce((s, row) => s + num(row.r) - 1, 0);
    if (extra > COMPACT_AFTER_EXTRA_ROWS) void this.compact().catch(() => undefined);
    const groups = new Map<string, YearCountRow>();
    for (const row of rows) {
      const key = `${row.metric}\u0000${row.k1}\u0000${row.k2}`;
      const group = groups.get(key) ?? { metric: row.metric, k1: row.k1, k2: row.k2, n: 0, amount: 0 };
      group.n += num(row.n);
      group.amount += num(row.amount);
      groups.set(key, group);
    }
    return [...groups.values()].filter((g) => g.n !== 0);
  }

  @JobHandler(COMPACT_COUNTS_JOB)
  async handle() {
    return { folded: await this.compact() };
  }

  /** Folds the delta rows into one row per group; returns how many rows it removed. One run at a time per process. */
  compact(): Promise<number> {
    if (!this.compacting)
      this.compacting = this.compactOnce().finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  private async compactOnce(): Promise<number> {
    let folded = 0;
    for (const table of TABLES) {
      const moved = await this.fold(table);
      // The deleted deltas leave dead rows behind; on PostgreSQL a VACUUM of this small table (outside any
      // transaction) makes their space reusable and truncates the empty tail, so the summary's scan stays short.
      if (moved > 0 && this.sql.pg) await this.sql.dataSource.query(`VACUUM ${table.name}`).catch(() => undefined);
      folded += moved;
    }
    return folded;
  }

  private fold(table: (typeof TABLES)[number]): Promise<number> {
    const keys = table.keys.join(', ');
    const cols = [...table.keys, ...table.sums].join(', ');
    const sums = table.sums.map((c) => `SUM(${c})`).join(', ');
    const nonZero = table.sums.map((c) => `SUM(${c}) <> 0`).join(' OR ');
    return this.tx.run(async (manager) => {
      if (this.sql.pg) {
        // One statement, one snapshot: exactly the rows it deletes are summed back; rows other transactions insert
        // meanwhile are not visible to it and stay as they are. A concurrent compaction finds nothing left to move.
        const [result] = await this.sql.rows<{ moved: unknown; kept: unknown }>(
          `WITH moved AS (DELETE FROM ${table.name} RETURNING ${cols}),
           kept AS (
             INSERT INTO ${table.name} (${cols})
             SELECT ${keys}, ${sums} FROM moved GROUP BY ${keys} HAVING ${nonZero}
             RETURNING 1
           )
           SELECT (SELECT COUNT(*) FROM moved) AS moved, (SELECT COUNT(*) FROM kept) AS kept`,
          {},
          manager,
        );
        return num(result?.moved) - num(result?.kept);
      }
      // SQLite: one writer at a time, so the rows up to the current maximum id are exactly the ones folded.
      const [top] = await this.sql.rows<{ id: unknown; n: unknown }>(
        `SELECT MAX(id) AS id, COUNT(*) AS n FROM ${table.name}`,
        {},
        manager,
      );
      if (top?.id === null || top?.id === undefined) return 0;
      const maxId = num(top.id);
      await this.sql.rows(
        `INSERT INTO ${table.name} (${cols})
         SELECT ${keys}, ${sums} FROM ${table.name} WHERE id <= :maxId
         GROUP BY ${keys} HAVING ${nonZero}`,
        { maxId },
        manager,
      );
      await this.sql.rows(`DELETE FROM ${table.name} WHERE id <= :maxId`, { maxId }, manager);
      const [after] = await this.sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table.name}`, {}, manager);
      const folded = num(top.n) - num(after?.n);
      if (folded > 0) this.logger.debug({ folded, table: table.name }, 'pipeline counters compacted');
      return folded;
    });
  }
}
