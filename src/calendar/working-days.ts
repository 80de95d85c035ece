import { addDays, isValidIsoDate, toDayNumber } from '../grading/rules/dates';

/**
 * Working-day arithmetic over any calendar (DOMAIN.md section 9). Pure: the caller supplies `isWorkday`, so the same
 * code runs on the official calendar, on admin overrides, and on fakes in tests.
 */
export type DayKind = (date: string) => boolean;

/** The most working days one call may add (about 14 years); larger numbers are input errors, not deadlines. */
export const MAX_WORKING_DAYS = 3660;
/** The most calendar days one call may walk, so a calendar with (almost) no working days cannot spin forever. */
export const MAX_SPAN_DAYS = 7320;

export class WorkingDaysError extends RangeError {}

/**
 * The `days`-th working day after `from`; `from` itself never counts, whatever it is. So 10 working days of public
 * notice published on a Friday end on the tenth working day after that Friday.
 * `days = 0` returns `from` unchanged (even on a holiday), which keeps `workingDaysBetween(from, result) === days`.
 */
export function addWorkingDays(from: string, days: number, isWorkday: DayKind): string {
  assertDate(from, 'from');
  if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS)
    throw new WorkingDaysError(`days must be an integer from 0 to ${MAX_WORKING_DAYS}`);
  let date = from;
  for (let left = days, walked = 0; left > 0; walked++) {
    if (walked >= MAX_SPAN_DAYS || date >= '9999-12-31')
      throw new WorkingDaysError(`fewer than ${days} working days within ${MAX_SPAN_DAYS} days after ${from}`);
    date = addDays(date, 1);
    if (isWorkday(date)) left--;
  }
  return date;
}

/**
 * Working days in (from, to]: how many remain from `from` until a deadline `to` (to pause a deadline and resume it
 * later with `addWorkingDays(resumedOn, remaining)`). When `to` is before `from` the answer is negative: the working
 * days in (to, from], i.e. how far past the deadline `from` is; a caller resuming must clamp it at 0.
 */
export function workingDaysBetween(from: string, to: string, isWorkday: DayKind): number {
  assertDate(from, 'from');
  assertDate(to, 'to');
  const span = toDayNumber(to) - toDayNumber(from);
  // `0 - n` rather than `-n`: never answer -0 when nothing lies between.
  if (span < 0) return 0 - workingDaysBetween(to, from, isWorkday);
  if (span > MAX_SPAN_DAYS) throw new WorkingDaysError(`from and to must be at most ${MAX_SPAN_DAYS} days apart`);
  let count = 0;
  for (let i = 0, date = from; i < span; i++) {
    date = addDays(date, 1);
    if (isWorkday(date)) count++;
  }
  return count;
}

function assertDate(value: string, name: string) {
  if (!isValidIsoDate(value)) throw new WorkingDaysError(`${name} must be a real date as YYYY-MM-DD`);
}
