/**
 * The periodic report as a table: one row per figure, with the current period, the previous period (环比), the same
 * period last year (同比) and both changes; labels and column headers in Chinese or English; CSV rendering. Pure.
 */
import {
  ALL_DISTRICTS,
  CERTIFIED_TIERS,
  type CertifiedTier,
  TARGET_METRICS,
  type TargetMetric,
} from './pipeline.rules';
import type { Period } from './report-period';

export type Lang = 'zh' | 'en';

export interface MovementFigures {
  recognitions: Record<CertifiedTier, { first: number; renewal: number }>;
  expiries: Record<CertifiedTier, number>;
  revocations: Record<CertifiedTier, number>;
  exits: number;
}

export interface ApplicationFigures {
  submitted: number;
  decided: number;
  recognised: number;
  rejected: number;
  passRate: number | null;
}

export interface GrantFigures {
  matchedCount: number;
  matchedAmount: number;
  paidCount: number;
  paidAmount: number;
}

export interface TargetFigure {
  district: string;
  metric: TargetMetric;
  target: number | null;
  actual: number;
  percentage: number | null;
}

export interface PeriodFigures {
  movements: MovementFigures;
  applications: ApplicationFigures;
  grants: GrantFigures;
  /** Progress of the period's year up to the period's last day (year to date). */
  targets: { year: number; asOf: string; items: TargetFigure[] };
}

type Num = number | null;

/** a − b, for figures of the same shape; rates differ in rate points (4 places); null when either side is null. */
export function delta(a: unknown, b: unknown): any {
  if (typeof a === 'number' || a === null) {
    if (a === null || typeof b !== 'number') return null;
    return Number.isInteger(a) && Number.isInteger(b) ? a - b : Math.round((a - b) * 10_000) / 10_000;
  }
  if (Array.isArray(a)) return a.map((x, i) => delta(x, (b as unknown[] | undefined)?.[i]));
  if (a && typeof a === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
      const other = (b as Record<string, unknown> | undefined)?.[k];
      out[k] = typeof v === 'string' ? v : delta(v, other);
    }
    return out;
  }
  return a;
}

const SECTIONS = {
  movements: ['梯次变动', 'Movements'],
  applications: ['认定申请', 'Applications'],
  grants: ['补贴兑现', 'Grants'],
  targets: ['目标任务', 'Targets'],
} as const;

const METRICS: Record<string, [string, string]> = {
  recognitions_first: ['首次认定', 'First recognitions'],
  recognitions_renewal: ['重新认定', 'Re-recognitions'],
  expiries: ['到期失效', 'Expiries'],
  revocations: ['撤销', 'Revocations'],
  exits: ['迁出注销', 'Exits'],
  submitted: ['提交申请数', 'Submitted'],
  decided: ['已作出决定数', 'Decided'],
  recognised: ['通过认定数', 'Recognised'],
  rejected: ['未通过数', 'Rejected'],
  pass_rate: ['通过率', 'Pass rate'],
  matched_count: ['匹配笔数', 'Matched (count)'],
  matched_amount: ['匹配金额(元)', 'Matched amount (yuan)'],
  paid_count: ['兑付笔数', 'Paid (count)'],
  paid_amount: ['兑付金额(元)', 'Paid amount (yuan)'],
};

export const TARGET_METRIC_LABELS: Record<TargetMetric, [string, string]> = {
  new_tech_sme: ['新增科技型中小企业', 'New tech SMEs'],
  new_high_tech: ['新增高新技术企业', 'New high-tech enterprises'],
  new_leader: ['新增科技领军企业', 'New tech leaders'],
  applications: ['认定申请数', 'Applications submitted'],
  grants_amount: ['补贴兑付金额(元)', 'Grants paid (yuan)'],
};

const MEASURES = { target: ['目标', 'target'], actual: ['完成', 'actual'], percentage: ['完成率(%)', 'done (%)'] };

const TIER_LABELS: Record<CertifiedTier, [string, string]> = {
  tech_sme: ['科技型中小企业', 'tech SME'],
  high_tech: ['高新技术企业', 'high-tech'],
  leader: ['科技领军企业', 'tech leader'],
};

const pick = (pair: readonly [string, string] | readonly string[], lang: Lang) => (lang === 'zh' ? pair[0] : pair[1]);

export function columnHeaders(lang: Lang, periods: { current: Period; previous: Period; lastYear: Period }) {
  const zh = lang === 'zh';
  return [
    zh ? '板块' : 'Section',
    zh ? '指标' : 'Metric',
    zh ? '梯次' : 'Tier',
    zh ? '区县' : 'District',
    zh ? `本期(${periods.current.label})` : `Current (${periods.current.label})`,
    zh ? `上期(${periods.previous.label})` : `Previous (${periods.previous.label})`,
    zh ? `去年同期(${periods.lastYear.label})` : `Same period last year (${periods.lastYear.label})`,
    zh ? '环比增减' : 'Change vs previous',
    zh ? '同比增减' : 'Change vs last year',
  ];
}

