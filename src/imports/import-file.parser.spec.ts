import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ExcelJS from 'exceljs';
import ts from 'typescript';
import { makeUscc } from '../enterprises/uscc';
import { IMPORT_COLUMNS } from './import-columns';
import { ImportRow, ParsedImport, ParsedRow, parseImportFile } from './import-file.parser';

const USCC = '91350100M000100Y43';

/** The required columns with English headers, and one valid row for them. */
const BASE: Record<string, string> = {
  uscc: USCC,
  name: 'Acme Microelectronics',
  district: 'Tianhe',
  registeredOn: '2019-04-01',
  year: '2025',
  employees: '120',
  techStaff: '30',
  totalAssets: '80000000',
  totalLiabilities: '30000000',
  totalCosts: '40000000',
  revenue: '42000000',
  rdExpense: '2200000',
  domesticRdExpense: '2000000',
  netAssets: '29000000',
  ipClassI: '0',
  ipClassII: '3',
  supportedField: 'yes',
};

const BASE_ROW: ImportRow = {
  rowNumber: 2,
  enterprise: { uscc: USCC, name: 'Acme Microelectronics', district: 'Tianhe', registeredOn: '2019-04-01' },
  year: 2025,
  indicators: {
    employees: 120,
    techStaff: 30,
    totalAssets: 80000000,
    totalLiabilities: 30000000,
    totalCosts: 40000000,
    revenue: 42000000,
    rdExpense: 2200000,
    domesticRdExpense: 2000000,
    netAssets: 29000000,
    ip: { classI: 0, classII: 3 },
    supportedField: true,
    declarations: {
      majorViolation: false,
      restrictedIndustry: false,
      dishonestyList: false,
      superDeductionExcluded: false,
    },
    directQualifications: [],
  },
};

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (cells: string[]) => cells.map(quote).join(',');

/** A CSV of the given headers and rows (rows list values by header; a missing header is an empty cell). */
function csv(rows: Record<string, string>[], headers = Object.keys(rows[0] ?? BASE)): Buffer {
  return Buffer.from(
    [csvLine(headers), ...rows.map((r) => csvLine(headers.map((h) => r[h] ?? '')))].join('\r\n') + '\r\n',
  );
}

async function rowsOf(parsed: ParsedImport | Promise<ParsedImport>): Promise<ParsedRow[]> {
  const result = await parsed;
  if (!result.ok) throw new Error(`file rejected: ${JSON.stringify(result.errors)}`);
  const out: ParsedRow[] = [];
  for await (const row of result.rows) out.push(row);
  return out;
}

