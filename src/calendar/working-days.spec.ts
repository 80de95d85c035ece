import { getDayDetail, isWorkday as libraryIsWorkday } from 'chinese-days';
import { addDays } from '../grading/rules/dates';
import { isWeekday, OFFICIAL_YEARS, officialDay } from './official-calendar';
import {
  addWorkingDays,
  DayKind,
  MAX_SPAN_DAYS,
  MAX_WORKING_DAYS,
  workingDaysBetween,
  WorkingDaysError,
} from './working-days';

/** What the service uses when no override exists: the package's data, read without time zones. */
const official: DayKind = (d) => officialDay(d)?.workday ?? isWeekday(d);
/**
 * The package's own function parses dates in the process's time zone and is wrong west of UTC, so it is compared only
 * where it is reliable (UTC and east, which includes China).
 */
const libraryReliable = new Date(2026, 0, 1).getTimezoneOffset() <= 0;
const calendars: [string, DayKind][] = [['chinese-days data', official]];
if (libraryReliable) calendars.push(['chinese-days isWorkday()', (d) => libraryIsWorkday(d)]);

describe('the official calendar shipped with chinese-days', () => {
  it('covers 2004 to 2026 (chinese-days 1.5.7); other years fall back to Monday–Friday', () => {
    expect(OFFICIAL_YEARS[0]).toBe(2004);
    expect(OFFICIAL_YEARS).toContain(2026);
    expect(OFFICIAL_YEARS).toEqual(Array.from({ length: OFFICIAL_YEARS.length }, (_, i) => 2004 + i));
    expect(officialDay('2003-10-01')).toBeNull();
    expect(officialDay(`${OFFICIAL_YEARS[OFFICIAL_YEARS.length - 1] + 1}-10-01`)).toBeNull();
  });

  it('names holidays and swapped working days (国办发明电〔2025〕7号)', () => {
    expect(officialDay('2026-10-01')).toEqual({ workday: false, holiday: '国庆节', holidayEn: 'National Day' });
    expect(officialDay('2026-10-10')).toEqual({
      workday: true,
      holiday: '国庆节',
      holidayEn: 'National Day',
      swappedWorkday: true,
    });
    expect(officialDay('2026-10-11')).toEqual({ workday: false });
    expect(officialDay('2026-10-12')).toEqual({ workday: true });
  });

  (libraryReliable ? it : it.skip)('agrees with the library on every day it covers', () => {
    const first = `${OFFICIAL_YEARS[0]}-01-01`;
    const last = `${OFFICIAL_YEARS[OFFICIAL_YEARS.length - 1]}-12-31`;
    for (let d = first; d <= last; d = addDays(d, 1)) {
      if (officialDay(d)!.workday !== getDayDetail(d).work) throw new Error(`disagree on ${d}`);
    }
  });
});

describe.each(calendars)('working days on the 2026 official calendar (%s)', (_, cal) => {
  const add = (from: string, days: number) => addWorkingDays(from, days, cal);

  /*
   * State Council notice on the 2026 holidays (国办发明电〔2025〕7号): 中秋节 9月25日至27日放假；国庆节 10月1日至7日
   * 放假调休，共7天，9月20日（周日）、10月10日（周六）上班.
   */
  it('crosses the Mid-Autumn and National Day holidays, counting the swapped Sunday and Saturday', () => {
    expect(add('2026-09-30', 1)).toBe('2026-10-08'); // Oct 1–7 off, Thursday Oct 8 back at work
    expect(add('2026-09-30', 3)).toBe('2026-10-10'); // Saturday Oct 10 is worked
    // Oct 8, 9, 10 (Sat), 12–16, 19, 20: a 10-working-day notice published on Sep 30 ends on Oct 20.
    expect(add('2026-09-30', 10)).toBe('2026-10-20');
    // Sep 20 (Sun) worked, 21–24, (25–27 Mid-Autumn off), 28–30, Oct 8, 9.
    expect(add('2026-09-18', 10)).toBe('2026-10-09');
    expect(add('2026-09-19', 1)).toBe('2026-09-20');
  });

  /* Same notice: 春节 2月15日（腊月二十八）至23日（正月初七）放假调休，共9天，2月14日（周六）、2月28日（周六）上班. */
  it('crosses the Spring Festival holiday, counting the swapped Saturdays', () => {
    expect(add('2026-02-13', 1)).toBe('2026-02-14'); // Saturday Feb 14 is worked
    expect(add('2026-02-13', 2)).toBe('2026-02-24'); // Feb 15–23 off
    // Feb 11, 12, 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat), Mar 2.
    expect(add('2026-02-10', 10)).toBe('2026-03-02');
    expect(add('2026-02-13', 10)).toBe('2026-03-05');
  });

  it('counts plain weeks Monday to Friday', () => {
    expect(add('2026-03-09', 5)).toBe('2026-03-16'); // Monday + 5 = next Monday
    expect(add('2026-03-13', 1)).toBe('2026-03-16'); // Friday + 1 = Monday
    expect(add('2026-03-09', 10)).toBe('2026-03-23');
  });

  it('starts counting after a holiday or weekend `from` (from itself never counts)', () => {
    expect(add('2026-10-03', 1)).toBe('2026-10-08'); // a Saturday inside National Day
    expect(add('2026-02-15', 1)).toBe('2026-02-24'); // a Sunday inside Spring Festival
    expect(add('2026-03-14', 1)).toBe('2026-03-16'); // a plain Saturday
    expect(add('2026-10-10', 1)).toBe('2026-10-12'); // a swapped working Saturday is not counted either
  });

  it('answers `from` itself for 0 days, even on a holiday', () => {
    expect(add('2026-10-01', 0)).toBe('2026-10-01');
    expect(add('2026-03-10', 0)).toBe('2026-03-10');
  });

  it('counts working days in (from, to] consistently with addWorkingDays', () => {
    expect(workingDaysBetween('2026-09-30', '2026-10-20', cal)).toBe(10);
    expect(workingDaysBetween('2026-10-01', '2026-10-07', cal)).toBe(0);
    expect(workingDaysBetween('2026-10-20', '2026-09-30', cal)).toBe(-10);
    expect(workingDaysBetween('2026-10-07', '2026-10-01', cal)).toBe(0); // never -0
    for (const from of ['2026-01-30', '2026-02-13', '2026-02-15', '2026-09-18', '2026-10-01', '2026-12-20']) {
      for (const n of [0, 1, 2, 5, 10, 15, 30]) {
        expect(workingDaysBetween(from, add(from, n), cal)).toBe(n);
      }
    }
  });
});

