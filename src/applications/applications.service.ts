import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, In, Not } from 'typeorm';
import type { AnyMachineSnapshot } from 'xstate';
import { hydrate, readRows, selectColumns } from '../database/entity-rows';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OwnershipRegistry } from '../auth/ownership.registry';
import { WorkingCalendar } from '../calendar/working-calendar.service';
import { barFor } from '../certifications/certification.rules';
import { barred, CertificationsService } from '../certifications/certifications.service';
import { conflict, DomainError, notFound } from '../common/domain-error';
import { Page } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { GradingService } from '../grading/grading.service';
import { NotificationsService, Recipients } from '../notifications/notifications.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { MachineRegistry } from '../state/machine-registry';
import { eventTypesFrom } from '../state/snapshot-tools';
import { RowWrite, TransitionService } from '../state/transition.service';
import { ApplicationDeadlines, DeadlinePlan, toDeadlineView } from './application-deadlines';
import { ApplicationEventBuilder, reviewerRows } from './application-event-builder';
import type { ApplicationSettings } from './application-settings';
import { ApplicationDeadlineEntity, ApplicationEntity } from './application.entities';
import { ApplicationEventDto, CreateApplicationDto, ListApplicationsQueryDto } from './application.dto';
import {
  FINAL_APPLICATION_STATES,
  APPLICATION_MACHINE_ID,
  APPLICATION_MACHINE_VERSION,
  ApplicationContext,
  applicationMachine,
  onTierPath,
  type LapseReason,
} from './application.machine';
import { refusal, SYSTEM_EVENTS } from './application.policy';
import { nextCertificateNumber } from './certificate-numbers';

/** The bureau's own officers see an application whole; reviewers and enterprises see parts of it (`view`). */
const STAFF = ['admin', 'manager', 'caseworker'];

/**
 * The reviewer `reviewer` (a placeholder) sits on the panel of application `a`: drawn, and `pending` (yet to score)
 * or any status but declined. The one condition behind the guard's panel rules and the reviewers' queues.
 */
const onPanel = (reviewer: string, status: 'pending' | 'seated' = 'seated') =>
  `EXISTS (SELECT 1 FROM application_reviewers r WHERE r.application_id = a.id AND r.reviewer_id = ${reviewer} AND ` +
  `${status === 'pending' ? "r.status = 'pending'" : "r.status <> 'declined'"})`;

