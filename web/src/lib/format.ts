import dayjs from 'dayjs';

export type Lang = 'zh' | 'en';

const group = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `2026年11月21日` in Chinese, `21 Nov 2026` in English; empty for no date. */
export function formatDate(value: string | null | undefined, lang: Lang): string {
  if (!value) return '';
  const d = dayjs(value);
  if (!d.isValid()) return value;
  return lang === 'zh' ? `${d.year()}年${d.month() + 1}月${d.date()}日` : d.format('D MMM YYYY');
}

export function formatDateTime(value: string | null | undefined, lang: Lang): string {
  if (!value) return '';
  const d = dayjs(value);
  if (!d.isValid()) return value;
  return `${formatDate(value, lang)} ${d.format('HH:mm')}`;
}

/** Whole yuan with thousands separators: `1,234,567 元` (`¥1,234,567` in English). */
export function formatYuan(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return lang === 'zh' ? `${group(value)} 元` : `¥${group(value)}`;
}

/** Ten-thousands of yuan for dense tables: `123.46 万元` (`¥1.23M` in English). */
export function formatWan(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (lang === 'zh') return `${group(value / 10000, 2)} 万元`;
  return `¥${group(value / 1_000_000, 2)}M`;
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return group(value, Number.isInteger(value) ? 0 : 2);
}

/**
 * Today's date in China (UTC+8, no daylight saving), as an ISO date: the bureaus' calendar day, which the UTC date is
 * not between 00:00 and 08:00 Beijing time. The server's `chinaToday` does the same.
 */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
