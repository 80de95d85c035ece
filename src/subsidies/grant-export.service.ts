import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { ExportGrantsQueryDto } from './grant.dto';
import { GrantEntity } from './grant.entity';

/** Columns of the payment file, in order: what the treasury needs to transfer and to trace the transfer back. */
export const EXPORT_COLUMNS = [
  ['grantId', '补贴编号'],
  ['programmeCode', '项目代码'],
  ['programmeVersion', '项目版本'],
  ['period', '年度'],
  ['enterpriseName', '企业名称'],
  ['uscc', '统一社会信用代码'],
  ['district', '所属区县'],
  ['amount', '金额(元)'],
  ['accountName', '户名'],
  ['bankName', '开户行'],
  ['accountNumber', '账号'],
  ['approvedBy', '审核人'],
  ['approvedAt', '审核时间'],
] as const;

type ExportRow = Record<(typeof EXPORT_COLUMNS)[number][0], string | number>;

/** Keeps a spreadsheet from running a cell as a formula (names come from enterprise input), and quotes when needed. */
export function csvCell(value: string | number): string {
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Approved grants, ready for payment, as CSV (UTF-8 with BOM, so Excel reads the Chinese) or XLSX. */
@Injectable()
export class GrantExportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export(query: ExportGrantsQueryDto): Promise<{ filename: string; contentType: string; body: Buffer }> {
    const rows = await this.rows(query);
    const base = `grants-approved-${query.programmeCode ?? query.programmeId ?? 'all'}${query.period ? `-${query.period}` : ''}`;
    if (query.format === 'xlsx') {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('approved');
      sheet.columns = EXPORT_COLUMNS.map(([key, header]) => ({
        key,
        header,
        width: key === 'enterpriseName' ? 36 : 20,
      }));
      for (const row of rows) sheet.addRow(row);
      // Account numbers and USCCs are text: Excel would round an 19-digit number.
      sheet.getColumn('accountNumber').numFmt = '@';
      sheet.getColumn('uscc').numFmt = '@';
      return {
        filename: `${base}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: Buffer.from(await workbook.xlsx.writeBuffer()),
      };
    }
    const lines = [EXPORT_COLUMNS.map(([key]) => key).join(',')];
    for (const row of rows) lines.push(EXPORT_COLUMNS.map(([key]) => csvCell(row[key])).join(','));
    return {
      filename: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n')]),
    };
  }

  private async rows(query: ExportGrantsQueryDto): Promise<ExportRow[]> {
    const qb = this.dataSource
      .getRepository(GrantEntity)
      .createQueryBuilder('g')
      .innerJoin(EnterpriseEntity, 'e', 'e.id = g.enterprise_id')
      .select('g.id', 'grantId')
      .addSelect('g.programme_code', 'programmeCode')
      .addSelect('g.programme_version', 'programmeVersion')
      .addSelect('g.period', 'period')
      .addSelect('e.name', 'enterpriseName')
      .addSelect('e.uscc', 'uscc')
      .addSelect('e.district', 'district')
      .addSelect('g.amount', 'amount')
      .addSelect('g.payee', 'payee')
      .addSelect('g.approved_by', 'approvedBy')
      .addSelect('g.approved_at', 'approvedAt')
      .where("g.state = 'approved'")
      .orderBy('g.programme_code', 'ASC')
      .addOrderBy('g.period', 'ASC')
      .addOrderBy('e.uscc', 'ASC');
    if (query.programmeId) qb.andWhere('g.programme_id = :programmeId', { programmeId: query.programmeId });
    if (query.programmeCode) qb.andWhere('g.programme_code = :code', { code: query.programmeCode });
    if (query.period) qb.andWhere('g.period = :period', { period: query.period });
    const raw = await qb.getRawMany<Record<string, any>>();
    return raw.map((r) => {
      const payee = typeof r.payee === 'string' ? JSON.parse(r.payee) : (r.payee ?? {});
      return {
        grantId: r.grantId,
        programmeCode: r.programmeCode,
        programmeVersion: Number(r.programmeVersion),
        period: Number(r.period),
        enterpriseName: r.enterpriseName,
        uscc: r.uscc,
        district: r.district,
        amount: Number(r.amount),
        accountName: payee.accountName ?? '',
        bankName: payee.bankName ?? '',
        accountNumber: payee.accountNumber ?? '',
        approvedBy: r.approvedBy ?? '',
        approvedAt: r.approvedAt ? isoTime(r.approvedAt) : '',
      };
    });
  }
}

/** A raw timestamp as ISO: PostgreSQL gives a Date, SQLite the UTC text TypeORM wrote (`2026-11-21 06:00:00.000`). */
function isoTime(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`).toISOString();
}
