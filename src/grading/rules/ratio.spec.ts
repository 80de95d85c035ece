import {
  addExact,
  ceilDiv,
  compareProducts,
  decimalToFraction,
  ratioAtLeast,
  ratioAtMost,
  reportRatio,
  round4,
} from './ratio';

describe('exact ratio comparison', () => {
  it('compares at the boundary inclusively', () => {
    expect(ratioAtLeast(30, 120, { num: 25, den: 100 })).toBe(true);
    expect(ratioAtLeast(29, 120, { num: 25, den: 100 })).toBe(false);
    expect(ratioAtMost(75, 100, { num: 75, den: 100 })).toBe(true);
    expect(ratioAtMost(76, 100, { num: 75, den: 100 })).toBe(false);
  });

  it('uses BigInt when a product passes 2^53, where doubles would call two different products equal', () => {
    // 94906267² = 9007199515875289 and 94906268 x 94906266 = 9007199515875288 round to the same double.
    expect(94906267 * 94906267).toBe(94906268 * 94906266);
    expect(compareProducts(94906267, 94906267, 94906268, 94906266)).toBe(1);
    expect(compareProducts(94906268, 94906266, 94906267, 94906267)).toBe(-1);
  });

  it('compares money near 10^15 against a percentage exactly', () => {
    // 3% of b is 100,000,000,000,001.01, so a falls short by 0.01 yuan; cross-multiplying in doubles (1e16 + 100
    // against 1e16 + 101) rounds both sides and says it reaches the bar.
    const b = 3_333_333_333_333_367;
    const a = 100_000_000_000_001;
    expect(a * 100 >= 3 * b).toBe(true);
    expect(ratioAtLeast(a, b, { num: 3, den: 100 })).toBe(false);
    expect(ratioAtLeast(a + 1, b, { num: 3, den: 100 })).toBe(true);
  });

  it('accepts BigInt operands and mixes', () => {
    expect(compareProducts(10n ** 20n, 1, 10n ** 10n, 10n ** 10n)).toBe(0);
    expect(ratioAtLeast(6n, 100n, { num: 6, den: 100 })).toBe(true);
  });

  it('adds exactly, switching to BigInt past 2^53', () => {
    expect(addExact(1, 2)).toBe(3);
    expect(addExact(Number.MAX_SAFE_INTEGER, 2)).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 2n);
  });

  it('divides up exactly', () => {
    expect(ceilDiv(10, 5)).toBe(2);
    expect(ceilDiv(11, 5)).toBe(3);
    expect(ceilDiv(0, 5)).toBe(0);
    expect(ceilDiv(10n ** 20n + 1n, 10n)).toBe(10n ** 19n + 1n);
  });
});

describe('reporting and configuration decimals', () => {
  it('rounds reported ratios to 4 decimals', () => {
    expect(round4(5_500_000 / 108_000_000)).toBe(0.0509);
    expect(reportRatio(1, 3)).toBe(0.3333);
    expect(reportRatio(10n ** 16n, 2n * 10n ** 16n)).toBe(0.5);
  });

  it('turns configuration decimals into exact fractions', () => {
    expect(decimalToFraction(0.05)).toEqual({ num: 5, den: 100 });
    expect(decimalToFraction(0.75)).toEqual({ num: 75, den: 100 });
    expect(decimalToFraction(3)).toEqual({ num: 3, den: 1 });
    expect(decimalToFraction(0.123456789)).toEqual({ num: 123456789, den: 1e9 });
    expect(decimalToFraction(1e-10)).toBeNull();
    expect(decimalToFraction(NaN)).toBeNull();
  });
});