/** Certification applications: creation, events through the one transition mechanism, queues and the notice close. */
@Injectable()
export class ApplicationsService implements OnModuleInit {
  readonly settings: ApplicationSettings;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machines: MachineRegistry,
    private readonly transitions: TransitionService,
    private readonly certifications: CertificationsService,
    private readonly grading: GradingService,
    private readonly calendar: WorkingCalendar,
    private readonly notifications: NotificationsService,
    private readonly ownership: OwnershipRegistry,
    private readonly relay: OutboxRelay,
  ) {
    this.settings = config.procedure;
  }

  private withDeadlinesSql?: string;

  onModuleInit() {
    this.machines.register({
      id: APPLICATION_MACHINE_ID,
      version: APPLICATION_MACHINE_VERSION,
      machine: applicationMachine as never,
      entity: ApplicationEntity,
      entityType: 'application',
    });
    this.ownership.register('application', async (id) => {
      const row = await this.dataSource
        .getRepository(ApplicationEntity)
        .findOne({ where: { id }, select: { enterpriseId: true } });
      return row?.enterpriseId ?? null;
    });
    // A reviewer reads the applications they were drawn for, and their enterprises' records, until they decline (a
    // declared conflict, say). The registry list stays open to them: they search it to declare an affiliation.
    const seated = (column: 'a.id' | 'a.enterprise_id') => async (id: string, reviewerId: string) =>
      (
        await readRows(
          this.dataSource.manager,
          `SELECT 1 AS found FROM applications a WHERE ${column} = $1 AND ${onPanel('$2')} LIMIT 1`,
          [id, reviewerId],
        )
      ).length > 0;
    this.ownership.registerPanel('application', seated('a.id'));
    this.ownership.registerPanel('enterprise', seated('a.enterprise_id'));
  }

  /** Refused when the enterprise is barred from the tier, holds it beyond this year, has exited, or already applies. */
  async create(dto: CreateApplicationDto, actor: Actor) {
    const today = chinaToday();
    const app = await this.tx.run(async (manager) => {
      // Locked (PostgreSQL; SQLite's transactions take turns anyway) so that applications created at once for one
      // enterprise take turns too, and the second sees the first in its open-application check.
      const enterprise = await manager.findOne(EnterpriseEntity, {
        where: { id: dto.enterpriseId },
        ...(this.tx.isPostgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
      if (!enterprise) throw notFound('enterprise', dto.enterpriseId);
      if (enterprise.state === 'exited') throw conflict('ENTERPRISE_EXITED', 'The enterprise has exited the region');
      const history = await this.certifications.historyIn(manager, dto.enterpriseId);
      const bar = barFor(history, dto.targetTier, today);
      if (bar) throw barred(dto.targetTier, bar.until, bar.reason);
      // Re-recognition is applied for in the expiry year; before that the tier is simply held.
      const held = history.find(
        (c) => c.tier === dto.targetTier && c.status === 'active' && c.validUntil > `${today.slice(0, 4)}-12-31`,
      );
      const heldThisYear =
        dto.targetTier === 'tech_sme' && history.some((c) => c.tier === 'tech_sme' && c.status === 'active');
      if (held || heldThisYear)
        throw conflict('TIER_ALREADY_HELD', `The enterprise already holds ${dto.targetTier}`, {
          validUntil: (held ?? history.find((c) => c.tier === 'tech_sme' && c.status === 'active'))!.validUntil,
        });
      const open = await manager.findOne(ApplicationEntity, {
        where: {
          enterpriseId: dto.enterpriseId,
          targetTier: dto.targetTier,
          state: Not(In([...FINAL_APPLICATION_STATES])),
        },
      });
      if (open)
        throw conflict('APPLICATION_ALREADY_OPEN', `Application ${open.id} for ${dto.targetTier} is still open`, {
          applicationId: open.id,
        });
      const now = new Date();
      const row = Object.assign(new ApplicationEntity(), {
        id: randomUUID(),
        enterpriseId: dto.enterpriseId,
        targetTier: dto.targetTier,
        assigneeId: null,
        noticeEndsOn: null,
        evaluation: null,
        createdBy: actor.id,
        certificationId: null,
        ...this.machines.initialColumns(APPLICATION_MACHINE_ID, { targetTier: dto.targetTier }),
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(ApplicationEntity, row);
      await appendAudit(manager, {
        entityType: 'application',
        entityId: row.id,
        event: 'CREATED',
        to: row.state,
        actorId: actor.id,
        payload: { ...dto },
      });
      return row;
    });
    return this.view(app, actor, today);
  }

  async get(id: string, actor: Actor) {
    const app = await this.dataSource.getRepository(ApplicationEntity).findOne({ where: { id } });
    if (!app) throw notFound('application', id);
    return this.view(app, actor, chinaToday(), await this.deadlines(id));
  }

  /** Applies a client's event: policy first (403/404), then the machine through the transition service (409). */
  async send(id: string, dto: ApplicationEventDto, actor: Actor) {
    const today = chinaToday();
    let outsider = false;
    // Reads, then the transition's one version-checked statement: no transaction needed on PostgreSQL (a row changed
    // since it was read is a 409), so none is held open while the event is built.
    const { result, deadlines } = await this.tx.readThenWrite(async (manager) => {
      // The application and its deadlines in one read; the transition returns the row as written.
      const app = await this.readWithDeadlines(manager, id);
      if (!app) throw notFound('application', id);
      const context = app.snapshot.context as ApplicationContext;
      // Someone who may not read the application (another enterprise, a reviewer not on its panel) may still object
      // during the public notice; any refusal it meets answers as if the application did not exist.
      outsider = !this.mayRead(app, actor);
      const loaded = this.transitions.restore(APPLICATION_MACHINE_ID, app);
      try {
        this.checkEvent(app, loaded.snapshot, dto, actor);
      } catch (error) {
        throw outsider && error instanceof DomainError ? notFound('application', id) : error;
      }
      const built = await new ApplicationEventBuilder(manager, this.grading, this.calendar, this.settings).build(
        app,
        context,
        dto,
        actor,
        today,
      );
      let plan: DeadlinePlan | undefined;
      const result = await this.transitions.applyIn(manager, {
        machineId: APPLICATION_MACHINE_ID,
        entityId: id,
        event: built.event,
        actor,
        loaded,
        expectedVersion: app.version,
        columns: (next) => {
          const ctx = next.context as ApplicationContext;
          return {
            noticeEndsOn: ctx.noticeEndsOn,
            ...(dto.type === 'ACCEPT' ? { assigneeId: actor.id } : {}),
            ...(built.evaluation ? { evaluation: built.evaluation } : {}),
          };
        },
        // Deadlines, reminders, panel rows and notifications are written in the transition's own statement.
        writes: async (next) => {
          const deadlines = new ApplicationDeadlines(manager, this.calendar, this.settings);
          plan = await deadlines.plan(id, app.deadlines, dto.type, next.to, today);
          const { rows = [] } = ApplicationDeadlines.writes(plan);
          const ctx = next.snapshot.context as ApplicationContext;
          const reviewers = ['DRAW_PANEL', 'DECLINE', 'SCORE'].includes(dto.type) ? reviewerRows(id, ctx.panel) : [];
          const notifications = this.notify(app, dto.type, next.to, ctx);
          return { rows: [...built.rows, ...rows, ...reviewers, ...notifications] };
        },
      });
      return { result, deadlines: plan!.rows };
    });
    this.relay.nudge();
    // An objection from outside gets a receipt, not the application (its evaluation holds the enterprise's figures).
    if (outsider) return { id, state: result.to, received: dto.type, on: today };
    return this.view(result.row as ApplicationEntity, actor, today, deadlines, result.allowedEvents);
  }

  /** Refuses an event this person may not send (403/404), on a version they did not see, or the state does not take. */
  private checkEvent(app: ApplicationEntity, snapshot: AnyMachineSnapshot, dto: ApplicationEventDto, actor: Actor) {
    const denied = refusal(dto.type, actor, this.subject(app));
    if (denied) throw new DomainError(denied.status, denied.code, denied.message);
    if (dto.expectedVersion !== undefined && dto.expectedVersion !== app.version)
      throw conflict(
        'STALE_VERSION',
        `application ${app.id} is at version ${app.version}, not ${dto.expectedVersion}`,
        {
          currentVersion: app.version,
        },
      );
    if (!eventTypesFrom(snapshot).includes(dto.type))
      throw conflict('EVENT_NOT_ALLOWED', `${dto.type} is not allowed in state ${app.state}`, {
        state: app.state,
        allowedEvents: this.allowed(app, actor),
      });
  }

  /** Officers, the applicant enterprise, and reviewers drawn for the panel (until they decline) read an application. */
  private mayRead(app: ApplicationEntity, actor: Actor) {
    if (STAFF.includes(actor.role)) return true;
    if (actor.role === 'enterprise') return actor.enterpriseId === app.enterpriseId;
    const panel = (app.snapshot.context as ApplicationContext).panel;
    return actor.role === 'reviewer' && panel.some((m) => m.id === actor.id && m.status !== 'declined');
  }

  /**
   * Closes a notice whose 10 working days have passed with no open objection (the daily sweep): the application is
   * recognised, a certificate number is issued, and the tier machine receives RECOGNISED (first or renewal). When the
   * enterprise has exited or been barred from the tier meanwhile, it is rejected instead (LAPSE) and the enterprise told.
   */
  async closeNotice(
    manager: EntityManager,
    app: ApplicationEntity,
    asOf: string,
    actor: Actor,
  ): Promise<'recognised' | LapseReason> {
    const lapse = await this.lapseReason(manager, app, asOf);
    const event = lapse
      ? { type: 'LAPSE' as const, reason: lapse, on: asOf }
      : { type: 'CLOSE_NOTICE' as const, on: asOf };
    await this.transitions.applyIn(manager, {
      machineId: APPLICATION_MACHINE_ID,
      entityId: app.id,
      event,
      actor,
      expectedVersion: app.version,
      writes: async (next) => {
        const current = await manager.find(ApplicationDeadlineEntity, { where: { applicationId: app.id } });
        const deadlines = new ApplicationDeadlines(manager, this.calendar, this.settings);
        const { rows = [] } = ApplicationDeadlines.writes(
          await deadlines.plan(app.id, current, event.type, next.to, asOf),
        );
        const ctx = next.snapshot.context as ApplicationContext;
        return { rows: [...rows, ...this.notify(app, event.type, next.to, ctx)] };
      },
      alsoWrite: lapse ? undefined : (m) => this.issueCertificate(m, app, asOf, actor),
    });
    return lapse ?? 'recognised';
  }

  /** The certificate a closed notice earns, in the transition's transaction, and the enterprise told its number. */
  private async issueCertificate(manager: EntityManager, app: ApplicationEntity, asOf: string, actor: Actor) {
    const number = await nextCertificateNumber(manager, app.targetTier, asOf, this.settings);
    const certification = await this.certifications.issueIn(
      manager,
      app.enterpriseId,
      { tier: app.targetTier, number, issuedOn: asOf },
      app.id,
      actor,
    );
    await manager.update(ApplicationEntity, { id: app.id }, { certificationId: certification.id });
    await this.notifications.notifyIn(
      manager,
      { enterpriseId: app.enterpriseId, userIds: [app.assigneeId] },
      'application.recognised',
      `application:${app.id}:recognised`,
      { applicationId: app.id, targetTier: app.targetTier, certificateNumber: number },
    );
  }

  /** Why a notice that ended can no longer become a recognition (the enterprise exited, a bar came meanwhile). */
  private async lapseReason(manager: EntityManager, app: ApplicationEntity, asOf: string): Promise<LapseReason | null> {
    const enterprise = await manager.findOne(EnterpriseEntity, {
      where: { id: app.enterpriseId },
      select: { id: true, state: true },
    });
    if (!enterprise || enterprise.state === 'exited') return 'enterprise_exited';
    const history = await this.certifications.historyIn(manager, app.enterpriseId);
    return barFor(history, app.targetTier, asOf) ? 'tier_barred' : null;
  }

  async list(query: ListApplicationsQueryDto, actor: Actor): Promise<Page<ReturnType<ApplicationsService['summary']>>> {
    const today = chinaToday();
    const qb = this.dataSource.getRepository(ApplicationEntity).createQueryBuilder('a');
    if (actor.role === 'enterprise') qb.andWhere('a.enterprise_id = :own', { own: actor.enterpriseId });
    // Reviewers see the applications they sit on the panel of (`assignee=me`: those still waiting for their score).
    if (actor.role === 'reviewer' && query.assignee !== 'me') qb.andWhere(onPanel(':me'), { me: actor.id });
    if (query.enterpriseId) qb.andWhere('a.enterprise_id = :eid', { eid: query.enterpriseId });
    if (query.state) qb.andWhere('a.state = :state', { state: query.state });
    if (query.targetTier) qb.andWhere('a.target_tier = :tier', { tier: query.targetTier });
    if (query.assignee === 'me') {
      if (actor.role === 'reviewer') qb.andWhere(onPanel(':me', 'pending'), { me: actor.id });
      else if (actor.role === 'manager') qb.andWhere("a.state IN ('reviewed', 'objection_review')");
      else qb.andWhere('a.assignee_id = :me', { me: actor.id });
    }
    if (query.overdue !== undefined) {
      const overdue =
        "EXISTS (SELECT 1 FROM application_deadlines d WHERE d.application_id = a.id AND d.status = 'open' AND d.due_on < :today)";
      qb.andWhere(new Brackets((w) => w.where(query.overdue ? overdue : `NOT ${overdue}`, { today })));
    }
    qb.orderBy('a.updated_at', 'DESC').addOrderBy('a.id', 'ASC');
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    const deadlines = rows.length
      ? await this.dataSource
          .getRepository(ApplicationDeadlineEntity)
          .find({ where: { applicationId: In(rows.map((r) => r.id)) } })
      : [];
    return {
      items: rows.map((r) =>
        this.summary(
          r,
          actor,
          today,
          deadlines.filter((d) => d.applicationId === r.id),
        ),
      ),
      total,
    };
  }

  summary(
    app: ApplicationEntity,
    actor: Actor,
    today: string,
    deadlines: ApplicationDeadlineEntity[] = [],
    eventTypes?: string[],
  ) {
    const views = deadlines.map((d) => toDeadlineView(d, today));
    return {
      id: app.id,
      enterpriseId: app.enterpriseId,
      targetTier: app.targetTier,
      state: app.state,
      allowedEvents: this.allowed(app, actor, eventTypes),
      noticeEndsOn: app.noticeEndsOn,
      overdue: views.some((d) => d.overdue),
      version: app.version,
      updatedAt: new Date(app.updatedAt).toISOString(),
    };
  }

  /** `eventTypes`: the state's events when the caller already has them (a transition's result). */
  private view(
    app: ApplicationEntity,
    actor: Actor,
    today: string,
    deadlines: ApplicationDeadlineEntity[] = [],
    eventTypes?: string[],
  ) {
    const ctx = app.snapshot.context as ApplicationContext;
    const staff = STAFF.includes(actor.role);
    // Experts score independently (专家独立评审): a panel member sees their own name and score on the panel, not the
    // others', and no objector's contact details.
    const me = actor.role === 'reviewer' ? actor.id : null;
    const scores = staff ? ctx.scores : me && ctx.scores[me] ? { [me]: ctx.scores[me] } : {};
    return {
      ...this.summary(app, actor, today, deadlines, eventTypes),
      ruleSet: ctx.pinned?.ruleSet ?? null,
      regionConfigVersion: ctx.pinned?.regionConfigVersion ?? null,
      pinned: ctx.pinned,
      evaluation: app.evaluation,
      panel: ctx.panel.map((m) => ({
        reviewerId: staff || m.id === me ? m.id : null,
        expertise: m.expertise,
        status: m.status,
      })),
      // Enterprises see the panel's result and the decision, not who scored what.
      scores,
      result: ctx.result && (staff ? ctx.result : { ...ctx.result, totals: {}, flagged: [] }),
      decision: staff ? ctx.decision : decisionForApplicant(ctx.decision),
      returnReason: ctx.returnReason,
      lapse: ctx.lapse ?? null,
      objections: staff
        ? ctx.objections
        : ctx.objections.map((o) => ({ reason: o.reason, on: o.on, resolution: o.resolution })),
      deadlines: deadlines.map((d) => toDeadlineView(d, today)),
      certificationId: app.certificationId,
      createdAt: new Date(app.createdAt).toISOString(),
    };
  }

  private subject(app: ApplicationEntity) {
    const ctx = app.snapshot.context as ApplicationContext;
    return {
      enterpriseId: app.enterpriseId,
      acceptedBy: ctx.acceptedBy,
      panelIds: ctx.panel.map((m) => m.id),
      pendingPanelIds: ctx.panel.filter((m) => m.status === 'pending').map((m) => m.id),
    };
  }

  /** What this caller may send now: the state's events that the policy lets them send. */
  private allowed(app: ApplicationEntity, actor: Actor, eventTypes?: string[]) {
    const types =
      eventTypes ??
      eventTypesFrom(this.machines.get(APPLICATION_MACHINE_ID).machine.resolveState(app.snapshot as never));
    return types.filter(
      (type) =>
        !SYSTEM_EVENTS.includes(type) && onTierPath(type, app.targetTier) && !refusal(type, actor, this.subject(app)),
    );
  }

  /** The application and its deadlines: one prepared statement, the first read of every event. */
  private async readWithDeadlines(manager: EntityManager, id: string) {
    this.withDeadlinesSql ??=
      `SELECT ${selectColumns(manager, ApplicationEntity, 'a')}, ` +
      `${selectColumns(manager, ApplicationDeadlineEntity, 'd', 'd.')} ` +
      `FROM applications a LEFT JOIN application_deadlines d ON d.application_id = a.id WHERE a.id = $1`;
    const raw = await readRows(manager, this.withDeadlinesSql, [id]);
    if (!raw.length) return null;
    const app = hydrate(manager, manager.dataSource.getMetadata(ApplicationEntity), raw[0]) as ApplicationEntity;
    const deadlineMeta = manager.dataSource.getMetadata(ApplicationDeadlineEntity);
    const deadlines = raw
      .filter((r) => r['d.id'] !== null)
      .map((r) => hydrate(manager, deadlineMeta, r, 'd.') as ApplicationDeadlineEntity);
    return Object.assign(app, { deadlines });
  }

  private deadlines(applicationId: string) {
    return this.dataSource
      .getRepository(ApplicationDeadlineEntity)
      .find({ where: { applicationId }, order: { startedOn: 'ASC', kind: 'ASC' } });
  }

  /** The notifications an event raises, as writes for the transition (a user who has the key already is skipped). */
  private notify(app: ApplicationEntity, type: string, to: string, ctx: ApplicationContext): RowWrite[] {
    const key = `application:${app.id}:${type}:${to}:${app.version}`;
    const payload = { applicationId: app.id, targetTier: app.targetTier, state: to };
    const writes: RowWrite[] = [];
    const add = (recipients: Recipients, kind: string, extra: Record<string, unknown> = {}) => {
      const write = this.notifications.writeFor(recipients, kind, key, { ...payload, ...extra });
      if (write) writes.push(write);
    };
    if (type === 'RETURN')
      add({ enterpriseId: app.enterpriseId }, 'application.returned', { reason: ctx.returnReason });
    if (type === 'DECIDE' || (type === 'RESOLVE_OBJECTION' && to === 'rejected'))
      add({ enterpriseId: app.enterpriseId }, 'application.decided', { decision: decisionForApplicant(ctx.decision) });
    if (type === 'LAPSE') add({ enterpriseId: app.enterpriseId }, 'application.decided', { lapse: ctx.lapse });
    if (type === 'SUBMIT')
      add({ userIds: [app.assigneeId], roles: app.assigneeId ? [] : ['caseworker'] }, 'application.submitted');
    if (type === 'DRAW_PANEL' || type === 'DECLINE')
      add({ userIds: ctx.panel.filter((m) => m.status === 'pending').map((m) => m.id) }, 'application.review_assigned');
    if (to === 'reviewed' || to === 'objection_review') add({ roles: ['manager'] }, 'application.awaiting_decision');
    return writes;
  }
}

/**
 * The decision as the applicant (and an expert) sees it: the outcome and its reason. The calibration note explains
 * the panel's outlying scores (experts score independently, and who scored what is not the applicant's to see) and
 * the decider is an internal matter: both are null, keeping the field's shape.
 */
export function decisionForApplicant(decision: ApplicationContext['decision']) {
  return decision && { ...decision, by: null, calibrationNote: null };
}
