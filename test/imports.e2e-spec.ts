import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshUscc } from './helpers/fixtures';
import { bootTestApp, Reply, TestApp, userWithToken } from './helpers/test-app';

const SAMPLES = join(__dirname, '..', 'samples');
const SAMPLE_CSV = readFileSync(join(SAMPLES, 'enterprises-import.csv'));
const SAMPLE_XLSX = readFileSync(join(SAMPLES, 'enterprises-import.xlsx'));
const SAMPLE_USCCS = ['91440106MA59C3L7KA', '91440112MA5AKD2W8E', '91440111MA9Y4RTN3H', '91440105MA9UEB1H6J'];

/** A multipart/form-data body with one file part, built by hand for Fastify's inject. */
function multipart(
  filename: string,
  content: Buffer | string,
  field = 'file',
  contentType = 'application/octet-stream',
) {
  const boundary = `----cultivation-${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The required columns with English headers; a row is these values, overridable by column. */
const HEADERS = [
  'uscc',
  'name',
  'district',
  'registeredOn',
  'year',
  'employees',
  'techStaff',
  'totalAssets',
  'totalLiabilities',
  'totalCosts',
  'revenue',
  'rdExpense',
  'domesticRdExpense',
  'netAssets',
  'ipClassI',
  'ipClassII',
  'supportedField',
];

function csvRow(values: Record<string, string | number>): string {
  const base: Record<string, string | number> = {
    name: 'Import Test Co',
    district: 'Tianhe',
    registeredOn: '2019-04-01',
    year: 2025,
    employees: 120,
    techStaff: 30,
    totalAssets: 80000000,
    totalLiabilities: 30000000,
    totalCosts: 40000000,
    revenue: 42000000,
    rdExpense: 2200000,
    domesticRdExpense: 2000000,
    netAssets: 29000000,
    ipClassI: 0,
    ipClassII: 3,
    supportedField: 'yes',
    ...values,
  };
  return HEADERS.map((h) => String(base[h] ?? '')).join(',');
}

const csv = (rows: Record<string, string | number>[], headers = HEADERS) =>
  [headers.join(','), ...rows.map(csvRow)].join('\n') + '\n';

/** The same code with another (wrong) check character. */
function wrongCheck(uscc: string): string {
  return uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
}

describe('bulk import (POST /api/imports)', () => {
  let t: TestApp;
  let caseworker: { id: string; token: string };

  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
  });
  afterAll(() => t.close());

  const upload = (filename: string, content: Buffer | string, token = t.adminToken, field = 'file') => {
    const { body, headers } = multipart(filename, content, field);
    return t.http.request('POST', '/api/imports', body, token, headers);
  };

  /** Polls the job until it ends (bounded), moving the outbox along in between. */
  async function waitForJob(jobId: string, token = t.adminToken) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await t.drainOutbox();
      const res = await t.http.get(`/api/jobs/${jobId}`, token);
      expect(res.statusCode).toBe(200);
      const job = res.json();
      if (job.status === 'completed' || job.status === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${res.body}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function importFile(filename: string, content: Buffer | string, token = t.adminToken) {
    const res = await upload(filename, content, token);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ jobId: expect.any(String), status: 'queued' });
    const job = await waitForJob(res.json().jobId, token);
    await t.drainOutbox();
    return job;
  }

  async function findByUscc(uscc: string) {
    const res = await t.http.get(`/api/enterprises?q=${uscc}`, t.adminToken);
    expect(res.statusCode).toBe(200);
    return res.json() as { items: any[]; total: number };
  }

  const auditTotal = async () => (await t.http.get('/api/audit?pageSize=1', t.adminToken)).json().total as number;

  it('imports the sample CSV: enterprises by USCC, indicators per year, graded afterwards, audited as the uploader', async () => {
    const job = await importFile('enterprises-import.csv', SAMPLE_CSV, caseworker.token);
    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ total: 8, done: 8, failed: 0, error: null });
    expect(job.params).toMatchObject({ filename: 'enterprises-import.csv', kind: 'csv', size: SAMPLE_CSV.length });
    expect(job.params.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(job.result).toEqual({
      rows: 8,
      accepted: 8,
      rejected: 0,
      enterprises: { created: 4, updated: 0, unchanged: 0 },
      indicators: { created: 8, updated: 0, unchanged: 0 },
      errors: [],
      file: { filename: 'enterprises-import.csv', sha256: job.params.sha256 },
    });

    for (const uscc of SAMPLE_USCCS) expect((await findByUscc(uscc)).total).toBe(1);
    const [first] = (await findByUscc('91440106MA59C3L7KA')).items;
    expect(first).toMatchObject({ name: '广州示例微电子科技有限公司', district: '天河区', registeredOn: '2019-04-01' });
    const years = (await t.http.get(`/api/enterprises/${first.id}/indicators`, t.adminToken)).json();
    expect(years.items.map((y: { year: number }) => y.year)).toEqual([2025, 2024, 2023]);
    expect(years.items[0]).toMatchObject({
      revenue: 42000000,
      techStaff: 30,
      ip: { classI: 0, classII: 3 },
      innovation: { ip: 18, conversion: 19, rdManagement: 14 },
      supportedField: true,
    });

    const evaluation = await t.http.get(`/api/enterprises/${first.id}/evaluation`, t.adminToken);
    expect(evaluation.statusCode).toBe(200);
    expect(evaluation.json()).toMatchObject({ enterpriseId: first.id, ruleSet: expect.any(String) });
    expect(evaluation.json().facts.financials).toHaveLength(3);

    const audit = await t.http.get(`/api/audit?entityType=enterprise&entityId=${first.id}`, t.adminToken);
    expect(audit.json().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'REGISTERED', actorId: caseworker.id })]),
    );
  });

  it('imports the same file again without changing anything', async () => {
    const before = await auditTotal();
    const [enterprise] = (await findByUscc('91440112MA5AKD2W8E')).items;
    const job = await importFile('enterprises-import.csv', SAMPLE_CSV);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({
      rows: 8,
      accepted: 8,
      rejected: 0,
      enterprises: { created: 0, updated: 0, unchanged: 4 },
      indicators: { created: 0, updated: 0, unchanged: 8 },
    });
    expect(await auditTotal()).toBe(before);
    const [after] = (await findByUscc('91440112MA5AKD2W8E')).items;
    expect(after.version).toBe(enterprise.version);
  });

  it('imports the sample XLSX, which holds the same data as the CSV', async () => {
    const before = await auditTotal();
    const job = await importFile('enterprises-import.xlsx', SAMPLE_XLSX);
    expect(job.status).toBe('completed');
    expect(job.params.kind).toBe('xlsx');
    expect(job.result).toMatchObject({
      rows: 8,
      accepted: 8,
      rejected: 0,
      enterprises: { created: 0, updated: 0, unchanged: 4 },
      indicators: { created: 0, updated: 0, unchanged: 8 },
      errors: [],
    });
    expect(await auditTotal()).toBe(before);
  });

  it('writes the good rows and reports each bad row by row number, column and reason, writing nothing of it', async () => {
    const good = freshUscc();
    const other = freshUscc();
    const badCheck = wrongCheck(freshUscc());
    const negative = freshUscc();
    const overStaffed = freshUscc();
    const tooEarly = freshUscc();
    const file = csv([
      { uscc: good, name: 'Good Co', year: 2025 }, // row 2
      { uscc: good, name: 'Good Co', year: 2024, revenue: '"36,000,000"' }, // row 3
      { uscc: badCheck, year: 2025 }, // row 4
      { uscc: negative, revenue: -5 }, // row 5
      { uscc: overStaffed, employees: 10, techStaff: 11 }, // row 6
      { uscc: tooEarly, registeredOn: '2020-03-01', year: 2019 }, // row 7
      { uscc: good, name: 'Good Co', year: 2025, revenue: 1 }, // row 8: same USCC and year as row 2
      { uscc: other, name: 'Other Co', year: 2025 }, // row 9
      { uscc: good, name: 'Renamed Co', year: 2023 }, // row 10: another profile for the same USCC
      { uscc: overStaffed, employees: 10, techStaff: 9 }, // row 11: row 6 corrected, the year row 6 did not take
    ]);
    const job = await importFile('mixed.csv', file, caseworker.token);
    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ total: 10, done: 10, failed: 6 });
    expect(job.result).toMatchObject({
      rows: 10,
      accepted: 4,
      rejected: 6,
      enterprises: { created: 3, updated: 0, unchanged: 0 },
      indicators: { created: 4, updated: 0, unchanged: 0 },
    });
    expect(job.result.errorsTruncated).toBeUndefined();
    const errors = job.result.errors as { rowNumber: number; column: string; reason: string }[];
    expect(errors).toEqual([
      { rowNumber: 4, column: 'uscc', reason: expect.stringMatching(/check character/) },
      { rowNumber: 5, column: 'revenue', reason: expect.stringMatching(/revenue must not be less than 0/) },
      { rowNumber: 6, column: 'techStaff', reason: 'techStaff must not be greater than employees' },
      { rowNumber: 7, column: 'year', reason: expect.stringMatching(/before the enterprise was registered \(2020\)/) },
      { rowNumber: 8, column: 'year', reason: 'same USCC and year as row 2' },
      { rowNumber: 10, column: 'name', reason: expect.stringMatching(/differs from row 2/) },
    ]);

    // Nothing of a rejected row: not the enterprise, not the year.
    for (const uscc of [badCheck, negative, tooEarly]) expect((await findByUscc(uscc)).total).toBe(0);
    expect((await findByUscc(overStaffed)).total).toBe(1);
    const [written] = (await findByUscc(good)).items;
    expect(written.name).toBe('Good Co');
    const years = (await t.http.get(`/api/enterprises/${written.id}/indicators`, t.adminToken)).json();
    expect(years.items.map((y: { year: number; revenue: number }) => [y.year, y.revenue])).toEqual([
      [2025, 42000000],
      [2024, 36000000],
    ]);
    expect((await findByUscc(other)).total).toBe(1);

    // The same report as CSV, for Excel (UTF-8 with a byte order mark).
    const report = await t.http.get(`/api/imports/${job.id}/errors.csv`, caseworker.token);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    expect(report.headers['content-disposition']).toMatch(/attachment; filename="mixed-errors.csv"/);
    const raw = (report as Reply & { rawPayload: Buffer }).rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = raw.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('rowNumber,column,reason');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^4,uscc,"invalid USCC: check character is ., expected ."$/);
    expect(lines[3]).toBe('6,techStaff,techStaff must not be greater than employees');
  });

  it('updates a changed profile and year on a later import, and reports Chinese headers in errors', async () => {
    const uscc = freshUscc();
    const header =
      '统一社会信用代码,企业名称,所属区县,成立日期,年度,从业人数,科技人员数,资产总额,负债总额,成本费用总额,销售收入,研发费用,境内研发费用,净资产,一类知识产权数,二类知识产权数,属于国家重点支持领域';
    const line = (name: string, revenue: string, techStaff = '30') =>
      `${uscc},${name},思明区,2019-04-01,2025,120,${techStaff},80000000,30000000,40000000,${revenue},2200000,2000000,29000000,0,3,是`;
    const first = await importFile('first.csv', `${header}\n${line('甲公司', '42000000')}\n`);
    expect(first.result).toMatchObject({ accepted: 1, enterprises: { created: 1 }, indicators: { created: 1 } });
    const second = await importFile(
      'second.csv',
      `${header}\n${line('乙公司', '43000000')}\n${line('乙公司', '36000000', '130').replace(',2025,', ',2024,')}\n`,
    );
    expect(second.result).toMatchObject({
      rows: 2,
      accepted: 1,
      rejected: 1,
      enterprises: { created: 0, updated: 1, unchanged: 0 },
      indicators: { created: 0, updated: 1, unchanged: 0 },
    });
    expect(second.result.errors).toEqual([
      { rowNumber: 3, column: '科技人员数', reason: 'techStaff must not be greater than employees' },
    ]);
    const [enterprise] = (await findByUscc(uscc)).items;
    expect(enterprise.name).toBe('乙公司');
    const year = (await t.http.get(`/api/enterprises/${enterprise.id}/indicators/2025`, t.adminToken)).json();
    expect(year).toMatchObject({ revenue: 43000000, version: 2 });
  });

  it('keeps the first 1000 errors of a large file and says the list is cut', async () => {
    const bad = wrongCheck(freshUscc());
    const good = freshUscc();
    const rows = Array.from({ length: 1100 }, (_, i) => ({ uscc: bad, year: 1950 + (i % 70), name: `Bad ${i}` }));
    const job = await importFile('large.csv', csv([...rows, { uscc: good }]));
    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ total: 1101, done: 1101, failed: 1100 });
    expect(job.result).toMatchObject({ rows: 1101, accepted: 1, rejected: 1100, errorsTruncated: true });
    expect(job.result.errors).toHaveLength(1000);
    expect(job.result.errors[999]).toMatchObject({ rowNumber: 1001, column: 'uscc' });
    expect((await findByUscc(good)).total).toBe(1);
    const report = await t.http.get(`/api/imports/${job.id}/errors.csv`, t.adminToken);
    expect(report.body.trimEnd().split('\r\n').pop()).toMatch(/only the first 1000 errors are listed; 1100 rows/);
  });

  it('fails the job with file errors for unknown or missing columns, and lists them in errors.csv', async () => {
    const uscc = freshUscc();
    const job = await importFile('remarks.csv', csv([{ uscc, Remarks: 'x' }], [...HEADERS, 'Remarks']));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/unknown columns: Remarks/);
    expect(job.result).toMatchObject({
      rows: 0,
      accepted: 0,
      rejected: 0,
      fileErrors: [{ code: 'unknown_columns', columns: ['Remarks'], message: expect.any(String) }],
    });
    expect((await findByUscc(uscc)).total).toBe(0);

    const missing = await importFile('missing.csv', 'uscc,name\n' + `${uscc},Missing Co\n`);
    expect(missing.status).toBe('failed');
    expect(missing.result.fileErrors).toEqual([
      expect.objectContaining({ code: 'missing_columns', columns: expect.arrayContaining(['年度 (year)']) }),
    ]);

    const report = await t.http.get(`/api/imports/${job.id}/errors.csv`, t.adminToken);
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain(',Remarks,unknown columns: Remarks');
  });

  it('refuses uploads that are not a CSV or XLSX file, or no file at all, before starting a job', async () => {
    const pdf = await upload('report.pdf', '%PDF-1.7 not a spreadsheet');
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json()).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', fields: [{ field: 'file' }] });

    const fakeXlsx = await upload('data.xlsx', SAMPLE_CSV);
    expect(fakeXlsx.statusCode).toBe(415);
    expect(fakeXlsx.json().fields[0].reason).toMatch(/not an XLSX file/);

    const binary = await upload('photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
    expect(binary.statusCode).toBe(415);
    expect(binary.json().fields[0]).toMatchObject({ field: 'file', reason: expect.stringMatching(/not a CSV/) });

    const oldXls = await upload('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    expect(oldXls.statusCode).toBe(415);

    const empty = await upload('empty.csv', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'file', reason: 'the file is empty' }],
    });

    const wrongField = await upload('x.csv', SAMPLE_CSV, t.adminToken, 'upload');
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json().fields[0]).toMatchObject({ field: 'file' });

    const boundary = `----cultivation-${randomUUID()}`;
    const noFile = await t.http.request(
      'POST',
      '/api/imports',
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
      t.adminToken,
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'file' }] });

    const json = await t.http.post('/api/imports', { file: 'x' }, t.adminToken);
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ code: 'NOT_MULTIPART', fields: [{ field: 'file' }] });

    const tooLarge = await upload('big.csv', Buffer.alloc(20 * 1024 * 1024 + 1, 'a'));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'FILE_TOO_LARGE', fields: [{ field: 'file' }] });
  });

  it('lets caseworkers, managers and admins import; reviewers and enterprise users get 403', async () => {
    const manager = await userWithToken(t, 'manager');
    const managerJob = await importFile('enterprises-import.csv', SAMPLE_CSV, manager.token);
    expect(managerJob.status).toBe('completed');

    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const [sample] = (await findByUscc(SAMPLE_USCCS[0])).items;
    const enterpriseUser = await userWithToken(t, 'enterprise', { enterpriseId: sample.id });
    for (const token of [reviewer.token, enterpriseUser.token]) {
      expect((await upload('enterprises-import.csv', SAMPLE_CSV, token)).statusCode).toBe(403);
      expect((await t.http.get(`/api/imports/${managerJob.id}/errors.csv`, token)).statusCode).toBe(403);
    }

    // A caseworker sees the reports of their own imports only; staff see all.
    const otherCaseworker = await userWithToken(t, 'caseworker');
    expect((await t.http.get(`/api/imports/${managerJob.id}/errors.csv`, otherCaseworker.token)).statusCode).toBe(403);
    expect((await t.http.get(`/api/imports/${managerJob.id}/errors.csv`, t.adminToken)).statusCode).toBe(200);
    expect((await t.http.get(`/api/imports/${randomUUID()}/errors.csv`, t.adminToken)).statusCode).toBe(404);
    expect((await t.http.request('POST', '/api/imports', undefined)).statusCode).toBe(401);
  });
});
