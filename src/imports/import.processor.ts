import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors';
import type { Actor } from '../auth/actor';
import { DomainError } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterprisesService } from '../enterprises/enterprises.service';
import { IndicatorsService } from '../indicators/indicators.service';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { JobRecordEntity } from '../jobs/job-record.entity';
import { JobRecords } from '../jobs/job-records.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { FileError, ImportRow, parseImportFile, RowError } from './import-file.parser';
import { ProfileConsistency, toRowErrors, validateImportRow, ValidRow } from './import-row.validation';
import type { ImportFileParams } from './import-upload';
import { IMPORT_JOB, ImportsService } from './imports.service';

declareJobNames(IMPORT_JOB);

/** Progress is saved every this many rows. */
const PROGRESS_EVERY = 200;
/** Row errors kept in the job's result; beyond this only the count of rejected rows grows. */
export const MAX_ERRORS = 1000;

type Outcome = 'created' | 'updated' | 'unchanged';
const RANK: Record<Outcome, number> = { unchanged: 0, updated: 1, created: 2 };

/** The counts a finished import reports (also saved, without the errors, while it runs). */
class Tally {
  rows = 0;
  accepted = 0;
  rejected = 0;
  readonly indicators: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
  readonly errors: RowError[] = [];
  errorsTruncated = false;
  /** USCC to what happened to the enterprise: counted once per enterprise, the strongest outcome of its rows. */
  private readonly enterprises = new Map<string, Outcome>();

  reject(errors: RowError[]) {
    this.rejected++;
    for (const error of errors) {
      if (this.errors.length < MAX_ERRORS) this.errors.push(error);
      else this.errorsTruncated = true;
    }
  }

  accept(uscc: string, enterprise: Outcome, indicators: Outcome) {
    this.accepted++;
    this.indicators[indicators]++;
    const before = this.enterprises.get(uscc);
    if (before === undefined || RANK[enterprise] > RANK[before]) this.enterprises.set(uscc, enterprise);
  }

  counts() {
    const enterprises: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
    for (const outcome of this.enterprises.values()) enterprises[outcome]++;
    return {
      rows: this.rows,
      accepted: this.accepted,
      rejected: this.rejected,
      enterprises,
      indicators: { ...this.indicators },
    };
  }

  result(file: Record<string, unknown>) {
    return {
      ...this.counts(),
      errors: this.errors,
      ...(this.errorsTruncated ? { errorsTruncated: true } : {}),
      file,
    };
  }
}

type RowOutcome =
  { ok: true; uscc: string; enterprise: Outcome; indicators: Outcome } | { ok: false; errors: RowError[] };

/**
 * Runs a bulk import (docs/import-format.md): reads the stored upload row by row, validates each row as the API would,
 * and writes each accepted row (its enterprise upserted by USCC, its year of indicators by USCC and year) in a
 * transaction of its own, so a row that fails anywhere writes nothing. The same file again changes nothing: both
 * upserts leave equal data alone (no version, audit event or re-grade).
 *
 * A worker that dies half-way is handed the job again and starts over; rows written before are then counted as
 * unchanged, and the data ends up the same.
 */
@Injectable()
export class ImportProcessor {
  private readonly logger = new Logger('imports');

  constructor(
    private readonly records: JobRecords,
    private readonly imports: ImportsService,
    private readonly enterprises: EnterprisesService,
    private readonly indicators: IndicatorsService,
    private readonly tx: TransactionRunner,
    private readonly relay: OutboxRelay,
  ) {}

  @JobHandler(IMPORT_JOB)
  async run(data: Record<string, unknown>) {
    const record = await this.records.forHandler(String(data.jobRecordId));
    if (!record) return;
    // Unexpected failures (the database went away) mark the record failed in JobRegistry; the queue tries again.
    try {
      await this.importFile(record);
    } finally {
      this.relay.nudge();
    }
  }

