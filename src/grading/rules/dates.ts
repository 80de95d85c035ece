/**
 * ISO calendar dates (`YYYY-MM-DD`) as day numbers, without Date objects: pure, timezone-free and fast enough to run
 * inside every evaluation.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * A real calendar date in `YYYY-MM-DD` form: rejects 2026-02-30, 2025-02-29, 2026-13-01 and year 0000 (the calendar
 * has no year zero, and PostgreSQL refuses it when the row is written, where no field can be named any more).
 */
export function isValidIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
function civilToDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Day number of an ISO date (the caller has validated it). Reads digits directly to avoid allocations. */
export function toDayNumber(iso: string): number {
  const c = (i: number) => iso.charCodeAt(i) - 48;
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
  const m = c(5) * 10 + c(6);
  const d = c(8) * 10 + c(9);
  return civilToDays(y, m, d);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * The same month and day `years` later. 29 February moves to 1 March in a common year, so a period counted in years
 * ends on the last day of February (民法典 art. 203: with no corresponding day, the month's last day ends the period).
 */
export function addYears(iso: string, years: number): string {
  const y = +iso.slice(0, 4) + years;
  const m = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  if (m === 2 && d === 29 && !isLeapYear(y)) return `${pad(y, 4)}-03-01`;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Day number of `addYears(iso, years)` without building the string. */
export function addYearsDayNumber(iso: string, years: number): number {
  const c = (i: number) => iso.charCodeAt(i) - 48;
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3) + years;
  const m = c(5) * 10 + c(6);
  const d = c(8) * 10 + c(9);
  if (m === 2 && d === 29 && !isLeapYear(y)) return civilToDays(y, 3, 1);
  return civilToDays(y, m, d);
}

/** The ISO date `days` after `iso`. */
export function addDays(iso: string, days: number): string {
  const z0 = toDayNumber(iso) + days + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}
