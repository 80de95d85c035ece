import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, notFound, validationFailed } from '../common/domain-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { toEnterpriseView } from '../enterprises/enterprise.view';
import { addDays } from '../grading/rules/dates';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { AnnualIndicatorsEntity } from '../indicators/annual-indicators.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { UserEntity } from '../users/user.entity';
import { VisitDueEntity, VisitEntity, VisitNeedEntity } from './casework.entities';
import { AssignCaseworkerDto, RecordVisitDto, UpdateNeedDto } from './casework.dto';
import type { VisitPolicy } from './visit-policy';

/** One-to-one casework (一企一专员): assignments, follow-up visits with needs, and the visits that are due. */
@Injectable()
export class CaseworkService {
  private readonly policy: VisitPolicy;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {
    this.policy = config.visits;
  }

  async assign(enterpriseId: string, dto: AssignCaseworkerDto, actor: Actor) {
    const enterprise = await this.tx.run(async (manager) => {
      const current = await manager.findOne(EnterpriseEntity, { where: { id: enterpriseId } });
      if (!current) throw notFound('enterprise', enterpriseId);
      if (dto.caseworkerId) {
        const user = await manager.findOne(UserEntity, { where: { id: dto.caseworkerId } });
        if (!user || user.role !== 'caseworker' || !user.active)
          throw validationFailed([{ field: 'caseworkerId', reason: 'must be the id of an active caseworker' }]);
      }
      const before = current.caseworkerId ?? null;
      const after = dto.caseworkerId ?? null;
      // The same assignment again changes nothing: no audit event, no second notification.
      if (before === after) return current;
      // Compare-and-set against what was read: two managers assigning at once do not both notify and audit.
      const set = await manager.update(
        EnterpriseEntity,
        { id: enterpriseId, caseworkerId: before ?? IsNull() },
        { caseworkerId: after },
      );
      if (set.affected !== 1)
        throw conflict('CONCURRENT_UPDATE', `The caseworker of enterprise ${enterpriseId} changed meanwhile; reload`);
      await appendAudit(manager, {
        entityType: 'enterprise',
        entityId: enterpriseId,
        event: 'CASEWORKER_ASSIGNED',
        actorId: actor.id,
        payload: { before: current.caseworkerId ?? null, after: dto.caseworkerId ?? null },
      });
      if (dto.caseworkerId)
        await this.notifications.notifyIn(
          manager,
          { userIds: [dto.caseworkerId] },
          'casework.assigned',
          `assign:${enterpriseId}:${dto.caseworkerId}:${Date.now()}`,
          {
            enterpriseId,
            name: current.name,
          },
        );
      return manager.findOneByOrFail(EnterpriseEntity, { id: enterpriseId });
    });
    return toEnterpriseView(enterprise);
  }

  /** Records a visit; the open due visits of the enterprise's recognitions up to its date are done by it. */
  async recordVisit(enterpriseId: string, dto: RecordVisitDto, actor: Actor) {
    if (dto.date > chinaToday())
      throw validationFailed([{ field: 'date', reason: 'a visit cannot be recorded before it happens' }]);
    return this.tx.run(async (manager) => {
      if (!(await manager.exists(EnterpriseEntity, { where: { id: enterpriseId } })))
        throw notFound('enterprise', enterpriseId);
      const now = new Date();
      const visit: VisitEntity = {
        id: randomUUID(),
        enterpriseId,
        visitedOn: dto.date,
        kind: dto.kind,
        notes: dto.notes,
        caseworkerId: actor.id,
        createdAt: now,
      };
      await manager.insert(VisitEntity, visit);
      const needs: VisitNeedEntity[] = dto.needs.map((n) => ({
        id: randomUUID(),
        visitId: visit.id,
        enterpriseId,
        category: n.category,
        text: n.text,
        status: 'open',
        outcome: null,
        resolvedBy: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      }));
      if (needs.length) await manager.insert(VisitNeedEntity, needs);
      // A visit fulfils the follow-ups of recognitions on or before its date (a due visit falls due `dueWithinDays`
      // after its recognition), not one that came after it: a back-dated visit must not close a later follow-up.
      await manager.update(
        VisitDueEntity,
        { enterpriseId, status: 'open', dueOn: LessThanOrEqual(addDays(dto.date, this.policy.dueWithinDays)) },
        { status: 'done', visitId: visit.id },
      );
      await appendAudit(manager, {
        entityType: 'enterprise',
        entityId: enterpriseId,
        event: 'VISIT_RECORDED',
        actorId: actor.id,
        payload: { visitId: visit.id, ...dto },
      });
      return { ...visit, createdAt: now.toISOString(), needs: needs.map(toNeedView) };
    });
  }

  async visits(enterpriseId: string) {
    const visits = await this.dataSource
      .getRepository(VisitEntity)
      .find({ where: { enterpriseId }, order: { visitedOn: 'DESC' } });
    const needs = visits.length
      ? await this.dataSource
          .getRepository(VisitNeedEntity)
          .find({ where: { visitId: In(visits.map((v) => v.id)) }, order: { createdAt: 'ASC' } })
      : [];
    const due = await this.dataSource
      .getRepository(VisitDueEntity)
      .find({ where: { enterpriseId }, order: { dueOn: 'ASC' } });
    return {
      items: visits.map((v) => ({
        ...v,
        createdAt: new Date(v.createdAt).toISOString(),
        needs: needs.filter((n) => n.visitId === v.id).map(toNeedView),
      })),
      total: visits.length,
      due: due.map((d) => ({ ...d, createdAt: new Date(d.createdAt).toISOString() })),
    };
  }

