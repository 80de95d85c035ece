import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JOB_QUEUE, JobQueue } from '../jobs/job-queue';
import { declareJobNames } from '../jobs/job-names';
import { declareRepeatableJob } from '../jobs/worker-runtime.service';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OnOutboxEvent } from '../outbox/outbox-subscriber.decorator';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { Inject } from '@nestjs/common';
import { ApplicationDeadlineEntity, ApplicationEntity } from './application.entities';
import type { ApplicationContext } from './application.machine';
import { ApplicationsService } from './applications.service';

export const NOTICE_SWEEP_JOB = 'applications.close-notices';
export const DEADLINE_REMINDER_JOB = 'applications.deadline-reminder';
declareJobNames(NOTICE_SWEEP_JOB, DEADLINE_REMINDER_JOB);
// Shortly after midnight: yesterday was the last day of a notice that ended yesterday.
declareRepeatableJob({ name: NOTICE_SWEEP_JOB, key: 'applications.close-notices.daily', cron: '30 0 * * *' });

/** Reminders go out on the morning of the due date (09:00 China time). */
const REMINDER_HOUR_UTC = 1;

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
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  @JobHandler(NOTICE_SWEEP_JOB)
  async handle() {
    return this.closeNotices(chinaToday());
  }

  /** Every notice whose last day is before `asOf` and has no open objection becomes a recognition. */
  async closeNotices(asOf: string) {
    const due = await this.dataSource
      .getRepository(ApplicationEntity)
      .find({ where: { state: 'public_notice', noticeEndsOn: LessThan(asOf) }, order: { noticeEndsOn: 'ASC' } });
    let recognised = 0;
    for (const app of due) {
      const ctx = app.snapshot.context as ApplicationContext;
      if (ctx.objections.some((o) => !o.resolution)) continue;
      try {
        await this.tx.run((manager) => this.applications.closeNotice(manager, app, asOf, SYSTEM_ACTOR));
        recognised++;
      } catch (error) {
        // One application that cannot close (a bar imposed meanwhile, a race) must not stop the others.
        this.logger.warn({ err: error, applicationId: app.id }, 'could not close notice');
      }
    }
    this.relay.nudge();
    return { asOf, recognised, considered: due.length };
  }

  /** A deadline was set or resumed: schedule its reminder for the due date (job id makes a resend a no-op). */
  @OnOutboxEvent('application.deadline_set')
  async scheduleReminder(event: OutboxEventEntity) {
    const { deadlineId, dueOn } = event.payload as { deadlineId: string; dueOn: string };
    const at = Date.parse(`${dueOn}T${String(REMINDER_HOUR_UTC).padStart(2, '0')}:00:00Z`);
    await this.queue.add(
      DEADLINE_REMINDER_JOB,
      { deadlineId, dueOn },
      { jobId: `deadline:${deadlineId}:${dueOn}`, delayMs: Math.max(0, at - Date.now()) },
    );
  }

  @JobHandler(DEADLINE_REMINDER_JOB)
  async remind(data: Record<string, unknown>) {
    const deadline = await this.dataSource
      .getRepository(ApplicationDeadlineEntity)
      .findOne({ where: { id: String(data.deadlineId) } });
    // Met, paused or moved since it was scheduled: the reminder for that due date no longer applies.
    if (!deadline || deadline.status !== 'open' || deadline.dueOn !== data.dueOn) return;
    const app = await this.dataSource.getRepository(ApplicationEntity).findOneByOrFail({ id: deadline.applicationId });
    await this.tx.run((manager) =>
      this.notifications.notifyIn(
        manager,
        { userIds: [app.assigneeId], roles: app.assigneeId ? [] : ['caseworker'] },
        'application.deadline_due',
        `deadline:${deadline.id}:${deadline.dueOn}`,
        { applicationId: app.id, kind: deadline.kind, dueOn: deadline.dueOn },
      ),
    );
  }
}
