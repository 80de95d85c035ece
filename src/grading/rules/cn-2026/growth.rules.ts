/**
 * 企业成长性 (HTE guideline; DOMAIN.md section 4): two rates, net assets and revenue, each
 * g = ½ (v2/v1 + v3/v2) − 1 over three consecutive years, scored by GROWTH_BANDS.
 *
 * The rate is never computed in floating point: 1 + g is kept as an exact fraction N/D of integers and compared with
 * each band by cross-multiplying (BigInt once the products pass 2^53), so a rate of exactly 35% scores 10.
 */
import { addExact, compareProducts, mulExact, type Int } from '../ratio';
import type { FinancialYear } from '../types';
import type { Derived } from './derived';
import { GROWTH_BANDS, GROWTH_POSITIVE_POINTS } from './params';

/** Points for a growth factor 1 + g = n/d (d > 0): bands inclusive of their lower bound; g <= 0 scores 0. */
export function pointsForFactor(n: Int, d: Int): number {
  if (compareProducts(n, 1, d, 1) <= 0) return 0; // zero or negative rate (HTE guideline: ≤0 scores 0)
  for (let i = 0; i < GROWTH_BANDS.length; i++) {
    const b = GROWTH_BANDS[i];
    // n/d >= 1 + num/den  <=>  n * den >= d * (den + num)
    if (compareProducts(n, b.den, d, b.den + b.num) >= 0) return b.points;
  }
  return GROWTH_POSITIVE_POINTS;
}

/**
 * Points of one rate over the run of consecutive years ending at the latest year, oldest first: v3 is the latest,
 * v2 the year before (undefined with one year), v1 the year before that (undefined with fewer than three years).
 *
 * Edge cases (DOMAIN.md section 4): one year scores 0; two years use g = v2/v1 − 1 (here `v2` and `v3`); if v1 is 0 use
 * v3/v2 − 1; if v2 is 0, 0 points; a zero or negative rate, 0 points.
 * Decision on negative values (validation forbids them; a stored negative net assets would be 资不抵债): a negative
 * base makes the ratio meaningless, so a negative v1 is treated like 0 (its ratio is dropped) and a negative v2 like 0
 * (no points); with two years a base of 0 or less scores 0. A negative latest value simply gives a low or negative rate.
 */
export function ratePoints(v1: number | undefined, v2: number | undefined, v3: number): number {
  if (v2 === undefined || v2 <= 0) return 0;
  if (v1 === undefined || v1 <= 0) return pointsForFactor(v3, v2);
  // ½ (v2/v1 + v3/v2) = (v2² + v1·v3) / (2·v1·v2)
  return pointsForFactor(addExact(mulExact(v2, v2), mulExact(v1, v3)), mulExact(mulExact(2, v1), v2));
}

export interface GrowthPoints {
  netAssets: number;
  revenue: number;
  total: number;
}

/** Longest run of consecutive years ending at the latest year, at most three. */
export function growthPoints(d: Derived): GrowthPoints {
  const prev: FinancialYear | undefined = d.prev;
  const prev2 = prev ? d.prev2 : undefined;
  const netAssets = ratePoints(prev2?.netAssets, prev?.netAssets, d.latest.netAssets);
  const revenue = ratePoints(prev2?.revenue, prev?.revenue, d.latest.revenue);
  return { netAssets, revenue, total: netAssets + revenue };
}
