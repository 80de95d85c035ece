/** Formatting and "how much is missing" arithmetic for gap messages. Exact (BigInt): amounts can pass 2^53. */
import type { Fraction, Int } from './ratio';

/** A threshold whose parts may be BigInt ((1 + g)² with many decimals). */
export interface IntFraction {
  num: Int;
  den: Int;
}

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

/** Whole yuan with thousands separators: 336000 -> "336,000". */
export function yuan(x: Int): string {
  return String(x).replace(THOUSANDS, ',');
}

/** A fraction as a percentage with at most two decimals: 0.032 -> "3.2%", 0.0509 -> "5.09%". */
export function percent(ratio: number): string {
  return `${+(ratio * 100).toFixed(2)}%`;
}

export const fractionValue = (f: Fraction): number => f.num / f.den;

const big = (x: Int): bigint => (typeof x === 'bigint' ? x : BigInt(x));
const ceilDivBig = (a: bigint, b: bigint): bigint => (a <= 0n ? -(-a / b) : (a + b - 1n) / b);
const atLeastZero = (x: bigint): bigint => (x < 0n ? 0n : x);

/** Smallest x >= 0 with (a + x) / b >= f: the numerator grows alone (more staff counted within the workforce). */
export function missingNumerator(a: Int, b: Int, f: IntFraction): bigint {
  return atLeastZero(ceilDivBig(big(f.num) * big(b), big(f.den)) - big(a));
}

/**
 * Smallest x >= 0 with (a + x) / (b + x) >= f, for f < 1: the part grows and the whole with it (new R&D spent in
 * China raises all R&D too; new high-tech revenue raises total income).
 */
export function missingPart(a: Int, b: Int, f: Fraction): bigint {
  if (f.num >= f.den) throw new RangeError('missingPart needs a fraction below 1');
  const num = BigInt(f.num);
  const den = BigInt(f.den);
  return atLeastZero(ceilDivBig(num * big(b) - den * big(a), den - num));
}

/** Smallest x >= 0 with (a − x) / b <= f: how much the numerator must shrink (debt to repay). */
export function excessNumerator(a: Int, b: Int, f: Fraction): bigint {
  return atLeastZero(big(a) - (BigInt(f.num) * big(b)) / BigInt(f.den));
}

/**
 * Money shortfalls are rounded up to the next 1,000 yuan and said "about": a readable figure that still reaches the
 * bar (DOMAIN.md section 7 example: "about 336,000 more R&D spend").
 */
export function roundUpThousand(x: bigint): bigint {
  return ((x + 999n) / 1000n) * 1000n;
}

const EN_YEARS = ['no years', 'one year', 'two years', 'three years'];
const ZH_YEARS = ['零', '一', '两', '三'];

/** "three years" / "近三年". */
export const yearsEn = (n: number): string => EN_YEARS[n] ?? `${n} years`;
export const yearsZh = (n: number): string => `近${ZH_YEARS[n] ?? n}年`;
