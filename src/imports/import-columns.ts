import { usccProblem } from '../enterprises/uscc';

/**
 * The documented columns of a bulk import file (docs/import-format.md): one row is one enterprise
 * plus one year of its annual indicators. A header may be written in English or Chinese.
 */

/** A cell as read from either file kind: CSV gives strings, XLSX also numbers, booleans and dates. */
export type RawCell = string | number | boolean | Date | null;

export type ImportColumnType = 'uscc' | 'text' | 'date' | 'year' | 'count' | 'money' | 'boolean' | 'list';

/** Meanings, units and examples of every column: docs/import-format.md. */
export interface ImportColumn {
  en: string;
  zh: string;
  /** Dotted path of the value in an ImportRow, e.g. `indicators.ip.classI`. */
  path: string;
  type: ImportColumnType;
  /** The column must be in the file and its cells must not be empty. */
  required: boolean;
}

const REQUIRED = true;
const OPTIONAL = false;
function col(en: string, zh: string, path: string, type: ImportColumnType, required: boolean): ImportColumn {
  return { en, zh, path, type, required };
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  col('uscc', '统一社会信用代码', 'enterprise.uscc', 'uscc', REQUIRED),
  col('name', '企业名称', 'enterprise.name', 'text', REQUIRED),
  col('district', '所属区县', 'enterprise.district', 'text', REQUIRED),
  col('registeredOn', '成立日期', 'enterprise.registeredOn', 'date', REQUIRED),
  col('industry', '所属行业', 'enterprise.industry', 'text', OPTIONAL),
  col('address', '地址', 'enterprise.address', 'text', OPTIONAL),
  col('contact', '联系人', 'enterprise.contact.name', 'text', OPTIONAL),
  col('contactPhone', '联系电话', 'enterprise.contact.phone', 'text', OPTIONAL),
  col('contactEmail', '电子邮箱', 'enterprise.contact.email', 'text', OPTIONAL),
  col('year', '年度', 'year', 'year', REQUIRED),
  col('employees', '从业人数', 'indicators.employees', 'count', REQUIRED),
  col('techStaff', '科技人员数', 'indicators.techStaff', 'count', REQUIRED),
  col('totalAssets', '资产总额', 'indicators.totalAssets', 'money', REQUIRED),
  col('totalLiabilities', '负债总额', 'indicators.totalLiabilities', 'money', REQUIRED),
  col('totalCosts', '成本费用总额', 'indicators.totalCosts', 'money', REQUIRED),
  col('revenue', '销售收入', 'indicators.revenue', 'money', REQUIRED),
  col('rdExpense', '研发费用', 'indicators.rdExpense', 'money', REQUIRED),
  col('domesticRdExpense', '境内研发费用', 'indicators.domesticRdExpense', 'money', REQUIRED),
  col('netAssets', '净资产', 'indicators.netAssets', 'money', REQUIRED),
  col('totalIncome', '总收入', 'indicators.totalIncome', 'money', OPTIONAL),
  col('highTechRevenue', '高新技术产品收入', 'indicators.highTechRevenue', 'money', OPTIONAL),
  col('mainBusinessRevenue', '主营业务收入', 'indicators.mainBusinessRevenue', 'money', OPTIONAL),
  col('ipClassI', '一类知识产权数', 'indicators.ip.classI', 'count', REQUIRED),
  col('ipClassII', '二类知识产权数', 'indicators.ip.classII', 'count', REQUIRED),
  col('supportedField', '属于国家重点支持领域', 'indicators.supportedField', 'boolean', REQUIRED),
  col('innovationIp', '知识产权得分', 'indicators.innovation.ip', 'count', OPTIONAL),
  col('innovationConversion', '成果转化得分', 'indicators.innovation.conversion', 'count', OPTIONAL),
  col('innovationRdManagement', '研发管理得分', 'indicators.innovation.rdManagement', 'count', OPTIONAL),
  col('majorViolation', '重大违法行为', 'indicators.declarations.majorViolation', 'boolean', OPTIONAL),
  col('restrictedIndustry', '限制类行业', 'indicators.declarations.restrictedIndustry', 'boolean', OPTIONAL),
  col('dishonestyList', '失信名单', 'indicators.declarations.dishonestyList', 'boolean', OPTIONAL),
  col(
    'superDeductionExcluded',
    '不适用加计扣除行业',
    'indicators.declarations.superDeductionExcluded',
    'boolean',
    OPTIONAL,
  ),
  col('directQualifications', '直接认定条件', 'indicators.directQualifications', 'list', OPTIONAL),
];