async function oneRow(values: Record<string, string>): Promise<ParsedRow> {
  const rows = await rowsOf(parseImportFile(csv([{ ...BASE, ...values }]), 'csv'));
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function fileErrors(buffer: Buffer, kind: 'csv' | 'xlsx' = 'csv') {
  const result = await parseImportFile(buffer, kind);
  if (result.ok) throw new Error('file accepted');
  return result.errors;
}

describe('parseImportFile: headers', () => {
  it('reads English headers into the documented row shape, with defaults for declarations', async () => {
    expect(await rowsOf(parseImportFile(csv([BASE]), 'csv'))).toEqual([{ ok: true, row: BASE_ROW }]);
  });

  it('reads Chinese headers and reports each target path with its header as written', async () => {
    const zh = Object.fromEntries(
      Object.entries(BASE).map(([en, v]) => [IMPORT_COLUMNS.find((c) => c.en === en)!.zh, v]),
    );
    const parsed = await parseImportFile(csv([zh]), 'csv');
    expect(parsed.ok && parsed.headers['indicators.revenue']).toBe('销售收入');
    expect(await rowsOf(parsed)).toEqual([{ ok: true, row: BASE_ROW }]);
  });

  it('matches headers regardless of case, spacing, separators and a (元) unit', async () => {
    const renamed: Record<string, string> = { ...BASE };
    const rename = (from: string, to: string) => ((renamed[to] = renamed[from]), delete renamed[from]);
    rename('uscc', ' USCC ');
    rename('registeredOn', 'Registered On');
    rename('revenue', 'REVENUE');
    rename('ipClassII', 'ip_class_ii');
    rename('totalAssets', '资产总额（元）');
    const parsed = await parseImportFile(csv([renamed]), 'csv');
    expect(parsed.ok && parsed.headers['enterprise.uscc']).toBe('USCC');
    expect(await rowsOf(parsed)).toEqual([{ ok: true, row: BASE_ROW }]);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const parsed = await parseImportFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv([BASE])]), 'csv');
    expect(parsed.ok && parsed.headers['enterprise.uscc']).toBe('uscc');
    expect(await rowsOf(parsed)).toEqual([{ ok: true, row: BASE_ROW }]);
  });

  it('reads a GB18030 (GBK) CSV as Excel on Chinese Windows saves it', async () => {
    const [head, tail] = csv([{ ...BASE, name: '@' }])
      .toString()
      .split('@');
    const gbk = Buffer.concat([Buffer.from(head), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from(tail)]); // 中文
    const [row] = await rowsOf(parseImportFile(gbk, 'csv'));
    expect(row.ok && row.row.enterprise.name).toBe('中文');
  });

  it('rejects unknown headers by name, including a unit other than yuan', async () => {
    const errors = await fileErrors(csv([{ ...BASE, Remarks: 'x', '资产总额（万元）': '8000' }]));
    expect(errors).toEqual([
      {
        code: 'unknown_columns',
        message: 'unknown columns: Remarks, 资产总额（万元）',
        columns: ['Remarks', '资产总额（万元）'],
      },
    ]);
  });

  it('rejects missing required columns, naming them in both languages', async () => {
    const { revenue: _r, year: _y, ...rest } = BASE;
    const errors = await fileErrors(csv([rest]));
    expect(errors).toEqual([
      {
        code: 'missing_columns',
        message: 'missing required columns: 年度 (year), 销售收入 (revenue)',
        columns: ['年度 (year)', '销售收入 (revenue)'],
      },
    ]);
  });

  it('rejects a column given twice, in either language', async () => {
    const errors = await fileErrors(csv([{ ...BASE, 统一社会信用代码: USCC }]));
    expect(errors.map((e) => [e.code, e.columns])).toEqual([['duplicate_columns', ['uscc / 统一社会信用代码']]]);
  });

  it('rejects a file with only some of the innovation score columns', async () => {
    const errors = await fileErrors(csv([{ ...BASE, innovationIp: '18' }]));
    expect(errors.map((e) => e.code)).toEqual(['partial_innovation']);
    expect(errors[0].columns).toEqual(['成果转化得分 (innovationConversion)', '研发管理得分 (innovationRdManagement)']);
  });

  it('rejects an empty file', async () => {
    expect((await fileErrors(Buffer.from('\r\n\r\n'))).map((e) => e.code)).toEqual(['empty']);
  });
});

