import { CERTIFIED_TIERS } from './pipeline.rules';
import { parsePeriod, previousPeriod, sameLastYear } from './report-period';
import { columnHeaders, csvCell, delta, negotiateFormat, type PeriodFigures, reportRows, toCsv } from './report-table';

const figures = (n: number, targets: PeriodFigures['targets']['items'] = []): PeriodFigures => ({
  movements: {
    recognitions: Object.fromEntries(CERTIFIED_TIERS.map((t) => [t, { first: n, renewal: 0 }])) as never,
    expiries: { tech_sme: 0, high_tech: n, leader: 0 },
    revocations: { tech_sme: 0, high_tech: 0, leader: 0 },
    exits: 0,
  },
  applications: { submitted: n, decided: 2, recognised: 1, rejected: 1, passRate: 0.5 },
  grants: { matchedCount: n, matchedAmount: n * 1000, paidCount: 0, paidAmount: 0 },
  targets: { year: 2026, asOf: '2026-06-30', items: targets },
});

describe('report table', () => {
  it('subtracts figures of the same shape, rates in 4 places, null when a side is missing', () => {
    expect(delta({ a: 5, b: { c: 0.6667 }, d: null }, { a: 2, b: { c: 0.5 }, d: 3 })).toEqual({
      a: 3,
      b: { c: 0.1667 },
      d: null,
    });
  });

  it('flattens the figures into rows with both changes, labels in either language', () => {
    const current = parsePeriod('2026-06')!;
    const target = { district: '*', metric: 'new_high_tech' as const, target: 10, actual: 4, percentage: 40 };
    const rows = reportRows(
      {
        current: figures(3, [target]),
        previous: figures(1, [{ ...target, actual: 2, percentage: 20 }]),
        lastYear: figures(5, [{ ...target, target: null, actual: 1, percentage: null }]),
      },
      'zh',
    );
    const first = rows.find((r) => r.key === 'movements.recognitions.high_tech.first')!;
    expect(first).toMatchObject({ section: '梯次变动', metric: '首次认定', tier: '高新技术企业', current: 3 });
    expect(first).toMatchObject({ previous: 1, lastYear: 5, deltaPrevious: 2, deltaLastYear: -2 });
    expect(rows.find((r) => r.key === 'applications.passRate')).toMatchObject({ current: 0.5, deltaPrevious: 0 });
    const pct = rows.find((r) => r.key === 'targets.new_high_tech.*.percentage')!;
    expect(pct).toMatchObject({ district: '全市', current: 40, previous: 20, lastYear: null, deltaLastYear: null });
    const headers = columnHeaders('en', {
      current,
      previous: previousPeriod(current),
      lastYear: sameLastYear(current),
    });
    expect(headers[4]).toBe('Current (2026-06)');
    expect(headers[6]).toBe('Same period last year (2025-06)');
  });

  it('writes CSV with a BOM and neutralises formula-like text', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    const csv = toCsv(['板块', '指标'], []);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe('板块,指标\r\n');
  });

  it('negotiates the format from the Accept header', () => {
    expect(negotiateFormat(undefined)).toBe('json');
    expect(negotiateFormat('*/*')).toBe('json');
    expect(negotiateFormat('text/csv')).toBe('csv');
    expect(negotiateFormat('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('xlsx');
    expect(negotiateFormat('application/json;q=0.5, text/csv')).toBe('csv');
    expect(negotiateFormat('text/csv;q=0.2, application/json')).toBe('json');
    expect(negotiateFormat('text/csv;q=0')).toBe('json');
  });
});
