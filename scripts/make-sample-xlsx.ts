/**
 * Builds samples/enterprises-import.xlsx from samples/enterprises-import.csv, typed the way a bureau's
 * spreadsheet is: dates as date cells, counts and money as number cells, codes and names as text.
 *
 * Run from the repository root (tsconfig.json does not include scripts/):
 *   npx tsc --outDir /tmp/make-sample --rootDir . --module commonjs --target es2022 --esModuleInterop --skipLibCheck scripts/make-sample-xlsx.ts
 *   NODE_PATH=node_modules node /tmp/make-sample/scripts/make-sample-xlsx.js [in.csv] [out.xlsx]
 */
import { readFileSync } from 'fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { findColumn } from '../src/imports/import-columns';

const NUMBER_TYPES = new Set(['year', 'count', 'money']);

async function main(input = 'samples/enterprises-import.csv', output = 'samples/enterprises-import.xlsx') {
  const [header, ...rows] = parse(readFileSync(input), { bom: true }) as string[][];
  const types = header.map((h) => findColumn(h)?.type);

  const workbook = new ExcelJS.Workbook();
  // Fixed metadata so that regenerating from unchanged data changes as little as possible.
  workbook.created = workbook.modified = new Date(Date.UTC(2026, 0, 1));
  workbook.creator = 'enterprise-cultivation';
  const sheet = workbook.addWorksheet('企业年度数据');
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map((text, i) => toCell(text, types[i])));

  header.forEach((h, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(10, h.length * 2 + 2);
    if (types[i] === 'date') column.numFmt = 'yyyy-mm-dd';
    if (types[i] === 'money') column.numFmt = '#,##0';
  });
  sheet.getColumn(1).width = 22;
  await workbook.xlsx.writeFile(output);
  console.log(`wrote ${output}: ${rows.length} rows`);
}

function toCell(text: string, type: string | undefined): string | number | Date | null {
  if (text.trim() === '') return null;
  if (type === 'date') {
    const [y, m, d] = text.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d)); // exceljs stores a Date as the UTC calendar day
  }
  if (type && NUMBER_TYPES.has(type)) return Number(text.replace(/,/g, ''));
  return text;
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error(error);
  process.exit(1);
});
