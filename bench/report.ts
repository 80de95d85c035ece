/** Formatting for BENCHMARKS.md: numbers, spreads, pass/fail, and the sections each phase contributes. */
import type { Spread } from './common';

export const n = (x: number) => x.toLocaleString('en-US');
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const fmt = (x: number, digits = 1) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
export const fmtSpread = (s: Spread, digits = 1, unit = '') =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
export const pass = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? '**pass**' : '**FAIL**');

export const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** One row of the summary table at the top of BENCHMARKS.md. */
export interface SummaryRow {
  goal: string;
  target: string;
  measured: string;
  ok: boolean | null;
}

/** What a phase adds to the report: rows for the summary and its own section. */
export interface Section {
  summary: SummaryRow[];
  lines: string[];
}

/** Collects markdown lines; `p(...)` adds them (`p()` an empty line). */
export function lines(): { out: string[]; p: (...s: string[]) => void } {
  const out: string[] = [];
  return { out, p: (...s: string[]) => void out.push(...(s.length ? s : [''])) };
}

/** A markdown table from a header and rows. */
export function table(header: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
