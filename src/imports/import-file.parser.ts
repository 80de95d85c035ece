import { isUtf8 } from 'buffer';
import { Readable } from 'stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, INNOVATION_PATHS, ImportColumn, RawCell, coerceCell, findColumn } from './import-columns';

/**
 * Reads a bulk import file (docs/import-format.md) into rows or row errors, one row at a time, so a
 * 100,000-row file is never held as 100,000 objects. Pure: no NestJS, no database.
 */

export type ImportKind = 'csv' | 'xlsx';

export interface ImportEnterprise {
  uscc: string;
  name: string;
  district: string;
  registeredOn: string;
  industry?: string;
  address?: string;
  contact?: { name?: string; phone?: string; email?: string };
}

export interface ImportIndicators {
  employees: number;
  techStaff: number;
  totalAssets: number;
  totalLiabilities: number;
  totalCosts: number;
  revenue: number;
  rdExpense: number;
  domesticRdExpense: number;
  netAssets: number;
  totalIncome?: number;
  highTechRevenue?: number;
  mainBusinessRevenue?: number;
  ip: { classI: number; classII: number };
  supportedField: boolean;
  innovation?: { ip: number; conversion: number; rdManagement: number };
  declarations: {
    majorViolation: boolean;
    restrictedIndustry: boolean;
    dishonestyList: boolean;
    superDeductionExcluded: boolean;
  };
  directQualifications: string[];
}

export interface ImportRow {
  /** 1-based, as a spreadsheet shows it: the header is row 1. */
  rowNumber: number;
  enterprise: ImportEnterprise;
  year: number;
  indicators: ImportIndicators;
}

export interface RowError {
  rowNumber: number;
  /** The header as written in the file; a column letter for a value under no header; '' when the file breaks. */
  column: string;
  reason: string;
}

/** A row with any error carries no data: the caller writes nothing of it. */
export type ParsedRow = { ok: true; row: ImportRow } | { ok: false; rowNumber: number; errors: RowError[] };

export type FileErrorCode =
  'unreadable' | 'empty' | 'unknown_columns' | 'duplicate_columns' | 'missing_columns' | 'partial_innovation';

export interface FileError {
  code: FileErrorCode;
  message: string;
  /** Headers as written (unknown, duplicate) or as documented (missing). */
  columns: string[];
}

export type ParsedImport =
  | {
      ok: true;
      kind: ImportKind;
      /** Target path (`indicators.revenue`) to the header as written, to point DTO errors back at a column. */
      headers: Record<string, string>;
      /** Blank rows are skipped. One pass only: it reads the file as it goes. */
      rows: AsyncIterable<ParsedRow>;
    }
  | { ok: false; kind: ImportKind; errors: FileError[] };

interface SheetRow {
  rowNumber: number;
  cells: RawCell[];
}

interface Layout {
  /** Per file column: the documented column it maps to, or null for a blank header. */
  columns: (ImportColumn | null)[];
  headers: string[];
}

/**
 * `kind` is what the upload claimed; the content decides when they disagree, because users rename files.
 */
export async function parseImportFile(buffer: Buffer, kind?: ImportKind): Promise<ParsedImport> {
  const detected = detectKind(buffer, kind);
  if (typeof detected !== 'string') return { ok: false, kind: kind ?? 'csv', errors: [detected] };
  const rejected = (errors: FileError[]): ParsedImport => ({ ok: false, kind: detected, errors });
  const records = (detected === 'xlsx' ? xlsxRecords(buffer) : csvRecords(buffer))[Symbol.asyncIterator]();
  let first: IteratorResult<SheetRow>;
  try {
    do first = await records.next();
    while (!first.done && isBlank(first.value.cells));
  } catch (error) {
    return rejected([fileError('unreadable', `cannot read the file: ${messageOf(error)}`)]);
  }
  if (first.done) return rejected([fileError('empty', 'the file has no header row')]);

  const layout = readHeader(first.value.cells);
  if (Array.isArray(layout)) {
    await records.return?.(undefined);
    return rejected(layout);
  }
  const headers = Object.fromEntries(layout.columns.flatMap((c, i) => (c ? [[c.path, layout.headers[i]]] : [])));
  return { ok: true, kind: detected, headers, rows: readRows(records, layout, first.value.rowNumber) };
}

function fileError(code: FileErrorCode, message: string, columns: string[] = []): FileError {
  return { code, message, columns };
}

