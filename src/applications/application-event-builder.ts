import { randomInt, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { conflict, DomainError, forbidden, validationFailed } from '../common/domain-error';
import { WorkingCalendar } from '../calendar/working-calendar.service';
import { GradingService } from '../grading/grading.service';
import type { RowWrite } from '../state/transition.service';
import { UserEntity } from '../users/user.entity';
import {
  ApplicationAttachmentEntity,
  ApplicationEntity,
  ApplicationReviewerEntity,
  ReviewerConflictEntity,
} from './application.entities';
import type { ApplicationContext, ApplicationEvent, PinnedPolicy } from './application.machine';
import { ApplicationSettings, RUBRIC } from './application-settings';
import { ApplicationEventDto, EVENT_FIELDS } from './application.dto';
import { drawPanel, drawReplacement, PanelPoolTooSmall, passesPanelScore, Reviewer } from './panel.rules';

const random = () => randomInt(0, 2 ** 30) / 2 ** 30;

const unprocessable = (code: string, message: string, details: Record<string, unknown>) =>
  new DomainError(422, code, message, undefined, details);

/**
 * Turns a client's `{type, …payload}` into the machine event, computing what the pure machine must not: the pinned
 * policy and evaluation (SUBMIT), random panel draws (DRAW_PANEL, DECLINE), working-day dates (notice end), and checks
 * that need the database (required documents, hard conditions, the pass mark).
 */
export class ApplicationEventBuilder {
  constructor(
    private readonly manager: EntityManager,
    private readonly grading: GradingService,
    private readonly calendar: WorkingCalendar,
    private readonly settings: ApplicationSettings,
  ) {}

  async build(
    app: ApplicationEntity,
    context: ApplicationContext,
    dto: ApplicationEventDto,
    actor: Actor,
    today: string,
  ) {
    const extra = Object.keys(dto).filter(
      (k) => k !== 'type' && k !== 'expectedVersion' && !EVENT_FIELDS[dto.type].includes(k),
    );
    if (extra.length)
      throw validationFailed(extra.map((field) => ({ field, reason: `${field} does not belong to ${dto.type}` })));
    const by = actor.id ?? 'system';
    // `rows`: what the event records beside the transition, written in the transition's own statement.
    const result: { event: ApplicationEvent; evaluation?: unknown; rows: RowWrite[] } = {
      event: { type: dto.type } as ApplicationEvent,
      rows: [],
    };
    switch (dto.type) {
      case 'SUBMIT': {
        const { pinned, evaluation } = await this.pin(app, today);
        result.event = { type: 'SUBMIT', by, pinned };
        result.evaluation = evaluation;
        break;
      }
      case 'WITHDRAW':
        result.event = { type: 'WITHDRAW', by, reason: dto.reason };
        break;
      case 'RETURN':
        result.event = { type: 'RETURN', by, reason: dto.reason! };
        break;
      case 'ACCEPT':
        result.event = { type: 'ACCEPT', by };
        break;
      case 'PUBLISH_NOTICE':
        result.event = {
          type: 'PUBLISH_NOTICE',
          by,
          noticeEndsOn: await this.calendar.addWorkingDays(today, this.settings.noticeDays, this.manager),
        };
        break;
      case 'DRAW_PANEL':
        result.event = { type: 'DRAW_PANEL', by, panel: await this.draw(app) };
        break;
      case 'DECLINE':
        result.event = {
          type: 'DECLINE',
          by,
          reason: dto.reason!,
          replacement: await this.replace(app, context, by, dto.reason!, result.rows),
        };
        break;
      case 'SCORE':
        result.event = { type: 'SCORE', by, ...(await this.score(app, context, dto, actor)) };
        break;
      case 'DECIDE':
        result.event = await this.decide(context, dto, by, today);
        break;
      case 'OBJECT':
        // The machine holds no clock: the last day of the notice is checked here (the sweep closes it a day later).
        if (context.noticeEndsOn && today > context.noticeEndsOn)
          throw conflict('NOTICE_ENDED', `The public notice ended on ${context.noticeEndsOn}`, {
            noticeEndsOn: context.noticeEndsOn,
          });
        result.event = { type: 'OBJECT', name: dto.name!, contact: dto.contact!, reason: dto.reason!, on: today };
        break;
      case 'RESOLVE_OBJECTION':
        result.event = { type: 'RESOLVE_OBJECTION', by, upheld: dto.upheld!, reason: dto.reason! };
        break;
    }
    return result;
  }

  /** SUBMIT pins the policy package in force now and the evaluation; an unmet hard condition refuses it. */
  private async pin(app: ApplicationEntity, today: string) {
    const required = this.settings.requiredDocuments[app.targetTier];
    if (required.length) {
      const have = new Set(
        (
          await this.manager.find(ApplicationAttachmentEntity, {
            where: { applicationId: app.id },
            select: { documentType: true },
          })
        ).map((a) => a.documentType),
      );
      const missing = required.filter((d) => !have.has(d));
      if (missing.length)
        throw unprocessable('REQUIRED_DOCUMENT_MISSING', `Required documents are missing: ${missing.join(', ')}`, {
          missing,
        });
    }
    const evaluation = await this.grading.evaluateStoredIn(this.manager, app.enterpriseId, today);
    if (!evaluation) throw unprocessable('NO_INDICATORS', 'File annual indicators before submitting', { gaps: [] });
    const { result } = evaluation;
    const checks = app.targetTier === 'leader' ? result.leader.checks : result.highTech.checks;
    // The innovation score is what the experts assess, so it is not a hard condition at submission.
    const hard = app.targetTier === 'tech_sme' ? [] : checks.filter((c) => c.code !== 'innovation_score');
    const unmet = hard.filter((c) => c.status === 'unmet').map((c) => c.code as string);
    const techSmeFails = app.targetTier === 'tech_sme' && !result.techSme.eligible;
    if (unmet.length || techSmeFails) {
      const gaps = result.gaps.filter((g) => g.tier === app.targetTier && (techSmeFails || unmet.includes(g.code)));
      throw unprocessable(
        'HARD_CONDITION_UNMET',
        `The self-evaluation does not meet the ${app.targetTier} conditions`,
        {
          unmet: techSmeFails ? result.techSme.failed : unmet,
          gaps,
        },
      );
    }
    const pinned: PinnedPolicy = {
      ruleSet: evaluation.ruleSet,
      regionConfigVersion: evaluation.regionConfigVersion,
      rubric: { ...RUBRIC, passMark: this.settings.passMark },
      requiredDocuments: required,
      submittedOn: today,
      computedGrowth: result.highTech.innovationScore.growth,
      unknownChecks: hard.filter((c) => c.status === 'unknown').map((c) => c.code as string),
    };
    return { pinned, evaluation: result };
  }

  private async pool(app: ApplicationEntity, alsoExclude: string[]) {
    const reviewers = await this.manager.find(UserEntity, {
      where: { role: 'reviewer', active: true },
      select: { id: true, expertise: true },
    });
    const conflicts = await this.manager.find(ReviewerConflictEntity, {
      where: { enterpriseId: app.enterpriseId },
      select: { reviewerId: true },
    });
    const pool: Reviewer[] = reviewers.filter((r) => r.expertise).map((r) => ({ id: r.id, expertise: r.expertise! }));
    return { pool, excluded: new Set([...conflicts.map((c) => c.reviewerId), ...alsoExclude]) };
  }

  private rules(app: ApplicationEntity) {
    return this.settings.panel[app.targetTier === 'leader' ? 'leader' : 'high_tech'];
  }

  private async draw(app: ApplicationEntity): Promise<Reviewer[]> {
    const { pool, excluded } = await this.pool(app, app.assigneeId ? [app.assigneeId] : []);
    try {
      return drawPanel(pool, excluded, this.rules(app), random);
    } catch (error) {
      if (error instanceof PanelPoolTooSmall) throw conflict('PANEL_POOL_TOO_SMALL', error.message);
      throw error;
    }
  }

  /**
   * A declining member records a conflict with the enterprise (added to `rows`) and is replaced under the same rules;
   * the member is on the panel, so the draw excludes them before the conflict is written.
   */
  private async replace(
    app: ApplicationEntity,
    context: ApplicationContext,
    by: string,
    reason: string,
    rows: RowWrite[],
  ) {
    if (
      !(await this.manager.exists(ReviewerConflictEntity, {
        where: { reviewerId: by, enterpriseId: app.enterpriseId },
      }))
    )
      rows.push({
        entity: ReviewerConflictEntity,
        row: {
          id: randomUUID(),
          reviewerId: by,
          enterpriseId: app.enterpriseId,
          reason: `declined application ${app.id}: ${reason}`,
          createdAt: new Date(),
        },
        // A declaration the reviewer makes at the same moment is kept (it would otherwise fail this event on the key).
        conflictOn: ['reviewerId', 'enterpriseId'],
        onConflict: 'ignore',
      });
    const { pool, excluded } = await this.pool(app, [
      ...context.panel.map((m) => m.id),
      ...(app.assigneeId ? [app.assigneeId] : []),
    ]);
    try {
      return drawReplacement(context.panel, by, pool, excluded, this.rules(app), random);
    } catch (error) {
      if (error instanceof PanelPoolTooSmall) throw conflict('PANEL_POOL_TOO_SMALL', error.message);
      throw error;
    }
  }

  private async score(app: ApplicationEntity, context: ApplicationContext, dto: ApplicationEventDto, actor: Actor) {
    // A conflict declared after the draw (回避) keeps the expert from scoring: they decline the seat, and the
    // replacement is drawn from those without one.
    if (
      await this.manager.exists(ReviewerConflictEntity, {
        where: { reviewerId: actor.id ?? '', enterpriseId: app.enterpriseId },
      })
    )
      throw forbidden(
        'CONFLICT_DECLARED',
        'You declared a conflict of interest with this enterprise: decline the seat (DECLINE) instead of scoring',
      );
    const finance = actor.expertise === 'finance';
    if (!finance && dto.growth !== undefined)
      throw validationFailed([{ field: 'growth', reason: 'growth (成长性) is scored by the finance expert' }]);
    // The finance expert's growth is prefilled with the value computed from the filed financials.
    const growth = finance ? (dto.growth ?? context.pinned?.computedGrowth ?? 0) : null;
    return {
      ip: dto.ip!,
      conversion: dto.conversion!,
      rdManagement: dto.rdManagement!,
      growth,
      comment: dto.comment ?? '',
    };
  }

  private async decide(
    context: ApplicationContext,
    dto: ApplicationEventDto,
    by: string,
    today: string,
  ): Promise<ApplicationEvent> {
    if (dto.approve) {
      if (context.result?.flagged.length && !dto.calibrationNote?.trim())
        throw conflict(
          'CALIBRATION_REQUIRED',
          'Reviewers were flagged for calibration; approve with a calibrationNote',
          {
            flagged: context.result.flagged,
          },
        );
      if (context.targetTier !== 'tech_sme' && !passesPanelScore(context.result?.total ?? 0, this.settings.passMark))
        throw conflict(
          'BELOW_PASS_MARK',
          `The panel score ${context.result?.total} is not above ${this.settings.passMark - 1}`,
          {
            score: context.result?.total ?? null,
          },
        );
    }
    const noticeEndsOn = dto.approve
      ? await this.calendar.addWorkingDays(today, this.settings.noticeDays, this.manager)
      : undefined;
    return {
      type: 'DECIDE',
      by,
      approve: !!dto.approve,
      reason: dto.reason!,
      noticeEndsOn,
      calibrationNote: dto.calibrationNote,
    };
  }
}

/** Panel membership rows kept beside the snapshot for reviewer queues, as upserts for the transition's `writes`. */
export function reviewerRows(
  applicationId: string,
  panel: { id: string; expertise: string; status: 'pending' | 'scored' | 'declined' }[],
): RowWrite[] {
  return panel.map((m) => ({
    entity: ApplicationReviewerEntity,
    row: { applicationId, reviewerId: m.id, expertise: m.expertise, status: m.status, updatedAt: new Date() },
    conflictOn: ['applicationId', 'reviewerId'],
  }));
}
