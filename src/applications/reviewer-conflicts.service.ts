import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
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

  /** Declaring the same affiliation again returns the existing declaration. */
  declare(dto: DeclareConflictDto, actor: Actor) {
    return this.tx.run(async (manager) => {
      if (!(await manager.exists(EnterpriseEntity, { where: { id: dto.enterpriseId } })))
        throw notFound('enterprise', dto.enterpriseId);
      const existing = await manager.findOne(ReviewerConflictEntity, {
        where: { reviewerId: actor.id!, enterpriseId: dto.enterpriseId },
      });
      if (existing) return existing;
      const row = {
        id: randomUUID(),
        reviewerId: actor.id!,
        enterpriseId: dto.enterpriseId,
        reason: dto.reason,
        createdAt: new Date(),
      };
      await manager.insert(ReviewerConflictEntity, row);
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

  async mine(actor: Actor) {
    const items = await this.dataSource
      .getRepository(ReviewerConflictEntity)
      .find({ where: { reviewerId: actor.id! }, order: { createdAt: 'DESC' } });
    return { items, total: items.length };
  }
}
