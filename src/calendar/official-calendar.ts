import official from 'chinese-days/dist/chinese-days.json';
import { toDayNumber } from '../grading/rules/dates';

/**
 * The official calendar as the `chinese-days` package ships it: the days off and the swapped working weekends (调休)
 * of each State Council holiday notice (国务院办公厅关于部分节假日安排的通知), keyed by ISO date.
 *
 * We read the package's published JSON rather than call its functions: those parse dates in the process's time zone
 * and answer for the wrong day west of UTC (e.g. TZ=America/New_York), while a plain lookup has no time zone at all.
 * `working-days.spec.ts` checks that both agree wherever the library's functions are reliable.
 */
const holidays: Readonly<Record<string, string>> = official.holidays;
const swappedWorkdays: Readonly<Record<string, string>> = official.workdays;

/** Years the shipped data covers; other years have no official data and fall back to Monday–Friday. */
export const OFFICIAL_YEARS: readonly number[] = Object.freeze(
  [...new Set([...Object.keys(holidays), ...Object.keys(swappedWorkdays)].map((d) => Number(d.slice(0, 4))))].sort(
    (a, b) => a - b,
  ),
);
const covered = new Set(OFFICIAL_YEARS);

export interface OfficialDay {
  workday: boolean;
  /** The holiday's Chinese name (`国庆节`), on its days off and on the weekend days worked in exchange for it. */
  holiday?: string;
  holidayEn?: string;
  /** A weekend day worked in exchange for a holiday (调休上班). */
  swappedWorkday?: boolean;
}

/** Monday to Friday (1970-01-01, day number 0, was a Thursday). */
export function isWeekday(date: string): boolean {
  const dow = (((toDayNumber(date) + 4) % 7) + 7) % 7;
  return dow >= 1 && dow <= 5;
}

export function isCoveredYear(year: number): boolean {
  return covered.has(year);
}

/** The official answer for a valid ISO date, or null when the shipped data does not cover its year. */
export function officialDay(date: string): OfficialDay | null {
  if (!covered.has(Number(date.slice(0, 4)))) return null;
  const off = holidays[date];
  if (off) return { workday: false, ...names(off) };
  const swapped = swappedWorkdays[date];
  if (swapped) return { workday: true, ...names(swapped), swappedWorkday: true };
  return { workday: isWeekday(date) };
}

/** The data names a day `"National Day,国庆节,3"` (English, Chinese, length of the holiday). */
function names(entry: string): { holiday?: string; holidayEn?: string } {
  const [en, zh] = entry.split(',');
  return { holiday: zh || en || undefined, holidayEn: en || undefined };
}
