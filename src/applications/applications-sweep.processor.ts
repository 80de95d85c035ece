import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { declareRepeatableJob } from '../jobs/worker-runtime.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { ApplicationDeadlineEntity, ApplicationEntity } from './application.entities';
import type { ApplicationContext } from './application.machine';
import { ApplicationsService } from './applications.service';

export const NOTICE_SWEEP_JOB = 'applications.close-notices';
export const DEADLINE_REMINDER_SWEEP_JOB = 'applications.remind-deadlines';
/** Earlier versions scheduled one delayed job per deadline under this name; they are still honoured. */
export const DEADLINE_REMINDER_JOB = 'applications.deadline-reminder';
declareJobNames(NOTICE_SWEEP_JOB, DEADLINE_REMINDER_SWEEP_JOB, DEADLINE_REMINDER_JOB);
// Shortly after midnight in China: yesterday was the last day of a notice that ended yesterday.
declareRepeatableJob({
  name: NOTICE_SWEEP_JOB,
  key: 'applications.close-notices.daily',
  cron: '30 0 * * *',
  tz: 'Asia/Shanghai',
});
// Reminders go out on the morning of the due date, 09:00 China time whatever the server's time zone.
declareRepeatableJob({
  name: DEADLINE_REMINDER_SWEEP_JOB,
  key: 'applications.remind-deadlines.daily',
  cron: '0 9 * * *',
  tz: 'Asia/Shanghai',
});

const REMINDER_PAGE = 500;

/** Closes finished public notices and reminds caseworkers of deadlines, both keyed so a repeat does nothing. */
@Injectable()
export class ApplicationsSweepProcessor {
  private readonly logger = new Logger('applications');

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly notifications: NotificationsService,
    private readonly relay: OutboxRelay,
  ) {}

  @JobHandler(NOTICE_SWEEP_JOB)
  async handle() {
    return this.closeNotices(chinaToday());
  }

  /**
   * Every notice whose last day is before `asOf` and has no open objection becomes a recognition, or is rejected when
   * the enterprise has exited or been barred from the tier meanwhile (`lapsed`).
   */
  async closeNotices(asOf: string) {
    const due = await this.dataSource
      .getRepository(ApplicationEntity)
      .find({ where: { state: 'public_notice', noticeEndsOn: LessThan(asOf) }, order: { noticeEndsOn: 'ASC' } });
    let recognised = 0;
    let lapsed = 0;
    for (const app of due) {
      const ctx = app.snapshot.context as ApplicationContext;
      if (ctx.objections.some((o) => !o.resolution)) continue;
      try {
        const outcome = await this.tx.run((manager) => this.applications.closeNotice(manager, app, asOf, SYSTEM_ACTOR));
        if (outcome === 'recognised') recognised++;
        else lapsed++;
      } catch (error) {
        // One application that cannot close (a race, the database) must not stop the others; the next sweep retries.
        this.logger.warn({ err: error, applicationId: app.id }, 'could not close notice');
      }
    }
    this.relay.nudge();
    return { asOf, recognised, lapsed, considered: due.length };
  }

  @JobHandler(DEADLINE_REMINDER_SWEEP_JOB)
  async handleReminders() {
    return this.remindDeadlines(chinaToday());
  }

  /**
   * Reminds the caseworkers of every open deadline due on or before `asOf` whose due date has not been reminded:
   * read from the deadline rows (the truth), so nothing is lost with a queue, and a sweep missed while the workers
   * were down is caught up by the next. Pages by id, so memory stays flat and a failing row does not stop the rest.
   */
  async remindDeadlines(asOf: string) {
    let after = '';
    let reminded = 0;
    for (;;) {
      const page = await this.dataSource
        .getRepository(ApplicationDeadlineEntity)
        .createQueryBuilder('d')
        .where('d.status = :open', { open: 'open' })
        .andWhere('d.due_on <= :asOf', { asOf })
        .andWhere('(d.reminded_for IS NULL OR d.reminded_for <> d.due_on)')
        .andWhere('d.id > :after', { after })
        .orderBy('d.id', 'ASC')
        .limit(REMINDER_PAGE)
        .getMany();
      for (const deadline of page) {
        try {
          reminded += await this.remindOne(deadline);
        } catch (error) {
          this.logger.warn({ err: error, deadlineId: deadline.id }, 'could not send a deadline reminder');
        }
      }
      if (page.length < REMINDER_PAGE) return { asOf, reminded };
      after = page[page.length - 1].id;
    }
  }

  /** Reminder jobs scheduled one per deadline by an earlier version (still in the queue during an upgrade). */
  @JobHandler(DEADLINE_REMINDER_JOB)
  async remind(data: Record<string, unknown>) {
    const deadline = await this.dataSource
      .getRepository(ApplicationDeadlineEntity)
      .findOne({ where: { id: String(data.deadlineId) } });
    // Met, paused or moved since it was scheduled: the reminder for that due date no longer applies.
    if (!deadline || deadline.status !== 'open' || deadline.dueOn !== data.dueOn) return;
    await this.remindOne(deadline);
  }

  /**
   * One reminder. The row is claimed first (still open, still due on that date, not yet reminded for it), so a
   * deadline met, paused or moved since the page was read is skipped, and on PostgreSQL a transition on it waits for
   * this one. The notification is keyed on deadline and due date, so a repeat notifies nobody twice even where
   * `remindedFor` was reset (a transition rewrites the whole deadline row it read before the claim).
   */
  private async remindOne(deadline: ApplicationDeadlineEntity): Promise<number> {
    return this.tx.run(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(ApplicationDeadlineEntity)
        .set({ remindedFor: deadline.dueOn })
        .where('id = :id AND status = :open AND due_on = :dueOn', {
          id: deadline.id,
          open: 'open',
          dueOn: deadline.dueOn,
        })
        .andWhere('(reminded_for IS NULL OR reminded_for <> due_on)')
        .execute();
      if (claimed.affected !== 1) return 0;
      const app = await manager.findOneByOrFail(ApplicationEntity, { id: deadline.applicationId });
      return this.notifications.notifyIn(
        manager,
        { userIds: [app.assigneeId], roles: app.assigneeId ? [] : ['caseworker'] },
        'application.deadline_due',
        `deadline:${deadline.id}:${deadline.dueOn}`,
        { applicationId: app.id, kind: deadline.kind, dueOn: deadline.dueOn },
      );
    });
  }
}
