import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import type { Actor } from '../auth/actor';
import { notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { Role, UserEntity } from '../users/user.entity';
import { NotificationEntity } from './notification.entity';

/** Who should hear of something: named users, everyone with a role, or the users of an enterprise. */
export interface Recipients {
  userIds?: (string | null | undefined)[];
  roles?: Role[];
  enterpriseId?: string;
}

/**
 * In-app notifications. Senders call `notifyIn` inside the transaction of the change (usually an outbox subscriber),
 * so a notification exists exactly when its cause committed; the dedupe key makes a redelivery a no-op.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async notifyIn(
    manager: EntityManager,
    to: Recipients,
    kind: string,
    dedupeKey: string,
    payload: Record<string, any>,
  ) {
    const candidates = await this.rowsFor(manager, to, kind, dedupeKey, payload);
    if (!candidates.length) return 0;
    const existing = new Set(
      (
        await manager.find(NotificationEntity, {
          where: { userId: In(candidates.map((r) => r.userId)), dedupeKey },
          select: { userId: true },
        })
      ).map((n) => n.userId),
    );
    const rows = candidates.filter((r) => !existing.has(r.userId));
    if (rows.length) await manager.insert(NotificationEntity, rows);
    return rows.length;
  }

  /**
   * The rows `notifyIn` would insert, before de-duplication: for a writer that inserts them itself, skipping users
   * who already have the key (unique on user and key: insert with ON CONFLICT DO NOTHING).
   */
  async rowsFor(
    manager: EntityManager,
    to: Recipients,
    kind: string,
    dedupeKey: string,
    payload: Record<string, any>,
  ): Promise<NotificationEntity[]> {
    const ids = new Set((to.userIds ?? []).filter((id): id is string => !!id));
    if (to.roles?.length)
      for (const u of await manager.find(UserEntity, {
        where: { role: In(to.roles), active: true },
        select: { id: true },
      }))
        ids.add(u.id);
    if (to.enterpriseId)
      for (const u of await manager.find(UserEntity, {
        where: { enterpriseId: to.enterpriseId, active: true },
        select: { id: true },
      }))
        ids.add(u.id);
    return [...ids].map((userId) => ({
      id: randomUUID(),
      userId,
      kind,
      dedupeKey,
      payload,
      createdAt: new Date(),
      readAt: null,
    }));
  }

  async list(actor: Actor, unreadOnly: boolean, page: number, pageSize: number) {
    const where = { userId: actor.id!, ...(unreadOnly ? { readAt: IsNull() } : {}) };
    const repo = this.dataSource.getRepository(NotificationEntity);
    const [rows, total] = await repo.findAndCount({
      where,
      order: { createdAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    const unread = await repo.count({ where: { userId: actor.id!, readAt: IsNull() } });
    return { items: rows.map(toView), total, unread };
  }

  async markRead(actor: Actor, id: string) {
    return this.tx.run(async (manager) => {
      const row = await manager.findOne(NotificationEntity, { where: { id, userId: actor.id! } });
      if (!row) throw notFound('notification', id);
      if (!row.readAt) await manager.update(NotificationEntity, { id }, { readAt: new Date() });
      return toView({ ...row, readAt: row.readAt ?? new Date() });
    });
  }

  async markAllRead(actor: Actor) {
    const result = await this.tx.run((m) =>
      m.update(NotificationEntity, { userId: actor.id!, readAt: IsNull() }, { readAt: new Date() }),
    );
    return { marked: result.affected ?? 0 };
  }
}

function toView(n: NotificationEntity) {
  return {
    id: n.id,
    kind: n.kind,
    payload: n.payload,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt ? new Date(n.readAt).toISOString() : null,
  };
}
