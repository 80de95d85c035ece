import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, validationFailed } from '../common/domain-error';
import { isValidIsoDate } from '../grading/rules/dates';
import { CalendarDayEntity } from './calendar-day.entity';
import { isWeekday, OfficialDay, officialDay, OFFICIAL_YEARS } from './official-calendar';
import { addWorkingDays, workingDaysBetween, WorkingDaysError } from './working-days';

export type DaySource = 'override' | 'official' | 'weekday-fallback';

export interface CalendarDay {
  date: string;
  workday: boolean;
  source: DaySource;
  /** From the official data: the holiday's Chinese name on its days off and on the weekend days worked for it. */
  holiday?: string;
  holidayEn?: string;
  swappedWorkday?: boolean;
  /** On overrides: the administrator's note, and what the official data says (null: a year it does not cover). */
  note?: string | null;
  official?: OfficialDay | null;
}

interface Override {
  workday: boolean;
  note: string | null;
}

/**
 * How long a process trusts its copy of the overrides: another API process may have saved one meanwhile. Writes in
 * this process clear it at once.
 */
const CACHE_MS = 5000;

/**
 * The working-day calendar (DOMAIN.md section 9): an admin override wins; otherwise the official calendar shipped
 * with `chinese-days`; for a year it does not cover, Monday to Friday, with a warning once per year and process.
 */
@Injectable()
export class WorkingCalendar {
  private readonly logger = new Logger('calendar');
  private readonly warnedYears = new Set<number>();
  private cache: { at: number; overrides: Promise<ReadonlyMap<string, Override>> } | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The years the shipped official data covers (2004–2026 with chinese-days 1.5.7). */
  coveredYears(): number[] {
    return [...OFFICIAL_YEARS];
  }

  async day(date: string): Promise<CalendarDay> {
    assertDate(date, 'date');
    return (await this.resolver())(date);
  }

  async isWorkday(date: string): Promise<boolean> {
    return (await this.day(date)).workday;
  }

  /**
   * The `days`-th working day after `from` (`from` never counts; 0 returns `from`). Inside a transaction pass its
   * manager: the overrides are then read on the transaction's own connection, never on a second one from the pool
   * (transactions each waiting for a second connection would starve the pool under load).
   */
  async addWorkingDays(from: string, days: number, manager?: EntityManager): Promise<string> {
    const resolve = await this.resolver(manager);
    return rangeChecked(() => addWorkingDays(from, days, (d) => resolve(d).workday));
  }

  /** Working days in (from, to]; negative when `to` is before `from`. `manager`: as for addWorkingDays. */
  async workingDaysBetween(from: string, to: string, manager?: EntityManager): Promise<number> {
    const resolve = await this.resolver(manager);
    return rangeChecked(() => workingDaysBetween(from, to, (d) => resolve(d).workday));
  }

  /** Forget the cached overrides (after a write in this process). */
  invalidate(): void {
    this.cache = null;
  }

  /** One snapshot of the overrides per call, so a long computation sees one consistent calendar. */
  private async resolver(manager?: EntityManager): Promise<(date: string) => CalendarDay> {
    const overrides = await this.overrides(manager);
    return (date) => this.resolve(date, overrides);
  }

  private resolve(date: string, overrides: ReadonlyMap<string, Override>): CalendarDay {
    const official = officialDay(date);
    const override = overrides.get(date);
    if (override) return { date, workday: override.workday, source: 'override', note: override.note, official };
    if (official) return { date, ...official, source: 'official' };
    this.warnFallback(Number(date.slice(0, 4)));
    return { date, workday: isWeekday(date), source: 'weekday-fallback' };
  }

  private overrides(manager: EntityManager = this.dataSource.manager): Promise<ReadonlyMap<string, Override>> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.overrides;
    const overrides = manager
      .find(CalendarDayEntity)
      .then((rows) => new Map(rows.map((r) => [r.date, { workday: r.workday, note: r.note }])));
    const entry = { at: Date.now(), overrides };
    this.cache = entry;
    // A failed read must not be cached: the next call tries again.
    overrides.catch(() => {
      if (this.cache === entry) this.cache = null;
    });
    return overrides;
  }

  private warnFallback(year: number) {
    if (this.warnedYears.has(year)) return;
    this.warnedYears.add(year);
    this.logger.warn(
      `no official calendar for ${year}: counting Monday–Friday as working days; ` +
        `an administrator should enter that year's holidays and swapped working days (PUT /api/calendar/days/:date)`,
    );
  }
}

function assertDate(value: string, field: string) {
  if (!isValidIsoDate(value)) throw validationFailed([{ field, reason: `${field} must be a real date as YYYY-MM-DD` }]);
}

/** Input the DTOs let through cannot exceed the bounds; a calendar with almost no working days can. */
function rangeChecked<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof WorkingDaysError) throw new DomainError(422, 'WORKING_DAYS_OUT_OF_RANGE', error.message);
    throw error;
  }
}
