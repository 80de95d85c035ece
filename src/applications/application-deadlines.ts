import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { WorkingCalendar } from '../calendar/working-calendar.service';
import type { TransitionWrites } from '../state/transition.service';
import { ApplicationDeadlineEntity, DeadlineKind } from './application.entities';
import type { ApplicationSettings } from './application-settings';

/** What an event does to an application's deadlines, worked out before anything is written. */
export interface DeadlinePlan {
  /** Every deadline of the application afterwards, in display order. */
  rows: ApplicationDeadlineEntity[];
  /** The rows to write (whole rows: upserted on application and kind). */
  changed: ApplicationDeadlineEntity[];
}

/**
 * Service deadlines as rows (never machine timers): acceptance runs from submission, review from acceptance. A return
 * to the enterprise pauses the acceptance clock with the working days left; resubmission resumes it.
 * The caller reads the rows with the application and hands the plan to the transition as `writes`, so the deadline
 * rows are written in the transition's own statement (a lost race writes none of them). Reading them
 * before the version-checked UPDATE is safe: deadlines only change with a transition, which bumps that version
 * (apart from `remindedFor`, which the reminder sweep sets; a transition may write back the value it read, and the
 * reminder's notification key still keeps a due date from being reminded twice).
 */
export class ApplicationDeadlines {
  constructor(
    private readonly manager: EntityManager,
    private readonly calendar: WorkingCalendar,
    private readonly settings: ApplicationSettings,
  ) {}

  async plan(
    applicationId: string,
    current: ApplicationDeadlineEntity[],
    event: string,
    to: string,
    today: string,
  ): Promise<DeadlinePlan> {
    const byKind = new Map(current.map((r) => [r.kind, r]));
    const plan: DeadlinePlan = { rows: [], changed: [] };
    const change = (row: ApplicationDeadlineEntity, patch: Partial<ApplicationDeadlineEntity>) => {
      const next = { ...row, ...patch, updatedAt: new Date() };
      byKind.set(row.kind, next);
      plan.changed = [...plan.changed.filter((r) => r.kind !== row.kind), next];
    };
    const startOrResume = async (kind: DeadlineKind, days: number) => {
      const row = byKind.get(kind);
      if (row && row.status === 'open') return;
      const remaining = row?.status === 'paused' ? (row.remainingDays ?? days) : days;
      const dueOn = await this.calendar.addWorkingDays(today, remaining, this.manager);
      const base = row ?? { id: randomUUID(), applicationId, kind, startedOn: today, remindedFor: null };
      change(base as ApplicationDeadlineEntity, { status: 'open', dueOn, remainingDays: null, metOn: null });
    };
    const meet = (kind: DeadlineKind) => {
      const row = byKind.get(kind);
      if (row && row.status !== 'met' && row.status !== 'cancelled') change(row, { status: 'met', metOn: today });
    };

    if (event === 'SUBMIT') await startOrResume('acceptance', this.settings.acceptanceDays);
    if (event === 'RETURN') {
      const row = byKind.get('acceptance');
      if (row && row.status === 'open' && row.dueOn) {
        const remaining =
          row.dueOn > today ? await this.calendar.workingDaysBetween(today, row.dueOn, this.manager) : 0;
        change(row, { status: 'paused', remainingDays: remaining });
      }
    }
    if (event === 'ACCEPT') {
      meet('acceptance');
      await startOrResume('review', this.settings.reviewDays);
    }
    if (to === 'reviewed' || to === 'public_notice') meet('review');
    if (['withdrawn', 'rejected', 'recognised'].includes(to))
      for (const row of current)
        if (row.status === 'open' || row.status === 'paused') change(row, { status: 'cancelled' });
    plan.rows = sortDeadlines([...byKind.values()]);
    return plan;
  }

  /** The plan as the transition's `writes`. */
  static writes(plan: DeadlinePlan): TransitionWrites {
    return {
      rows: plan.changed.map((row) => ({
        entity: ApplicationDeadlineEntity,
        row,
        conflictOn: ['applicationId', 'kind'],
      })),
    };
  }
}

/** Display order: by start, acceptance before review on the same day. */
export function sortDeadlines(rows: ApplicationDeadlineEntity[]) {
  return rows.sort((a, b) => a.startedOn.localeCompare(b.startedOn) || a.kind.localeCompare(b.kind));
}

export function toDeadlineView(d: ApplicationDeadlineEntity, today: string) {
  return {
    kind: d.kind,
    status: d.status,
    startedOn: d.startedOn,
    dueOn: d.dueOn,
    remainingDays: d.remainingDays,
    metOn: d.metOn,
    overdue: d.status === 'open' && !!d.dueOn && d.dueOn < today,
  };
}