/** Innovation scores are one assessment: a file or a row gives all three or none (DOMAIN.md section 2). */
export const INNOVATION_PATHS = [
  'indicators.innovation.ip',
  'indicators.innovation.conversion',
  'indicators.innovation.rdManagement',
];

/**
 * Header spelling is forgiving (case, spaces, `_`, `-`, full-width forms) but units are not: `资产总额（元）`
 * matches, `资产总额（万元）` does not, so a file in ten-thousands of yuan is refused instead of misread.
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_\-.]/g, '')
    .replace(/\((元|yuan)\)$/, '');
}

const BY_HEADER = new Map<string, ImportColumn>(
  IMPORT_COLUMNS.flatMap((c) => [[normaliseHeader(c.en), c] as const, [normaliseHeader(c.zh), c] as const]),
);

export function findColumn(header: string): ImportColumn | undefined {
  return BY_HEADER.get(normaliseHeader(header));
}

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (reason: string): Coerced => ({ ok: false, reason });
const show = (cell: RawCell) =>
  typeof cell === 'string' ? `"${cell.trim()}"` : cell instanceof Date ? 'a date cell' : String(cell);

/** Reads a non-empty cell as the column's type. Range and cross-field rules belong to the indicators DTO. */
export function coerceCell(type: ImportColumnType, cell: Exclude<RawCell, null>): Coerced {
  switch (type) {
    case 'text':
      return typeof cell === 'string' || typeof cell === 'number' ? ok(String(cell).trim()) : fail('expected text');
    case 'uscc': {
      // A number cell has already lost digits (18 digits exceed double precision), so it cannot be repaired.
      if (typeof cell !== 'string') return fail('enter the code as text, not as a number');
      const problem = usccProblem(cell.trim());
      return problem ? fail(`invalid USCC: ${problem}`) : ok(cell.trim());
    }
    case 'date':
      return coerceDate(cell);
    case 'year': {
      const n = toInteger(cell);
      return n !== null && n >= 1900 && n <= 2999 ? ok(n) : fail(`expected a four-digit year, got ${show(cell)}`);
    }
    case 'count': {
      const n = toInteger(cell);
      return n === null ? fail(`expected a whole number, got ${show(cell)}`) : ok(n);
    }
    case 'money': {
      const n = toInteger(cell);
      return n === null
        ? fail(`expected whole yuan (an integer, thousands separators allowed), got ${show(cell)}`)
        : ok(n);
    }
    case 'boolean':
      return coerceBoolean(cell);
    case 'list':
      return ok(
        String(cell)
          .normalize('NFKC')
          .split(/[;、]/)
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      );
  }
}

/** Whole numbers with optional thousands separators; `1.00` is whole, `1.5`, `1e3` and `0x10` are not. */
function toInteger(cell: RawCell): number | null {
  if (typeof cell === 'number') return Number.isSafeInteger(cell) ? cell : null;
  if (typeof cell !== 'string') return null;
  const m = /^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$/.exec(cell.normalize('NFKC').trim());
  if (!m) return null;
  const n = Number(m[1] + m[2].replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : null;
}

const TRUE = new Set(['true', '1', '是', 'yes', 'y']);
const FALSE = new Set(['false', '0', '否', 'no', 'n']);

function coerceBoolean(cell: Exclude<RawCell, null>): Coerced {
  if (typeof cell === 'boolean') return ok(cell);
  const s = String(cell).normalize('NFKC').trim().toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail(`expected yes or no (true/false, 1/0, 是/否, Y/N), got ${show(cell)}`);
}

/**
 * XLSX date cells arrive as Dates at UTC midnight of the calendar day shown, so the UTC parts are that day
 * whatever the server's time zone. Text accepts `YYYY-MM-DD` and, because Excel on Chinese systems exports
 * dates as `2019/4/1`, the same order with `/` or single-digit month and day.
 */
function coerceDate(cell: Exclude<RawCell, null>): Coerced {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('invalid date');
    return isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  }
  const m = typeof cell === 'string' ? /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/.exec(cell.normalize('NFKC').trim()) : null;
  if (!m) return fail(`expected a date YYYY-MM-DD, got ${show(cell)}`);
  return isoDate(Number(m[1]), Number(m[3]), Number(m[4]));
}

function isoDate(year: number, month: number, day: number): Coerced {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return fail(`no such date: ${year}-${month}-${day}`);
  }
  return ok(d.toISOString().slice(0, 10));
}