describe('parseImportFile: cells', () => {
  it.each([
    ['revenue', '1.5', 'expected whole yuan (an integer, thousands separators allowed), got "1.5"'],
    ['revenue', 'abc', 'expected whole yuan (an integer, thousands separators allowed), got "abc"'],
    ['revenue', '1e3', 'expected whole yuan (an integer, thousands separators allowed), got "1e3"'],
    ['totalAssets', '1,20,000', 'expected whole yuan (an integer, thousands separators allowed), got "1,20,000"'],
    [
      'rdExpense',
      '99999999999999999',
      'expected whole yuan (an integer, thousands separators allowed), got "99999999999999999"',
    ],
    ['employees', '12.5', 'expected a whole number, got "12.5"'],
    ['ipClassI', 'two', 'expected a whole number, got "two"'],
    ['year', '25', 'expected a four-digit year, got "25"'],
    ['registeredOn', '2019-02-29', 'no such date: 2019-2-29'],
    ['registeredOn', '01/04/2019', 'expected a date YYYY-MM-DD, got "01/04/2019"'],
    ['registeredOn', '2019-04-01T08:00', 'expected a date YYYY-MM-DD, got "2019-04-01T08:00"'],
    ['supportedField', 'maybe', 'expected yes or no (true/false, 1/0, 是/否, Y/N), got "maybe"'],
    ['uscc', '91350100M000100Y44', 'invalid USCC: check character is 4, expected 3'],
    ['uscc', '91350100m000100Y43', 'invalid USCC: invalid character "m" at position 9 (use upper case)'],
    ['name', '  ', 'required'],
  ])('rejects %s = %j with a reason', async (column, value, reason) => {
    expect(await oneRow({ [column]: value })).toEqual({
      ok: false,
      rowNumber: 2,
      errors: [{ rowNumber: 2, column, reason }],
    });
  });

  it('rejects a non-integer innovation score', async () => {
    const row = await oneRow({ innovationIp: '18.5', innovationConversion: '19', innovationRdManagement: '14' });
    expect(row).toEqual({
      ok: false,
      rowNumber: 2,
      errors: [{ rowNumber: 2, column: 'innovationIp', reason: 'expected a whole number, got "18.5"' }],
    });
  });

  it('accepts thousands separators, spaces, .00, full-width digits and leaves signs to the DTO', async () => {
    const row = await oneRow({
      revenue: ' 42,000,000 ',
      totalAssets: '80000000.00',
      rdExpense: '２２０００００',
      netAssets: '-5',
    });
    expect(row.ok && row.row.indicators).toMatchObject({
      revenue: 42000000,
      totalAssets: 80000000,
      rdExpense: 2200000,
      netAssets: -5,
    });
  });

  it.each([
    ['true', true],
    ['FALSE', false],
    ['1', true],
    ['0', false],
    ['是', true],
    ['否', false],
    ['Yes', true],
    ['no', false],
    ['Y', true],
    ['n', false],
  ])('reads the boolean %j', async (text, value) => {
    const row = await oneRow({ supportedField: text, majorViolation: text });
    expect(row.ok && [row.row.indicators.supportedField, row.row.indicators.declarations.majorViolation]).toEqual([
      value,
      value,
    ]);
  });

  it('splits direct qualifications on ; and 、 (half or full width) and reads optional columns', async () => {
    const row = await oneRow({
      directQualifications: 'national_award_top3；led_standard、 provincial_rd_institution;',
      registeredOn: '2019/4/1',
      totalIncome: '43000000',
      innovationIp: '18',
      innovationConversion: '19',
      innovationRdManagement: '14',
      industry: ' 软件和信息技术服务业 ',
      contact: '李明',
      contactPhone: '020-38881234',
    });
    expect(row.ok && row.row).toMatchObject({
      enterprise: {
        registeredOn: '2019-04-01',
        industry: '软件和信息技术服务业',
        contact: { name: '李明', phone: '020-38881234' },
      },
      indicators: {
        totalIncome: 43000000,
        innovation: { ip: 18, conversion: 19, rdManagement: 14 },
        directQualifications: ['national_award_top3', 'led_standard', 'provincial_rd_institution'],
      },
    });
  });

  it('leaves empty optional cells absent rather than null', async () => {
    const row = await oneRow({
      totalIncome: '',
      innovationIp: '',
      innovationConversion: '',
      innovationRdManagement: '',
      address: '',
    });
    expect(row).toEqual({ ok: true, row: BASE_ROW });
  });

  it('rejects a row with some but not all innovation scores, on each empty one', async () => {
    const row = await oneRow({ innovationIp: '18', innovationConversion: '', innovationRdManagement: '' });
    const reason = 'innovation scores come as a set: fill all three or leave all empty';
    expect(row.ok === false && row.errors).toEqual([
      { rowNumber: 2, column: 'innovationConversion', reason },
      { rowNumber: 2, column: 'innovationRdManagement', reason },
    ]);
  });

  it('reports every error of a row, and keeps good rows around a bad one', async () => {
    const rows = await rowsOf(
      parseImportFile(csv([BASE, { ...BASE, year: '2024', revenue: 'x', employees: '' }, { ...BASE, year: '2023' }])),
    );
    expect(rows.map((r) => r.ok)).toEqual([true, false, true]);
    expect(rows[1]).toEqual({
      ok: false,
      rowNumber: 3,
      errors: [
        { rowNumber: 3, column: 'employees', reason: 'required' },
        { rowNumber: 3, column: 'revenue', reason: expect.stringMatching(/^expected whole yuan/) },
      ],
    });
  });

  it('numbers rows as a spreadsheet shows them: blank lines count, quoted line breaks do not', async () => {
    const text = [
      csvLine(Object.keys(BASE)),
      '',
      csvLine(Object.values({ ...BASE, name: 'two\nlines' })),
      ',,,',
      csvLine(Object.values({ ...BASE, year: 'x' })),
    ];
    const rows = await rowsOf(parseImportFile(Buffer.from(text.join('\n')), 'csv'));
    expect(rows.map((r) => (r.ok ? r.row.rowNumber : r.rowNumber))).toEqual([3, 5]);
  });

  it('rejects a value beyond the last header by its column letter; a short row misses required cells', async () => {
    const header = csvLine(Object.keys(BASE));
    const text = [
      header,
      csvLine([...Object.values(BASE), '', 'stray']),
      csvLine(Object.values(BASE).slice(0, 16)),
    ].join('\n');
    const rows = await rowsOf(parseImportFile(Buffer.from(text), 'csv'));
    expect(rows).toEqual([
      {
        ok: false,
        rowNumber: 2,
        errors: [{ rowNumber: 2, column: 'S', reason: 'a value in a column without a header' }],
      },
      { ok: false, rowNumber: 3, errors: [{ rowNumber: 3, column: 'supportedField', reason: 'required' }] },
    ]);
  });

  it('rejects a CSV that breaks within its first block as unreadable', async () => {
    const text = [csvLine(Object.keys(BASE)), csvLine(Object.values(BASE)), `"${USCC},unterminated`].join('\n');
    expect((await fileErrors(Buffer.from(text))).map((e) => e.code)).toEqual(['unreadable']);
  });

  it('reports a CSV that breaks further on as an error where reading stopped, after the rows before it', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({
      ...BASE,
      uscc: makeUscc(`91440106${String(i).padStart(9, '0')}`),
    }));
    const text = `${csv(many)}"${USCC},unterminated`;
    const rows = await rowsOf(parseImportFile(Buffer.from(text), 'csv'));
    const last = rows[rows.length - 1];
    expect(rows.slice(0, -1).every((r) => r.ok)).toBe(true);
    expect(rows.length).toBeGreaterThan(100);
    expect(last).toMatchObject({
      ok: false,
      errors: [{ column: '', reason: expect.stringMatching(/cannot be read from this row on: Quote Not Closed/) }],
    });
    expect(last.ok === false && last.rowNumber).toBe(rows.length + 1);
  });
});

