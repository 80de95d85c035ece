import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { ReviewerConflictEntity } from './application.entities';
import { DeclareConflictDto } from './application.dto';

/** Reviewers' declared affiliations (回避): the panel draw never picks them for that enterprise. */
@Injectable()
export class ReviewerConflictsService {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Declaring the same affiliation again returns the existing declaration, also when two declarations race: the
   * unique key (reviewer, enterprise) lets one insert win and the other read what it wrote.
   */
  declare(dto: DeclareConflictDto, actor: Actor) {
    return this.tx.run(async (manager) => {
      if (!(await manager.exists(EnterpriseEntity, { where: { id: dto.enterpriseId } })))
        throw notFound('enterprise', dto.enterpriseId);
      const key = { reviewerId: actor.id!, enterpriseId: dto.enterpriseId };
      const existing = await manager.findOne(ReviewerConflictEntity, { where: key });
      if (existing) return existing;
      const row = { id: randomUUID(), ...key, reason: dto.reason, createdAt: new Date() };
      // ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): a declaration committed meanwhile is kept, not doubled.
      await manager.createQueryBuilder().insert().into(ReviewerConflictEntity).values(row).orIgnore().execute();
      const kept = await manager.findOneOrFail(ReviewerConflictEntity, { where: key });
      if (kept.id !== row.id) return kept;
      await appendAudit(manager, {
        entityType: 'reviewer_conflict',
        entityId: row.id,
        event: 'DECLARED',
        actorId: actor.id,
        payload: { ...dto },
      });
      return row;
    });
  }

  /**
   * The reviewer's declarations, each with the enterprise's name (`enterpriseName`, added beside the declaration's
   * fields): the reviewer may not open those enterprises' records, being on none of their panels.
   */
  async mine(actor: Actor) {
    const items = await this.dataSource
      .getRepository(ReviewerConflictEntity)
      .find({ where: { reviewerId: actor.id! }, order: { createdAt: 'DESC' } });
    const names = new Map(
      (
        await this.dataSource.getRepository(EnterpriseEntity).find({
          where: { id: In([...new Set(items.map((c) => c.enterpriseId))]) },
          select: { id: true, name: true },
        })
      ).map((e) => [e.id, e.name]),
    );
    return {
      items: items.map((c) => ({ ...c, enterpriseName: names.get(c.enterpriseId) ?? null })),
      total: items.length,
    };
  }
}
