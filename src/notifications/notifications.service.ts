import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { Actor } from '../auth/actor';
import { notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { NEW_ID, RowWrite, writeRows } from '../state/transition-sql';
import type { Role } from '../users/user.entity';
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

  /** Notifies inside the caller's transaction, in one statement; returns how many users were notified now. */
  async notifyIn(
    manager: EntityManager,
    to: Recipients,
    kind: string,
    dedupeKey: string,
    payload: Record<string, any>,
  ): Promise<number> {
    const write = this.writeFor(to, kind, dedupeKey, payload);
    return write ? writeRows(manager, write) : 0;
  }

  /**
   * The notifications as one write, for a transition's own statement (`writeTransition`) or `notifyIn`: the
   * recipients are found by the write itself (INSERT … SELECT over users), so nothing reads them first; a user who
   * already has the key is skipped (unique on user and key: ON CONFLICT DO NOTHING). Named users are notified if they
   * exist, users found by role or enterprise only while active. Null when there is nobody to ask for.
   */
  writeFor(to: Recipients, kind: string, dedupeKey: string, payload: Record<string, any>): RowWrite | null {
    const ids = [...new Set((to.userIds ?? []).filter((id): id is string => !!id))];
    const roles = to.roles ?? [];
    if (!ids.length && !roles.length && !to.enterpriseId) return null;
    const row: Partial<NotificationEntity> = { kind, dedupeKey, payload, createdAt: new Date(), readAt: null };
    return {
      entity: NotificationEntity,
      row,
      conflictOn: ['userId', 'dedupeKey'],
      onConflict: 'ignore',
      forEach: {
        from: 'users u',
        // On PostgreSQL one array parameter per list, so the statement's text (a prepared statement's name) does not
        // change with the number of recipients.
        where: (param, postgres) => {
          const oneOf = (values: string[]) =>
            postgres ? `= ANY(${param(values)})` : `IN (${values.map(param).join(', ')})`;
          return [
            ids.length ? `u.id ${oneOf(ids)}` : '',
            roles.length ? `(u.active AND u.role ${oneOf(roles)})` : '',
            to.enterpriseId ? `(u.active AND u.enterprise_id = ${param(to.enterpriseId)})` : '',
          ]
            .filter(Boolean)
            .join(' OR ');
        },
        columns: { id: NEW_ID, userId: 'u.id' },
      },
    };
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
