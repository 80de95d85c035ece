import type { FinancialYear, GradingFacts } from '../types';
import { evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';
import { pointsForFactor, ratePoints } from './growth.rules';

/** Facts whose years carry these (year, value) pairs as both revenue and net assets. */
function withYears(pairs: [number, number][]): GradingFacts {
  const f = domainExampleFacts();
  f.financials = pairs.map(([year, v]): FinancialYear => ({
    year,
    revenue: v,
    rdExpense: 0,
    domesticRdExpense: 0,
    netAssets: v,
  }));
  return f;
}
const growth = (f: GradingFacts) => evaluateCn2026(f).highTech.innovationScore.growth;

describe('growth bands (HTE guideline, top of each band), each at and just below its lower bound', () => {
  it.each([
    [135, 10],
    [134, 8],
    [125, 8],
    [124, 6],
    [115, 6],
    [114, 4],
    [105, 4],
    [104, 2],
    [101, 2],
    [100, 0],
    [99, 0],
  ])('two years 100 -> %i scores %i per rate', (v2, points) => {
    expect(ratePoints(undefined, 100, v2)).toBe(points);
  });

  it('three years at exactly 35% score 10, where floating point would say 34.99…%', () => {
    // ½(840/441 + 668/840) − 1 = 0.35 exactly; in doubles it is 0.34999999999999987.
    expect(0.5 * (840 / 441 + 668 / 840) - 1).toBeLessThan(0.35);
    expect(ratePoints(441, 840, 668)).toBe(10);
    expect(ratePoints(441, 840, 667)).toBe(8);
  });

  it('three years use the mean of both ratios', () => {
    expect(ratePoints(400, 540, 729)).toBe(10); // 35%, 35%
    expect(ratePoints(400, 540, 728)).toBe(8);
    expect(ratePoints(100, 200, 100)).toBe(8); // ½(2 + 0.5) − 1 = 25% exactly
  });

  it('compares band edges exactly with money near 10^15 (BigInt path)', () => {
    expect(ratePoints(400_000_000_000_000, 540_000_000_000_000, 729_000_000_000_000)).toBe(10);
    expect(ratePoints(400_000_000_000_000, 540_000_000_000_000, 728_999_999_999_999)).toBe(8);
    expect(pointsForFactor(105n * 10n ** 20n, 10n ** 22n)).toBe(4);
    expect(pointsForFactor(105n * 10n ** 20n - 1n, 10n ** 22n)).toBe(2);
  });
});

describe('growth edge cases (DOMAIN.md section 4)', () => {
  it('one year scores 0', () => {
    expect(growth(withYears([[2025, 1_000]]))).toBe(0);
  });

  it('two years use v2/v1 − 1', () => {
    expect(
      growth(
        withYears([
          [2024, 100],
          [2025, 135],
        ]),
      ),
    ).toBe(20);
  });

  it('v1 = 0 uses v3/v2 − 1', () => {
    expect(ratePoints(0, 100, 135)).toBe(10);
    expect(ratePoints(0, 100, 115)).toBe(6);
  });

  it('v2 = 0 scores 0, however large v3', () => {
    expect(ratePoints(100, 0, 1_000_000)).toBe(0);
  });

  it('a two-year base of 0 scores 0', () => {
    expect(ratePoints(undefined, 0, 100)).toBe(0);
  });

  it('a zero or negative rate scores 0', () => {
    expect(ratePoints(100, 100, 100)).toBe(0);
    expect(ratePoints(100, 90, 80)).toBe(0);
    expect(ratePoints(100, 150, 10)).toBe(0); // ½(1.5 + 0.067) − 1 < 0
  });

  it('negative values: a negative v1 is dropped like 0, a negative v2 scores 0, a negative v3 lowers the rate', () => {
    expect(ratePoints(-50, 100, 135)).toBe(10);
    expect(ratePoints(100, -10, 135)).toBe(0);
    expect(ratePoints(undefined, -10, 135)).toBe(0);
    expect(ratePoints(100, 100, -5)).toBe(0);
  });

  it('uses the longest run of consecutive years ending at the latest year', () => {
    // 2022 is not consecutive with 2024: two years 2024 -> 2025 only.
    expect(
      growth(
        withYears([
          [2022, 1],
          [2024, 100],
          [2025, 135],
        ]),
      ),
    ).toBe(20);
    // 2024 missing: one year only.
    expect(
      growth(
        withYears([
          [2023, 100],
          [2025, 1_000],
        ]),
      ),
    ).toBe(0);
  });

  it('does not depend on the order of financials', () => {
    expect(
      growth(
        withYears([
          [2025, 729],
          [2023, 400],
          [2024, 540],
        ]),
      ),
    ).toBe(20);
  });

  it('scores the two rates separately (worked example: net assets 20.4% and revenue 18.3% give 6 + 6)', () => {
    expect(growth(domainExampleFacts())).toBe(12);
    const f = domainExampleFacts();
    f.financials[2].netAssets = 34_000_000; // ½(1.2 + 1.4167) − 1 = 30.8% -> 8
    expect(growth(f)).toBe(14);
  });
});