describe('working-day arithmetic on a fake calendar', () => {
  // Only the 1st and the 15th of each month are working days.
  const fake: DayKind = (d) => d.endsWith('-01') || d.endsWith('-15');

  it('uses nothing but the given calendar, across month and year ends', () => {
    expect(addWorkingDays('2026-12-20', 1, fake)).toBe('2027-01-01');
    expect(addWorkingDays('2026-12-15', 2, fake)).toBe('2027-01-15');
    expect(workingDaysBetween('2026-12-15', '2027-01-15', fake)).toBe(2);
    expect(addWorkingDays('2028-02-28', 1, fake)).toBe('2028-03-01'); // through 29 Feb of a leap year
  });

  it('pauses and resumes a deadline without losing days', () => {
    const due = addWorkingDays('2026-01-01', 4, fake); // Jan 15, Feb 1, Feb 15, Mar 1
    expect(due).toBe('2026-03-01');
    const remaining = workingDaysBetween('2026-01-20', due, fake); // paused on Jan 20: Feb 1, Feb 15, Mar 1 remain
    expect(remaining).toBe(3);
    expect(addWorkingDays('2026-05-10', remaining, fake)).toBe('2026-06-15'); // resumed May 10
  });

  it('refuses bad input and bounds every loop', () => {
    const never: DayKind = () => false;
    expect(() => addWorkingDays('2026-02-30', 1, fake)).toThrow(WorkingDaysError);
    expect(() => addWorkingDays('2026-1-01', 1, fake)).toThrow(/from must be a real date/);
    expect(() => addWorkingDays('2026-01-01', -1, fake)).toThrow(/days must be an integer/);
    expect(() => addWorkingDays('2026-01-01', 1.5, fake)).toThrow(WorkingDaysError);
    expect(() => addWorkingDays('2026-01-01', MAX_WORKING_DAYS + 1, fake)).toThrow(WorkingDaysError);
    expect(() => addWorkingDays('2026-01-01', Number.NaN, fake)).toThrow(WorkingDaysError);
    expect(() => addWorkingDays('2026-01-01', 1, never)).toThrow(/fewer than 1 working days/);
    expect(() => addWorkingDays('9999-12-30', 5, () => true)).toThrow(WorkingDaysError);
    expect(addWorkingDays('2026-01-01', MAX_WORKING_DAYS, () => true)).toBe(addDays('2026-01-01', MAX_WORKING_DAYS));
    expect(() => workingDaysBetween('2026-01-01', addDays('2026-01-01', MAX_SPAN_DAYS + 1), fake)).toThrow(
      WorkingDaysError,
    );
    expect(() => workingDaysBetween('2026-01-01', 'tomorrow', fake)).toThrow(/to must be a real date/);
  });

  it('adds the maximum on the real calendar within the bound', () => {
    expect(() => addWorkingDays('2026-01-01', MAX_WORKING_DAYS, official)).not.toThrow();
  });
});
