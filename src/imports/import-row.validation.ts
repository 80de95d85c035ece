import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, validationErrorsToFields } from '../common/field-errors';
import { unstorableString } from '../common/validation.pipe';
import { CreateEnterpriseDto } from '../enterprises/enterprise.dto';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { AnnualIndicatorsDto } from '../indicators/dto/annual-indicators.dto';
import type { ImportEnterprise, ImportRow, RowError } from './import-file.parser';

/**
 * The second half of reading a row: the parser checked types, this applies the same rules as the API
 * (`POST /api/enterprises` and `PUT /api/enterprises/:id/indicators/:year`), so a row is accepted exactly when the
 * same data typed into the API would be. Errors point at the file's own column headers.
 */

export interface ValidRow {
  rowNumber: number;
  year: number;
  enterprise: CreateEnterpriseDto;
  indicators: AnnualIndicatorsDto;
}

const VALIDATE_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
};

export async function validateImportRow(
  row: ImportRow,
  headers: Record<string, string>,
): Promise<{ ok: true; row: ValidRow } | { ok: false; errors: RowError[] }> {
  const fields: FieldError[] = [];
  const current = Number(chinaToday().slice(0, 4));
  // The same range as the year in PUT /api/enterprises/:id/indicators/:year (ParseYearPipe).
  if (row.year < 1949 || row.year > current)
    fields.push({ field: 'year', reason: `year must be a four-digit year from 1949 to ${current}` });

  // What the API's validation pipe refuses in a body (NUL, unpaired surrogates): PostgreSQL would refuse the row's
  // insert, failing the job at that row instead of naming the cell.
  for (const [part, value] of [
    ['enterprise', row.enterprise],
    ['indicators', row.indicators],
  ] as const) {
    const unstorable = unstorableString(value, part);
    if (unstorable) fields.push(unstorable);
  }

  const enterprise = plainToInstance(CreateEnterpriseDto, row.enterprise, { enableImplicitConversion: false });
  const indicators = plainToInstance(AnnualIndicatorsDto, row.indicators, { enableImplicitConversion: false });
  const [enterpriseErrors, indicatorErrors] = await Promise.all([
    validate(enterprise, VALIDATE_OPTIONS),
    validate(indicators, VALIDATE_OPTIONS),
  ]);
  fields.push(...validationErrorsToFields(enterpriseErrors, 'enterprise'));
  fields.push(...validationErrorsToFields(indicatorErrors, 'indicators'));

  if (fields.length) return { ok: false, errors: toRowErrors(row.rowNumber, fields, headers) };
  return { ok: true, row: { rowNumber: row.rowNumber, year: row.year, enterprise, indicators } };
}

/**
 * Points field errors (from the DTOs, or a DomainError's `fields` raised while writing) at the header as written in
 * the file. A bare field name (`year`, `techStaff`) is looked up under each part of the row; a field with no column
 * of its own keeps its path.
 */
export function toRowErrors(rowNumber: number, fields: FieldError[], headers: Record<string, string>): RowError[] {
  return fields.map(({ field, reason }) => ({ rowNumber, column: columnOf(field, headers), reason }));
}

export function columnOf(field: string, headers: Record<string, string>): string {
  for (const path of [field, `indicators.${field}`, `enterprise.${field}`]) if (headers[path]) return headers[path];
  // `indicators.ip` (the whole object) or `enterprise.contact`: the first column under it.
  const nested = Object.keys(headers).find((path) => path.startsWith(`${field}.`));
  return nested ? headers[nested] : field;
}

/** What a file says about one enterprise: the profile columns that were filled, so rows can be compared. */
type Profile = Partial<Record<keyof ImportEnterprise, string>>;

const PROFILE_FIELDS: (keyof ImportEnterprise)[] = [
  'name',
  'district',
  'registeredOn',
  'industry',
  'address',
  'contact',
];

function profileOf(enterprise: CreateEnterpriseDto): Profile {
  const profile: Profile = {};
  for (const key of PROFILE_FIELDS) {
    const value = enterprise[key];
    // The contact is one value (it is replaced whole), so two rows must give the same contact columns.
    if (value !== undefined) profile[key] = typeof value === 'string' ? value : JSON.stringify({ ...value });
  }
  return profile;
}

/**
 * One enterprise may take several rows (one per year), repeating its profile. If two rows disagree (another name, a
 * different founding date), writing both would leave whichever came last, and importing the file again would flip
 * the profile back and forth; so, as for two rows of the same year, the file must not decide silently: the later row
 * is rejected. Both are checked against the rows written before, not every row read. An empty optional cell does not
 * disagree (an upsert leaves that field as it is).
 */
export class ProfileConsistency {
  private readonly seen = new Map<string, { rowNumber: number; profile: Profile }>();
  /**
   * Rows written, by USCC and year: a second row of the same year is rejected, naming the first. Only written rows
   * count, so a rejected row does not take the year from a corrected copy of it further down.
   */
  private readonly years = new Map<string, number>();

  check(row: ValidRow, headers: Record<string, string>): RowError[] {
    const first = this.years.get(`${row.enterprise.uscc}/${row.year}`);
    if (first !== undefined)
      return [
        { rowNumber: row.rowNumber, column: columnOf('year', headers), reason: `same USCC and year as row ${first}` },
      ];
    const earlier = this.seen.get(row.enterprise.uscc);
    if (!earlier) return [];
    const profile = profileOf(row.enterprise);
    const errors: RowError[] = [];
    for (const key of PROFILE_FIELDS) {
      const before = earlier.profile[key];
      const now = profile[key];
      if (before === undefined || now === undefined || before === now) continue;
      errors.push({
        rowNumber: row.rowNumber,
        column: columnOf(`enterprise.${key}`, headers),
        reason: `differs from row ${earlier.rowNumber} for the same USCC: give the enterprise the same profile on every row`,
      });
    }
    return errors;
  }

  /** Remembers the profile a written row gave (merged with what earlier rows gave). */
  accepted(row: ValidRow) {
    this.years.set(`${row.enterprise.uscc}/${row.year}`, row.rowNumber);
    const earlier = this.seen.get(row.enterprise.uscc);
    const profile = profileOf(row.enterprise);
    if (!earlier) this.seen.set(row.enterprise.uscc, { rowNumber: row.rowNumber, profile });
    else for (const key of PROFILE_FIELDS) earlier.profile[key] ??= profile[key];
  }
}
