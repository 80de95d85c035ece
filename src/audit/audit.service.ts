import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditQueryDto } from './audit.dto';

/** Reads the audit log; writing is `appendAudit` inside the transaction of each change, and nothing else. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: AuditQueryDto) {
    const where = {
      ...(query.entityType ? { entityType: query.entityType } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
    };
    const [rows, total] = await this.dataSource.getRepository(AuditEventEntity).findAndCount({
      where,
      order: { at: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    // Who acted, by name (`actor`, beside `actorId`): one read for the page's distinct actors.
    const actorIds = [...new Set(rows.map((row) => row.actorId).filter((id): id is string => !!id))];
    const users = actorIds.length
      ? await this.dataSource
          .getRepository(UserEntity)
          .find({ where: { id: In(actorIds) }, select: { id: true, username: true, displayName: true } })
      : [];
    const byId = new Map(users.map((u) => [u.id, { username: u.username, displayName: u.displayName }]));
    const items = rows.map((row) => ({
      ...row,
      at: new Date(row.at).toISOString(),
      actor: row.actorId ? (byId.get(row.actorId) ?? null) : null,
    }));
    return { items, total };
  }
}