export interface ReportRow {
  key: string;
  section: string;
  metric: string;
  tier: string;
  district: string;
  current: Num;
  previous: Num;
  lastYear: Num;
  deltaPrevious: Num;
  deltaLastYear: Num;
}

/**
 * The figures flattened into rows (the same rows in every format). Target rows follow the current year's targets;
 * the comparison periods show that year's target for the same district and metric (empty when it had none) and the
 * actual to that period's last day.
 */
export function reportRows(
  figures: { current: PeriodFigures; previous: PeriodFigures; lastYear: PeriodFigures },
  lang: Lang,
): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = (
    key: string,
    section: keyof typeof SECTIONS,
    metric: string,
    read: (f: PeriodFigures) => Num,
    tier: CertifiedTier | null = null,
    district = '',
  ) => {
    const [c, p, l] = [read(figures.current), read(figures.previous), read(figures.lastYear)];
    rows.push({
      key,
      section: pick(SECTIONS[section], lang),
      metric,
      tier: tier ? pick(TIER_LABELS[tier], lang) : '',
      district,
      current: c,
      previous: p,
      lastYear: l,
      deltaPrevious: delta(c, p),
      deltaLastYear: delta(c, l),
    });
  };
  const m = (k: string) => pick(METRICS[k], lang);
  for (const tier of CERTIFIED_TIERS) {
    add(
      `movements.recognitions.${tier}.first`,
      'movements',
      m('recognitions_first'),
      (f) => f.movements.recognitions[tier].first,
      tier,
    );
    add(
      `movements.recognitions.${tier}.renewal`,
      'movements',
      m('recognitions_renewal'),
      (f) => f.movements.recognitions[tier].renewal,
      tier,
    );
  }
  for (const tier of CERTIFIED_TIERS)
    add(`movements.expiries.${tier}`, 'movements', m('expiries'), (f) => f.movements.expiries[tier], tier);
  for (const tier of CERTIFIED_TIERS)
    add(`movements.revocations.${tier}`, 'movements', m('revocations'), (f) => f.movements.revocations[tier], tier);
  add('movements.exits', 'movements', m('exits'), (f) => f.movements.exits);
  for (const [k, label] of [
    ['submitted', 'submitted'],
    ['decided', 'decided'],
    ['recognised', 'recognised'],
    ['rejected', 'rejected'],
    ['passRate', 'pass_rate'],
  ] as const)
    add(`applications.${k}`, 'applications', m(label), (f) => f.applications[k]);
  for (const [k, label] of [
    ['matchedCount', 'matched_count'],
    ['matchedAmount', 'matched_amount'],
    ['paidCount', 'paid_count'],
    ['paidAmount', 'paid_amount'],
  ] as const)
    add(`grants.${k}`, 'grants', m(label), (f) => f.grants[k]);
  const sortedTargets = [...figures.current.targets.items].sort(
    (a, b) =>
      TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric) || a.district.localeCompare(b.district, 'zh'),
  );
  for (const target of sortedTargets) {
    const find = (f: PeriodFigures) =>
      f.targets.items.find((i) => i.district === target.district && i.metric === target.metric);
    const district = target.district === ALL_DISTRICTS ? (lang === 'zh' ? '全市' : 'all districts') : target.district;
    for (const measure of ['target', 'actual', 'percentage'] as const)
      add(
        `targets.${target.metric}.${target.district}.${measure}`,
        'targets',
        `${pick(TARGET_METRIC_LABELS[target.metric], lang)} ${pick(MEASURES[measure], lang)}`,
        (f) => find(f)?.[measure] ?? null,
        null,
        district,
      );
  }
  return rows;
}

/** One CSV cell: text that a spreadsheet would run as a formula is neutralised, and quoting is added when needed. */
export function csvCell(value: string | number | null): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const rowValues = (r: ReportRow): (string | number | null)[] => [
  r.section,
  r.metric,
  r.tier,
  r.district,
  r.current,
  r.previous,
  r.lastYear,
  r.deltaPrevious,
  r.deltaLastYear,
];

/** UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF line ends, a header row. */
export function toCsv(headers: string[], rows: ReportRow[]): Buffer {
  const lines = [headers.map(csvCell).join(',')];
  for (const row of rows) lines.push(rowValues(row).map(csvCell).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The format an `Accept` header asks for: the supported type with the highest q (ties: the one listed first); JSON
 * when nothing supported is named (including `*\/*` or no header).
 */
export function negotiateFormat(accept: string | undefined): 'json' | 'csv' | 'xlsx' {
  if (!accept) return 'json';
  let best: { format: 'json' | 'csv' | 'xlsx'; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const format =
      type === CSV_TYPE ? 'csv' : type === XLSX_TYPE ? 'xlsx' : type === 'application/json' ? 'json' : null;
    if (format && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? 'json';
}
