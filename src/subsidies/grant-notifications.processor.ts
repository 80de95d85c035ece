import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { TransitionService } from '../state/transition.service';
import { UserEntity } from '../users/user.entity';
import { GrantEntity } from './grant.entity';
import { GRANT_MACHINE_ID } from './grant.machine';
import { ProgrammeEntity } from './programme.entity';
import { dataRequest } from './rules/fast-application';

/**
 * Tells people about grants, in the transaction that marks the event processed (dedupe keys make a redelivery
 * quiet): the enterprise's users when a grant is matched (`grant.matched`, and the grant moves to `notified`) or
 * needs data (`grant.needs_data`, 快申快享), managers when a confirmed grant awaits approval. An enterprise without
 * user accounts is not notified in-app; its grant stays `eligible` until a caseworker notifies it by other means.
 */
@Injectable()
export class GrantNotificationsProcessor {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly transitions: TransitionService,
  ) {}

  /** New grants of one write (a page of a batch, or one event). */
  @OnOutboxEvent('grants.matched')
  async onMatchedMany(event: OutboxEventEntity, manager: EntityManager) {
    const ids = Array.isArray(event.payload?.grantIds) ? (event.payload.grantIds as string[]) : [];
    await this.announce(manager, ids);
  }

  /** A waitlisted grant promoted, or a needs-data grant filled. */
  @OnOutboxEvent('grant.matched')
  async onMatchedOne(event: OutboxEventEntity, manager: EntityManager) {
    await this.announce(manager, [event.aggregateId]);
  }

  @OnOutboxEvent('grant.confirmed')
  async onConfirmed(event: OutboxEventEntity, manager: EntityManager) {
    const grant = await manager.findOne(GrantEntity, { where: { id: event.aggregateId } });
    if (!grant || grant.state !== 'confirmed') return;
    await this.notifications.notifyIn(
      manager,
      { roles: ['manager'] },
      'grant.awaiting_approval',
      `grant.awaiting_approval:${grant.id}`,
      {
        grantId: grant.id,
        enterpriseId: grant.enterpriseId,
        programmeCode: grant.programmeCode,
        period: grant.period,
        amount: grant.amount,
        initiatedBy: grant.initiatedBy,
      },
    );
  }

  private async announce(manager: EntityManager, ids: string[]) {
    if (!ids.length) return;
    const grants = await manager.find(GrantEntity, {
      where: { id: In(ids), state: In(['eligible', 'needs_data']) },
      order: { id: 'ASC' },
    });
    if (!grants.length) return;
    const enterprises = [...new Set(grants.map((g) => g.enterpriseId))];
    const withUsers = new Set(
      (
        await manager.find(UserEntity, {
          where: { enterpriseId: In(enterprises), active: true },
          select: { id: true, enterpriseId: true },
        })
      ).map((u) => u.enterpriseId),
    );
    const names = new Map(
      (
        await manager.find(ProgrammeEntity, {
          where: { id: In([...new Set(grants.map((g) => g.programmeId))]) },
          select: { id: true, name: true },
        })
      ).map((p) => [p.id, p.name]),
    );
    for (const grant of grants) {
      if (!withUsers.has(grant.enterpriseId)) continue;
      const about = {
        grantId: grant.id,
        programmeCode: grant.programmeCode,
        programmeName: names.get(grant.programmeId) ?? null,
        period: grant.period,
        amount: grant.amount,
      };
      if (grant.state === 'needs_data') {
        await this.notifications.notifyIn(
          manager,
          { enterpriseId: grant.enterpriseId },
          'grant.needs_data',
          `grant.needs_data:${grant.id}`,
          { ...about, request: dataRequest(grant.missing, grant.trigger) },
        );
        continue;
      }
      await this.notifications.notifyIn(
        manager,
        { enterpriseId: grant.enterpriseId },
        'grant.matched',
        `grant.matched:${grant.id}`,
        about,
      );
      await this.transitions.applyIn(manager, {
        machineId: GRANT_MACHINE_ID,
        entityId: grant.id,
        event: { type: 'NOTIFY', by: null, channel: 'in_app' },
        actor: SYSTEM_ACTOR,
      });
    }
  }
}