function detectKind(buffer: Buffer, claimed: ImportKind | undefined): ImportKind | FileError {
  if (buffer.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'xlsx';
  if (buffer.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return fileError('unreadable', 'the old .xls format is not supported: save the file as .xlsx or CSV');
  }
  if (claimed === 'xlsx') return fileError('unreadable', 'not an XLSX file (an XLSX file is a zip archive)');
  return 'csv';
}

function readHeader(cells: RawCell[]): Layout | FileError[] {
  const headers = cells.map((c) =>
    c === null
      ? ''
      : String(c)
          .replace(/^\uFEFF/, '')
          .trim(),
  );
  const columns = headers.map((h) => (h === '' ? null : (findColumn(h) ?? null)));
  const errors: FileError[] = [];
  const unknown = headers.filter((h, i) => h !== '' && columns[i] === null);
  if (unknown.length) errors.push(fileError('unknown_columns', `unknown columns: ${unknown.join(', ')}`, unknown));

  const seen = new Map<ImportColumn, string>();
  const duplicates: string[] = [];
  columns.forEach((c, i) => {
    if (c && seen.has(c)) duplicates.push(`${seen.get(c)} / ${headers[i]}`);
    else if (c) seen.set(c, headers[i]);
  });
  if (duplicates.length) {
    errors.push(fileError('duplicate_columns', `columns given twice: ${duplicates.join(', ')}`, duplicates));
  }

  const missing = IMPORT_COLUMNS.filter((c) => c.required && !seen.has(c)).map((c) => `${c.zh} (${c.en})`);
  if (missing.length) {
    errors.push(fileError('missing_columns', `missing required columns: ${missing.join(', ')}`, missing));
  }

  const innovation = IMPORT_COLUMNS.filter((c) => INNOVATION_PATHS.includes(c.path));
  const absent = innovation.filter((c) => !seen.has(c));
  if (absent.length > 0 && absent.length < innovation.length) {
    const names = absent.map((c) => `${c.zh} (${c.en})`);
    const message = `innovation score columns come as a set of three; missing: ${names.join(', ')}`;
    errors.push(fileError('partial_innovation', message, names));
  }
  return errors.length ? errors : { columns, headers };
}

async function* readRows(
  records: AsyncIterator<SheetRow>,
  layout: Layout,
  headerRow: number,
): AsyncGenerator<ParsedRow> {
  let last = headerRow;
  for (;;) {
    let next: IteratorResult<SheetRow>;
    try {
      next = await records.next();
    } catch (error) {
      const rowNumber = last + 1;
      yield {
        ok: false,
        rowNumber,
        errors: [{ rowNumber, column: '', reason: `the file cannot be read from this row on: ${messageOf(error)}` }],
      };
      return;
    }
    if (next.done) return;
    last = next.value.rowNumber;
    if (isBlank(next.value.cells)) continue;
    yield buildRow(next.value, layout);
  }
}

function buildRow({ rowNumber, cells }: SheetRow, layout: Layout): ParsedRow {
  const errors: RowError[] = [];
  const values = new Map<string, unknown>();
  const headerOf = new Map<string, string>();
  const filled = new Set<string>();
  const width = Math.max(cells.length, layout.columns.length);
  for (let i = 0; i < width; i++) {
    const column = layout.columns[i];
    const cell = blankToNull(cells[i]);
    if (!column) {
      if (cell !== null)
        errors.push({ rowNumber, column: columnLetter(i), reason: 'a value in a column without a header' });
      continue;
    }
    headerOf.set(column.path, layout.headers[i]);
    if (cell === null) {
      if (column.required) errors.push({ rowNumber, column: layout.headers[i], reason: 'required' });
      continue;
    }
    filled.add(column.path);
    const coerced = coerceCell(column.type, cell);
    if (coerced.ok) values.set(column.path, coerced.value);
    else errors.push({ rowNumber, column: layout.headers[i], reason: coerced.reason });
  }

  const given = INNOVATION_PATHS.filter((p) => filled.has(p));
  if (given.length > 0 && given.length < INNOVATION_PATHS.length) {
    for (const p of INNOVATION_PATHS.filter((p) => !filled.has(p))) {
      errors.push({
        rowNumber,
        column: headerOf.get(p)!,
        reason: 'innovation scores come as a set: fill all three or leave all empty',
      });
    }
  }

  if (errors.length) return { ok: false, rowNumber, errors };

  const row = { rowNumber, enterprise: {}, year: 0, indicators: {} };
  for (const column of IMPORT_COLUMNS) {
    // Declarations default to false and qualifications to none (DOMAIN.md section 2); other empties stay absent.
    const fallback = column.type === 'boolean' ? false : column.type === 'list' ? [] : undefined;
    const value = values.has(column.path) ? values.get(column.path) : fallback;
    if (value !== undefined) setPath(row, column.path, value);
  }
  return { ok: true, row: row as ImportRow };
}

async function* csvRecords(buffer: Buffer): AsyncGenerator<SheetRow> {
  // relax_column_count: a short or long row is a row error of ours, not a parse failure of the whole file.
  const parser = parse({ bom: true, relax_column_count: true });
  Readable.from(utf8Chunks(buffer)).pipe(parser);
  let rowNumber = 0;
  for await (const cells of parser as AsyncIterable<string[]>) yield { rowNumber: ++rowNumber, cells };
}

/**
 * Excel on Chinese Windows saves "CSV" in GB18030 (GBK), so a file that is not valid UTF-8 is read as that.
 * Chunks keep memory flat and let the pipe apply backpressure; TextDecoder carries split characters over.
 */
function* utf8Chunks(buffer: Buffer): Generator<Buffer> {
  const CHUNK = 64 * 1024;
  if (isUtf8(buffer)) {
    for (let i = 0; i < buffer.length; i += CHUNK) yield buffer.subarray(i, i + CHUNK);
    return;
  }
  const decoder = new TextDecoder('gb18030');
  for (let i = 0; i < buffer.length; i += CHUNK) {
    yield Buffer.from(decoder.decode(buffer.subarray(i, i + CHUNK), { stream: true }));
  }
  yield Buffer.from(decoder.decode());
}

/**
 * Streams the first worksheet with exceljs' WorkbookReader. Limits: shared strings are cached in memory
 * (one copy of each distinct text), and so is the upload itself, as a Buffer. Styles are read because
 * that is how exceljs knows a number is a date.
 */
async function* xlsxRecords(buffer: Buffer): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(streamingOrder(buffer)), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as unknown[];
      yield {
        rowNumber: row.number,
        cells: Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => toRawCell(values[i + 1])),
      };
    }
    return;
  }
}

