import { addDays, addYears, addYearsDayNumber, daysBetween, isValidIsoDate, toDayNumber } from './dates';

describe('ISO dates', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31', '1999-01-01', '0001-01-01'])('accepts %s', (d) => {
    expect(isValidIsoDate(d)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-6-30',
    '0000-01-01',
    '2026-06-30T00:00',
    '',
    20260630,
    null,
  ])('rejects %p', (d) => {
    expect(isValidIsoDate(d)).toBe(false);
  });

  it('counts days between dates, across leap years', () => {
    expect(daysBetween('2025-06-30', '2026-06-30')).toBe(365);
    expect(daysBetween('2023-06-30', '2024-06-30')).toBe(366);
    expect(daysBetween('2026-06-30', '2026-06-29')).toBe(-1);
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
  });

  it('adds years; 29 February moves to 1 March in a common year (民法典 art. 203)', () => {
    expect(addYears('2023-11-15', 3)).toBe('2026-11-15');
    expect(addYears('2024-02-29', 3)).toBe('2027-03-01');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYearsDayNumber('2024-02-29', 3)).toBe(toDayNumber('2027-03-01'));
  });

  it('adds days', () => {
    expect(addDays('2025-09-01', 365)).toBe('2026-09-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