  private async importFile(record: JobRecordEntity) {
    const params = record.params as ImportFileParams;
    const file = { filename: params.filename, sha256: params.sha256 };
    // Writes are attributed to the person who uploaded the file (audit events name them).
    const actor: Actor = { id: record.createdBy, role: 'caseworker', enterpriseId: null };
    const tally = new Tally();
    await this.records.update(record.id, {
      status: 'running',
      total: 0,
      done: 0,
      failed: 0,
      error: null,
      result: null,
    });

    const buffer = await this.imports.read(params);
    const parsed = buffer
      ? await parseImportFile(buffer, params.kind)
      : {
          ok: false as const,
          errors: [
            {
              code: 'unreadable' as const,
              message: 'the uploaded file is no longer available (it was removed, or this worker cannot see it)',
              columns: [],
            },
          ],
        };
    if (!parsed.ok) return this.fileFailed(record, tally, file, parsed.errors);

    const consistency = new ProfileConsistency();
    for await (const next of parsed.rows) {
      tally.rows++;
      const outcome = next.ok
        ? await this.importRow(next.row, parsed.headers, actor, consistency)
        : { ok: false as const, errors: next.errors };
      if (outcome.ok) tally.accept(outcome.uscc, outcome.enterprise, outcome.indicators);
      else tally.reject(outcome.errors);
      if (tally.rows % PROGRESS_EVERY === 0) {
        await this.records.update(record.id, { done: tally.rows, failed: tally.rejected, result: tally.counts() });
        this.relay.nudge();
      }
    }

    const result = tally.result(file);
    await this.records.update(record.id, {
      status: 'completed',
      total: tally.rows,
      done: tally.rows,
      failed: tally.rejected,
      result,
    });
    this.logger.log({ job: record.id, ...tally.counts() }, 'import finished');
  }

  private async fileFailed(
    record: JobRecordEntity,
    tally: Tally,
    file: Record<string, unknown>,
    fileErrors: FileError[],
  ) {
    await this.records.update(record.id, {
      status: 'failed',
      error: fileErrors.map((e) => e.message).join('; '),
      result: { ...tally.result(file), fileErrors },
    });
    this.logger.warn({ job: record.id, fileErrors }, 'import file refused');
  }

  private async importRow(
    parsedRow: ImportRow,
    headers: Record<string, string>,
    actor: Actor,
    consistency: ProfileConsistency,
  ): Promise<RowOutcome> {
    const checked = await validateImportRow(parsedRow, headers);
    if (!checked.ok) return checked;
    const row = checked.row;
    const disagreements = consistency.check(row, headers);
    if (disagreements.length) return { ok: false, errors: disagreements };

    // A second try covers losing a race with another writer (two imports creating the same enterprise at once).
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.tx.run((manager) => this.writeRow(manager, row, actor));
        consistency.accepted(row);
        return { ok: true, uscc: row.enterprise.uscc, ...outcome };
      } catch (error) {
        const raced = (error instanceof DomainError && error.status === 409) || isUniqueViolation(error);
        if (raced && attempt < 2) continue;
        if (error instanceof DomainError && error.status < 500) {
          const fields = error.fields?.length ? error.fields : [{ field: 'enterprise.uscc', reason: error.message }];
          return { ok: false, errors: toRowErrors(row.rowNumber, fields, headers) };
        }
        if (isUniqueViolation(error))
          return {
            ok: false,
            errors: toRowErrors(
              row.rowNumber,
              [{ field: 'enterprise.uscc', reason: 'another change to this enterprise happened at the same time' }],
              headers,
            ),
          };
        throw error;
      }
    }
  }

  private async writeRow(
    manager: EntityManager,
    row: ValidRow,
    actor: Actor,
  ): Promise<{ enterprise: Outcome; indicators: Outcome }> {
    const { enterprise, outcome } = await this.enterprises.upsertByUsccIn(manager, row.enterprise, actor);
    const filed = await this.indicators.fileIn(manager, enterprise.id, row.year, row.indicators, actor);
    return { enterprise: outcome, indicators: filed.created ? 'created' : filed.changed ? 'updated' : 'unchanged' };
  }
}