describe('parseImportFile: XLSX', () => {
  async function xlsx(rows: unknown[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('data');
    rows.forEach((r) => sheet.addRow(r));
    sheet.getColumn(4).numFmt = 'yyyy-mm-dd';
    workbook.addWorksheet('ignored').addRow(['not', 'read']);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  const typedBase = (): unknown[] =>
    Object.keys(BASE).map((h) => {
      if (h === 'registeredOn') return new Date(Date.UTC(2019, 3, 1));
      if (h === 'supportedField') return true;
      return /^\d+$/.test(BASE[h]) ? Number(BASE[h]) : BASE[h];
    });

  it('round-trips typed cells: numbers, booleans, date cells, rich text and formula results', async () => {
    const cells = typedBase();
    cells[1] = { richText: [{ text: 'Acme ' }, { text: 'Microelectronics', font: { bold: true } }] };
    cells[10] = { formula: '40000000+2000000', result: 42000000 };
    const buffer = await xlsx([Object.keys(BASE), cells]);
    expect(await rowsOf(parseImportFile(buffer, 'xlsx'))).toEqual([{ ok: true, row: BASE_ROW }]);
  });

  // Jest sandboxes process.env, so the time zone is set on a child process running the transpiled parser.
  it.each(['America/Los_Angeles', 'Asia/Shanghai'])('reads date cells without drift in %s', async (tz) => {
    const dir = mkdtempSync(join(tmpdir(), 'import-tz-'));
    try {
      for (const file of ['imports/import-file.parser', 'imports/import-columns', 'enterprises/uscc']) {
        const source = readFileSync(join(__dirname, '..', `${file}.ts`), 'utf8');
        const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, `${file}.js`), ts.transpileModule(source, { compilerOptions: options }).outputText);
      }
      writeFileSync(join(dir, 'in.xlsx'), await xlsx([Object.keys(BASE), typedBase()]));
      const script = `require('./imports/import-file.parser').parseImportFile(require('fs').readFileSync('in.xlsx'))
        .then(async (p) => { for await (const r of p.rows) console.log(new Date(Date.UTC(2019, 3, 1)).getDate(), r.row.enterprise.registeredOn); });`;
      const env = { ...process.env, TZ: tz, NODE_PATH: join(__dirname, '../../node_modules') };
      const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, env, encoding: 'utf8' });
      // The first number proves the zone took effect: local midnight of 1 April UTC is not day 1 in both zones.
      expect(out.trim()).toBe(tz === 'America/Los_Angeles' ? '31 2019-04-01' : '1 2019-04-01');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects number cells that cannot be whole yuan or a code, with the row number the sheet shows', async () => {
    const bad = typedBase();
    bad[0] = 91350100000100000;
    bad[10] = 1.5;
    const buffer = await xlsx([Object.keys(BASE), [], typedBase().map((c, i) => (i === 4 ? 2024 : c)), bad]);
    const rows = await rowsOf(parseImportFile(buffer, 'xlsx'));
    expect(rows).toEqual([
      { ok: true, row: { ...BASE_ROW, rowNumber: 3, year: 2024 } },
      {
        ok: false,
        rowNumber: 4,
        errors: [
          { rowNumber: 4, column: 'uscc', reason: 'enter the code as text, not as a number' },
          {
            rowNumber: 4,
            column: 'revenue',
            reason: 'expected whole yuan (an integer, thousands separators allowed), got 1.5',
          },
        ],
      },
    ]);
  });

  it('goes by content when the claimed kind is wrong, and refuses what it cannot read', async () => {
    const buffer = await xlsx([Object.keys(BASE), typedBase()]);
    expect(await rowsOf(parseImportFile(buffer, 'csv'))).toHaveLength(1);
    expect((await fileErrors(csv([BASE]), 'xlsx')).map((e) => e.message)).toEqual([
      'not an XLSX file (an XLSX file is a zip archive)',
    ]);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await fileErrors(xls)).map((e) => e.message)).toEqual([
      'the old .xls format is not supported: save the file as .xlsx or CSV',
    ]);
    expect((await fileErrors(Buffer.from('PK\x03\x04broken'))).map((e) => e.code)).toEqual(['unreadable']);
  });
});

describe('sample files', () => {
  const sample = (name: string) => readFileSync(join(__dirname, '../../samples', name));

  it('parse without errors, to the same rows from CSV and XLSX', async () => {
    const fromCsv = await rowsOf(parseImportFile(sample('enterprises-import.csv'), 'csv'));
    const fromXlsx = await rowsOf(parseImportFile(sample('enterprises-import.xlsx'), 'xlsx'));
    expect(fromCsv.filter((r) => !r.ok)).toEqual([]);
    expect(fromCsv).toHaveLength(8);
    expect(fromXlsx).toEqual(fromCsv);
    const byUscc = new Map<string, number[]>();
    for (const r of fromCsv)
      if (r.ok) byUscc.set(r.row.enterprise.uscc, [...(byUscc.get(r.row.enterprise.uscc) ?? []), r.row.year]);
    expect([...byUscc.values()].filter((years) => years.length === 3)).toHaveLength(2);
  });
});
