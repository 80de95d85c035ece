import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { WorkingCalendar } from '../calendar/working-calendar.service';
import { appendOutbox } from '../outbox/outbox-writer';
import { ApplicationDeadlineEntity, DeadlineKind } from './application.entities';
import type { ApplicationSettings } from './application-settings';

/**
 * Service deadlines as rows (never machine timers): acceptance runs from submission, review from acceptance. A return
 * to the enterprise pauses the acceptance clock with the working days left; resubmission resumes it.
 */
export class ApplicationDeadlines {
  constructor(
    private readonly manager: EntityManager,
    private readonly calendar: WorkingCalendar,
    private readonly settings: ApplicationSettings,
  ) {}

  async afterTransition(applicationId: string, event: string, to: string, today: string) {
    const rows = await this.manager.find(ApplicationDeadlineEntity, { where: { applicationId } });
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    if (event === 'SUBMIT')
      await this.startOrResume(
        applicationId,
        byKind.get('acceptance'),
        'acceptance',
        this.settings.acceptanceDays,
        today,
      );
    if (event === 'RETURN') await this.pause(byKind.get('acceptance'), today);
    if (event === 'ACCEPT') {
      await this.meet(byKind.get('acceptance'), today);
      await this.startOrResume(applicationId, byKind.get('review'), 'review', this.settings.reviewDays, today);
    }
    if (to === 'reviewed' || to === 'public_notice') await this.meet(byKind.get('review'), today);
    if (['withdrawn', 'rejected', 'recognised'].includes(to)) {
      const open = rows.filter((r) => r.status === 'open' || r.status === 'paused').map((r) => r.id);
      if (open.length)
        await this.manager.update(
          ApplicationDeadlineEntity,
          { id: In(open) },
          { status: 'cancelled', updatedAt: new Date() },
        );
    }
  }

  private async startOrResume(
    applicationId: string,
    row: ApplicationDeadlineEntity | undefined,
    kind: DeadlineKind,
    days: number,
    today: string,
  ) {
    if (row && row.status === 'open') return;
    const remaining = row?.status === 'paused' ? (row.remainingDays ?? days) : days;
    const dueOn = await this.calendar.addWorkingDays(today, remaining, this.manager);
    if (row) {
      await this.manager.update(
        ApplicationDeadlineEntity,
        { id: row.id },
        { status: 'open', dueOn, remainingDays: null, metOn: null, updatedAt: new Date() },
      );
    } else {
      row = {
        id: randomUUID(),
        applicationId,
        kind,
        status: 'open',
        startedOn: today,
        dueOn,
        remainingDays: null,
        metOn: null,
        updatedAt: new Date(),
      };
      await this.manager.insert(ApplicationDeadlineEntity, row);
    }
    // A reminder job is scheduled through the outbox (delayed to the due date), so it survives a Redis outage.
    await appendOutbox(this.manager, [
      {
        topic: 'application.deadline_set',
        aggregateType: 'application',
        aggregateId: applicationId,
        payload: { deadlineId: row.id, kind, dueOn },
      },
    ]);
  }

  private async pause(row: ApplicationDeadlineEntity | undefined, today: string) {
    if (!row || row.status !== 'open' || !row.dueOn) return;
    const remaining = row.dueOn > today ? await this.calendar.workingDaysBetween(today, row.dueOn, this.manager) : 0;
    await this.manager.update(
      ApplicationDeadlineEntity,
      { id: row.id },
      { status: 'paused', remainingDays: remaining, updatedAt: new Date() },
    );
  }

  private async meet(row: ApplicationDeadlineEntity | undefined, today: string) {
    if (!row || row.status === 'met' || row.status === 'cancelled') return;
    await this.manager.update(
      ApplicationDeadlineEntity,
      { id: row.id },
      { status: 'met', metOn: today, updatedAt: new Date() },
    );
  }
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
