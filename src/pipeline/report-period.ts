/**
 * Reporting periods (月监测、季分析、年评估): a month `2026-06`, a quarter `2026-Q2` or a year `2026`, as inclusive ISO
 * date ranges in China's calendar, with the previous period (环比) and the same period a year earlier (同比). Pure.
 */
import { daysInMonth } from '../grading/rules/dates';

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  label: string;
  kind: PeriodKind;
  year: number;
  /** Month 1-12, quarter 1-4, or 1 for a year. */
  index: number;
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const MIN_YEAR = 1949;
export const MAX_YEAR = 2100;

export function makePeriod(kind: PeriodKind, year: number, index = 1): Period {
  if (kind === 'year') return { label: String(year), kind, year, index: 1, from: `${year}-01-01`, to: `${year}-12-31` };
  if (kind === 'quarter') {
    const first = (index - 1) * 3 + 1;
    const last = first + 2;
    return {
      label: `${year}-Q${index}`,
      kind,
      year,
      index,
      from: `${year}-${pad(first)}-01`,
      to: `${year}-${pad(last)}-${pad(daysInMonth(year, last))}`,
    };
  }
  return {
    label: `${year}-${pad(index)}`,
    kind,
    year,
    index,
    from: `${year}-${pad(index)}-01`,
    to: `${year}-${pad(index)}-${pad(daysInMonth(year, index))}`,
  };
}

/** The period a label names, or null when it names none (`2026-13`, `2026-Q5`, `26`, `2026-6`). */
export function parsePeriod(label: string): Period | null {
  const m = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$/.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (m[2]) return makePeriod('month', year, Number(m[2]));
  if (m[3]) return makePeriod('quarter', year, Number(m[3]));
  return makePeriod('year', year);
}

/** The period just before (May for June, Q4 of last year for Q1, last year for a year). */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'year') return makePeriod('year', p.year - 1);
  const last = p.kind === 'month' ? 12 : 4;
  return p.index === 1 ? makePeriod(p.kind, p.year - 1, last) : makePeriod(p.kind, p.year, p.index - 1);
}

/** The same period one year earlier (for a year, the previous year). */
export function sameLastYear(p: Period): Period {
  return makePeriod(p.kind, p.year - 1, p.index);
}

/** The instant a China calendar day begins (UTC+8 all year), for comparing timestamps. */
export function chinaDayStart(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00+08:00`);
}

/** The day after an ISO date (`2026-12-31` → `2027-01-01`). */
export function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Timestamps of a date range: `[from 00:00, day after to 00:00)` in China time. */
export function instantRange(from: string, to: string): { start: Date; end: Date } {
  return { start: chinaDayStart(from), end: chinaDayStart(nextDay(to)) };
}

export const periodView = (p: Period) => ({ label: p.label, kind: p.kind, from: p.from, to: p.to });