const PART_ORDER = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml'];

/**
 * The streaming reader reads zip entries in file order and needs the workbook, styles and shared strings
 * before a worksheet: otherwise it fails (worksheet before workbook.xml, which is how exceljs itself writes
 * files) or reads dates as plain numbers (worksheet before styles). So the local entries are replayed in
 * that order, followed by the first worksheet only. Falls back to the file as is when the zip directory
 * cannot be read (then the reader reports the problem).
 */
function streamingOrder(zip: Buffer): Buffer[] {
  try {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return [zip];
    const directory = zip.readUInt32LE(eocd + 16);
    const entries: { name: string; start: number; end: number }[] = [];
    for (let i = 0, p = directory; i < zip.readUInt16LE(eocd + 10); i++) {
      if (zip.readUInt32LE(p) !== 0x02014b50) return [zip];
      const nameLength = zip.readUInt16LE(p + 28);
      const start = zip.readUInt32LE(p + 42);
      if (start >= directory) return [zip]; // ZIP64 or damaged: leave it to the reader
      entries.push({ name: zip.toString('utf8', p + 46, p + 46 + nameLength), start, end: directory });
      p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    }
    entries.sort((a, b) => a.start - b.start).forEach((e, i, all) => i + 1 < all.length && (e.end = all[i + 1].start));
    const sheetNumber = (name: string) => Number(/^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name)?.[1] ?? Infinity);
    const first = entries.reduce((a, e) => (sheetNumber(e.name) < sheetNumber(a.name) ? e : a), entries[0]);
    if (!first || sheetNumber(first.name) === Infinity) return [zip];
    const parts = PART_ORDER.map((name) => entries.find((e) => e.name === name)).filter((e) => e !== undefined);
    // The central directory stays at the end: the streaming parser stops at its signature.
    return [...parts, first].map((e) => zip.subarray(e.start, e.end)).concat(zip.subarray(directory));
  } catch {
    return [zip];
  }
}

/** Flattens exceljs cell values: formulas give their cached result, rich text and hyperlinks their text. */
function toRawCell(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (['string', 'number', 'boolean'].includes(typeof value) || value instanceof Date) return value as RawCell;
  const v = value as Record<string, any>;
  if (Array.isArray(v.richText)) return v.richText.map((r: { text: string }) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return toRawCell(v.result);
  if ('text' in v) return toRawCell(v.text);
  if ('error' in v) return String(v.error);
  return String(value);
}

function blankToNull(cell: RawCell | undefined): RawCell {
  if (cell === undefined || cell === null) return null;
  return typeof cell === 'string' && cell.trim() === '' ? null : cell;
}

const isBlank = (cells: RawCell[]) => cells.every((c) => blankToNull(c) === null);

function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function setPath(target: any, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys[keys.length - 1]] = value;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
