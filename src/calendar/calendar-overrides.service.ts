import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { notFound } from '../common/domain-error';
import type { Page } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { CalendarDayEntity } from './calendar-day.entity';
import { CalendarDay, WorkingCalendar } from './working-calendar.service';

export interface OverrideView {
  date: string;
  workday: boolean;
  note: string | null;
  updatedBy: string | null;
  updatedAt: string;
}

const view = (r: CalendarDayEntity): OverrideView => ({
  date: r.date,
  workday: r.workday,
  note: r.note,
  updatedBy: r.updatedBy,
  updatedAt: new Date(r.updatedAt).toISOString(),
});
const kind = (workday: boolean | undefined) => (workday === undefined ? null : workday ? 'workday' : 'rest_day');

/** Administrators' rulings on single days: each change is audited and seen by every process within seconds. */
@Injectable()
export class CalendarOverrides {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendar: WorkingCalendar,
  ) {}

  async list(year: number | undefined, page: number, pageSize: number): Promise<Page<OverrideView>> {
    const [rows, total] = await this.dataSource.getRepository(CalendarDayEntity).findAndCount({
      where: year === undefined ? {} : { date: Between(`${year}-01-01`, `${year}-12-31`) },
      order: { date: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map(view), total };
  }

  /** Creates or replaces the override of one day; `created` tells the two apart. */
  async set(date: string, workday: boolean, note: string | null, actor: Actor) {
    const created = await this.tx.run(async (manager) => {
      const previous = await manager.findOneBy(CalendarDayEntity, { date });
      const row: CalendarDayEntity = { date, workday, note, updatedBy: actor.id, updatedAt: new Date() };
      // Two admins creating the same day at once: the primary key lets one insert win, the other answers 409.
      if (previous) await manager.update(CalendarDayEntity, { date }, row);
      else await manager.insert(CalendarDayEntity, row);
      await appendAudit(manager, {
        entityType: 'calendar_day',
        entityId: date,
        event: previous ? 'OVERRIDE_CHANGED' : 'OVERRIDE_SET',
        from: kind(previous?.workday),
        to: kind(workday),
        actorId: actor.id,
        payload: { workday, note, previous: previous ? { workday: previous.workday, note: previous.note } : null },
      });
      return !previous;
    });
    this.calendar.invalidate();
    return { created, day: await this.calendar.day(date) };
  }

  /** Removes an override: the official calendar (or the weekday fallback) applies again. */
  async remove(date: string, actor: Actor): Promise<CalendarDay> {
    await this.tx.run(async (manager) => {
      const previous = await manager.findOneBy(CalendarDayEntity, { date });
      if (!previous) throw notFound('calendar override', date);
      await manager.delete(CalendarDayEntity, { date });
      await appendAudit(manager, {
        entityType: 'calendar_day',
        entityId: date,
        event: 'OVERRIDE_REMOVED',
        from: kind(previous.workday),
        to: null,
        actorId: actor.id,
        payload: { previous: { workday: previous.workday, note: previous.note } },
      });
    });
    this.calendar.invalidate();
    return this.calendar.day(date);
  }
}
