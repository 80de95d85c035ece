import { instantRange, nextDay, parsePeriod, previousPeriod, sameLastYear } from './report-period';

describe('report periods', () => {
  it('parses months, quarters and years into inclusive date ranges', () => {
    expect(parsePeriod('2026-06')).toMatchObject({ kind: 'month', from: '2026-06-01', to: '2026-06-30' });
    expect(parsePeriod('2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(parsePeriod('2026-Q2')).toMatchObject({ kind: 'quarter', from: '2026-04-01', to: '2026-06-30' });
    expect(parsePeriod('2026-Q4')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(parsePeriod('2026')).toMatchObject({ kind: 'year', from: '2026-01-01', to: '2026-12-31' });
  });

  it('refuses labels that name no period', () => {
    for (const bad of [
      '2026-13',
      '2026-00',
      '2026-6',
      '2026-Q5',
      '2026-Q0',
      '26',
      '2026-06-01',
      'abc',
      '1900',
      '2026q2',
    ])
      expect(parsePeriod(bad)).toBeNull();
  });

  it('finds the previous period and the same period last year across year ends', () => {
    expect(previousPeriod(parsePeriod('2026-01')!).label).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026-06')!).label).toBe('2026-05');
    expect(previousPeriod(parsePeriod('2026-Q1')!).label).toBe('2025-Q4');
    expect(previousPeriod(parsePeriod('2026')!).label).toBe('2025');
    expect(sameLastYear(parsePeriod('2026-Q2')!)).toMatchObject({ label: '2025-Q2', from: '2025-04-01' });
    expect(sameLastYear(parsePeriod('2025-02')!).to).toBe('2024-02-29');
  });

  it('turns a date range into China-time instants', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    const { start, end } = instantRange('2026-06-01', '2026-06-30');
    expect(start.toISOString()).toBe('2026-05-31T16:00:00.000Z');
    expect(end.toISOString()).toBe('2026-06-30T16:00:00.000Z');
  });
});