  /** Tracks a need to resolution; optimistic locking keeps two editors from overwriting each other. */
  async updateNeed(enterpriseId: string, needId: string, dto: UpdateNeedDto, actor: Actor) {
    if ((dto.status === 'resolved' || dto.status === 'unresolvable') && !dto.outcome)
      throw validationFailed([{ field: 'outcome', reason: `outcome is required when a need is ${dto.status}` }]);
    return this.tx.run(async (manager) => {
      const need = await manager.findOne(VisitNeedEntity, { where: { id: needId, enterpriseId } });
      if (!need) throw notFound('need', needId);
      if (dto.version !== undefined && dto.version !== need.version)
        throw conflict('STALE_VERSION', `need ${needId} is at version ${need.version}, not ${dto.version}`, {
          currentVersion: need.version,
        });
      const closing = dto.status === 'resolved' || dto.status === 'unresolvable';
      const result = await manager
        .createQueryBuilder()
        .update(VisitNeedEntity)
        .set({
          status: dto.status,
          outcome: dto.outcome ?? need.outcome,
          resolvedBy: closing ? actor.id : null,
          version: () => 'version + 1',
          updatedAt: new Date(),
        })
        .where('id = :id AND version = :version', { id: needId, version: need.version })
        .execute();
      if (result.affected !== 1)
        throw conflict('CONCURRENT_UPDATE', 'the need was changed by someone else; reload and retry');
      await appendAudit(manager, {
        entityType: 'visit_need',
        entityId: needId,
        event: 'NEED_UPDATED',
        from: need.status,
        to: dto.status,
        actorId: actor.id,
        payload: { ...dto },
      });
      return toNeedView(await manager.findOneByOrFail(VisitNeedEntity, { id: needId }));
    });
  }

  /** A caseworker's own enterprises with what is due: visits, open needs, open applications, notices of the sweep. */
  async mine(actor: Actor) {
    const today = chinaToday();
    const enterprises = await this.dataSource
      .getRepository(EnterpriseEntity)
      .find({ where: { caseworkerId: actor.id! }, order: { name: 'ASC' } });
    const ids = enterprises.map((e) => e.id);
    if (!ids.length) return { items: [], total: 0 };
    const [due, needs, applications] = [
      await this.dataSource.getRepository(VisitDueEntity).find({ where: { enterpriseId: In(ids), status: 'open' } }),
      await this.dataSource
        .getRepository(VisitNeedEntity)
        .find({ where: { enterpriseId: In(ids), status: In(['open', 'in_progress']) } }),
      await this.dataSource.query(
        `SELECT enterprise_id, COUNT(*) AS n FROM applications WHERE enterprise_id IN (${ids.map((_, i) => (this.tx.isPostgres ? `$${i + 1}` : '?')).join(',')}) AND state NOT IN ('recognised', 'rejected', 'withdrawn') GROUP BY enterprise_id`,
        ids,
      ),
    ];
    const openApps = new Map<string, number>(
      applications.map((r: { enterprise_id: string; n: string | number }) => [r.enterprise_id, Number(r.n)]),
    );
    const items = enterprises.map((e) => {
      const visitsDue = due
        .filter((d) => d.enterpriseId === e.id)
        .map((d) => ({ id: d.id, reason: d.reason, dueOn: d.dueOn, overdue: d.dueOn < today }));
      return {
        enterprise: toEnterpriseView(e),
        visitsDue,
        openNeeds: needs.filter((n) => n.enterpriseId === e.id).length,
        openApplications: openApps.get(e.id) ?? 0,
        attention: visitsDue.some((v) => v.overdue) ? 'overdue' : visitsDue.length ? 'visit_due' : 'ok',
      };
    });
    return { items, total: items.length };
  }

  /** A newly recognised high-tech enterprise of modest size gets a follow-up visit due (跟踪回访). */
  @OnOutboxEvent('tier.recognised')
  async onRecognised(event: OutboxEventEntity, manager: EntityManager) {
    const payload = event.payload as {
      tier: string;
      certificationId: string | null;
      issuedOn: string | null;
      at: string;
    };
    if (payload.tier !== 'high_tech') return;
    const enterpriseId = event.aggregateId;
    const latest = await manager.findOne(AnnualIndicatorsEntity, { where: { enterpriseId }, order: { year: 'DESC' } });
    const employees = latest?.data.employees;
    if (employees !== undefined && employees > this.policy.maxEmployees) return;
    if (
      await manager.exists(VisitDueEntity, {
        where: { enterpriseId, reason: 'high_tech_recognised', certificationId: payload.certificationId ?? Not('') },
      })
    )
      return;
    // The day of recognition in China: from 16:00 UTC on, the UTC date is the day before.
    const dueOn = addDays(chinaToday(Date.parse(payload.at)), this.policy.dueWithinDays);
    const due: VisitDueEntity = {
      id: randomUUID(),
      enterpriseId,
      reason: 'high_tech_recognised',
      certificationId: payload.certificationId,
      dueOn,
      status: 'open',
      visitId: null,
      createdAt: new Date(),
    };
    await manager.insert(VisitDueEntity, due);
    const enterprise = await manager.findOneByOrFail(EnterpriseEntity, { id: enterpriseId });
    await this.notifications.notifyIn(
      manager,
      { userIds: [enterprise.caseworkerId], roles: enterprise.caseworkerId ? [] : ['caseworker'] },
      'visit.due',
      `visit-due:${due.id}`,
      { enterpriseId, name: enterprise.name, dueOn },
    );
  }
}

function toNeedView(n: VisitNeedEntity) {
  return { ...n, createdAt: new Date(n.createdAt).toISOString(), updatedAt: new Date(n.updatedAt).toISOString() };
}
