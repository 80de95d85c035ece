import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { instanceToPlain } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, notFound, validationFailed } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { appendOutbox } from '../outbox/outbox-writer';
import { AnnualIndicatorsData, AnnualIndicatorsEntity } from './annual-indicators.entity';
import { AnnualIndicatorsDto } from './dto/annual-indicators.dto';

/** JSON with keys in a fixed order, so "the same filing again" compares equal whatever order the client sent. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function toIndicatorsView(row: AnnualIndicatorsEntity) {
  return {
    enterpriseId: row.enterpriseId,
    year: row.year,
    ...row.data,
    version: row.version,
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export interface FileResult {
  created: boolean;
  changed: boolean;
  view: ReturnType<typeof toIndicatorsView>;
}

/** Annual indicators (年度指标): one row per enterprise and year, earlier years kept, every change audited. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  /** `expectedVersion`: the version the editor saw (If-Match); a year changed since answers 409 STALE_VERSION. */
  async file(
    enterpriseId: string,
    year: number,
    dto: AnnualIndicatorsDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<FileResult> {
    const result = await this.tx.run((manager) =>
      this.fileIn(manager, enterpriseId, year, dto, actor, expectedVersion),
    );
    if (result.changed) this.relay.nudge();
    return result;
  }

  /**
   * Files one year inside the caller's transaction (the bulk import uses it too). The same data again is a no-op: no
   * new version, no audit event, no re-grade.
   */
  async fileIn(
    manager: EntityManager,
    enterpriseId: string,
    year: number,
    dto: AnnualIndicatorsDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<FileResult> {
    const enterprise = await manager.findOne(EnterpriseEntity, {
      where: { id: enterpriseId },
      select: { id: true, registeredOn: true },
    });
    if (!enterprise) throw notFound('enterprise', enterpriseId);
    const founded = Number(enterprise.registeredOn.slice(0, 4));
    if (year < founded)
      throw validationFailed([
        { field: 'year', reason: `year must not be before the enterprise was registered (${founded})` },
      ]);
    const data = instanceToPlain(dto) as AnnualIndicatorsData;
    const existing = await manager.findOne(AnnualIndicatorsEntity, { where: { enterpriseId, year } });
    if (expectedVersion !== undefined && expectedVersion !== existing?.version)
      throw conflict(
        'STALE_VERSION',
        existing
          ? `indicators ${year} are at version ${existing.version}, not ${expectedVersion}`
          : `indicators ${year} are not on file, so not at version ${expectedVersion}`,
        { currentVersion: existing?.version ?? null },
      );
    const now = new Date();
    if (existing && canonical(existing.data) === canonical(data))
      return { created: false, changed: false, view: toIndicatorsView(existing) };
    let row: AnnualIndicatorsEntity;
    if (!existing) {
      row = { id: randomUUID(), enterpriseId, year, data, version: 1, createdAt: now, updatedAt: now };
      await manager.insert(AnnualIndicatorsEntity, row);
    } else {
      const update = await manager
        .createQueryBuilder()
        .update(AnnualIndicatorsEntity)
        .set({ data, version: () => 'version + 1', updatedAt: now })
        .where('id = :id AND version = :version', { id: existing.id, version: existing.version })
        .execute();
      if (update.affected !== 1)
        throw conflict('CONCURRENT_UPDATE', `indicators ${year} were changed by someone else; retry`);
      row = { ...existing, data, version: existing.version + 1, updatedAt: now };
    }
    await appendAudit(manager, {
      entityType: 'annual_indicators',
      entityId: `${enterpriseId}:${year}`,
      event: existing ? 'INDICATORS_UPDATED' : 'INDICATORS_FILED',
      actorId: actor.id,
      payload: { enterpriseId, year, before: existing?.data ?? null, after: data },
    });
    await appendOutbox(manager, [
      {
        topic: 'indicators.filed',
        aggregateType: 'enterprise',
        aggregateId: enterpriseId,
        payload: { year, version: row.version },
      },
    ]);
    return { created: !existing, changed: true, view: toIndicatorsView(row) };
  }

  /** Every filed year, newest first; an enterprise that does not exist is a 404, not an empty list. */
  async list(enterpriseId: string) {
    const rows = await this.dataSource
      .getRepository(AnnualIndicatorsEntity)
      .find({ where: { enterpriseId }, order: { year: 'DESC' } });
    if (!rows.length && !(await this.dataSource.getRepository(EnterpriseEntity).existsBy({ id: enterpriseId })))
      throw notFound('enterprise', enterpriseId);
    return { items: rows.map(toIndicatorsView), total: rows.length };
  }

  async get(enterpriseId: string, year: number) {
    const row = await this.dataSource.getRepository(AnnualIndicatorsEntity).findOne({ where: { enterpriseId, year } });
    if (!row) throw notFound(`indicators for ${year} of enterprise`, enterpriseId);
    return toIndicatorsView(row);
  }
}
