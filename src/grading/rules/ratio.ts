/**
 * Exact comparison of ratios of integers. DOMAIN.md section 2: "compare exactly (cross-multiply integers; BigInt where
 * products pass 2^53)". Floating-point division would misjudge exact boundaries (3/10 is not 0.3 in binary), and money
 * products (10^8 yuan x 10^8 yuan) pass 2^53, so Number is used only when both products are safe integers.
 */

/** An exact integer: Number while safe, BigInt past 2^53 (sums and products of money). */
export type Int = number | bigint;

/** A threshold as an exact fraction `num/den` (den > 0), e.g. 5% = { num: 5, den: 100 }. */
export interface Fraction {
  num: number;
  den: number;
}

const big = (x: Int): bigint => (typeof x === 'bigint' ? x : BigInt(x));

/** Compares a*b with c*d exactly: -1, 0 or 1. Inputs are integers (validation guarantees it). */
export function compareProducts(a: Int, b: Int, c: Int, d: Int): number {
  if (typeof a === 'number' && typeof b === 'number' && typeof c === 'number' && typeof d === 'number') {
    const left = a * b;
    const right = c * d;
    // A float product is exact when its magnitude is at most 2^53 - 1; beyond that it may have been rounded.
    if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return left < right ? -1 : left > right ? 1 : 0;
    // Non-integers cannot take the BigInt path; they never pass validation, so a float comparison is the fallback.
    if (!Number.isInteger(a) || !Number.isInteger(b) || !Number.isInteger(c) || !Number.isInteger(d)) {
      return left < right ? -1 : left > right ? 1 : 0;
    }
  }
  const left = big(a) * big(b);
  const right = big(c) * big(d);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `a/b >= t` exactly, for b > 0. */
export function ratioAtLeast(a: Int, b: Int, t: Fraction): boolean {
  return compareProducts(a, t.den, t.num, b) >= 0;
}

/** `a/b <= t` exactly, for b > 0. */
export function ratioAtMost(a: Int, b: Int, t: Fraction): boolean {
  return compareProducts(a, t.den, t.num, b) <= 0;
}

/** Adds integers exactly: a Number while the sum stays safe, else a BigInt. */
export function addExact(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return big(a) + big(b);
}

export function isZero(x: Int): boolean {
  return typeof x === 'bigint' ? x === 0n : x === 0;
}

/** Multiplies exactly (Number while safe). */
export function mulExact(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (Number.isSafeInteger(p)) return p;
  }
  return big(a) * big(b);
}

/** ceil(a/b) for a >= 0, b > 0, exact. Used by gap messages ("how much is missing"). */
export function ceilDiv(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    // `%` on doubles is exact for integers, and (a - r) is a multiple of b, so the division is exact too.
    const r = a % b;
    return (a - r) / b + (r > 0 ? 1 : 0);
  }
  const x = big(a);
  const y = big(b);
  return (x + y - 1n) / y;
}

/** The reported `actual` of a ratio: 4 decimals (0.050925 -> 0.0509), as DOMAIN.md section 7 shows. */
export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** A ratio of exact integers as a rounded Number, for reporting only (never for comparing). */
export function reportRatio(a: Int, b: Int): number {
  return round4(Number(a) / Number(b));
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/**
 * A decimal from configuration (0.05) as an exact fraction (5/100), so a region's thresholds compare exactly too.
 * Accepts at most 9 decimals; returns null otherwise (validateRegionConfig rejects such values).
 */
export function decimalToFraction(x: number): Fraction | null {
  if (!Number.isFinite(x)) return null;
  for (let k = 0; k < POW10.length; k++) {
    const num = Math.round(x * POW10[k]);
    if (num / POW10[k] === x && Number.isSafeInteger(num)) return { num, den: POW10[k] };
  }
  return null;
}
