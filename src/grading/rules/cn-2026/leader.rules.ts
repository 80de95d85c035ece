/**
 * 科技领军企业 (DOMAIN.md section 5): region-defined criteria; the default follows 专精特新"小巨人" (2026). The same
 * zero-denominator rule as high-tech applies: a present zero base is `unmet` with `actual: null`.
 */
import {
  addExact,
  compareProducts,
  decimalToFraction,
  isZero,
  mulExact,
  ratioAtLeast,
  ratioAtMost,
  reportRatio,
  round4,
  type Fraction,
  type Int,
} from '../ratio';
import type { LeaderCriteria } from '../region-config';
import type { Check, CheckStatus, GradingFacts, LeaderCheckCode, LeaderResult, Reported } from '../types';
import { certificateValidAt, type Derived } from './derived';
import { eligibility } from './high-tech.rules';

type LeaderCheck = Check<LeaderCheckCode>;

/** Leader criteria with every decimal turned into an exact fraction, computed once per configuration object. */
export interface CompiledLeader {
  criteria: LeaderCriteria;
  rdRatio: Fraction;
  mainBusinessShare: Fraction;
  debtRatio: Fraction;
  /** (1 + g)² as an exact fraction: r3/r1 >= (1+g)² is sqrt(r3/r1) − 1 >= g without a square root. */
  growthSquaredNum: Int;
  growthSquaredDen: Int;
}

const compiled = new WeakMap<LeaderCriteria, CompiledLeader>();

function fraction(x: number, field: string): Fraction {
  const f = decimalToFraction(x);
  if (!f) throw new RangeError(`leader.${field} must be a decimal with at most 9 decimals (validateRegionConfig)`);
  return f;
}

export function compileLeader(criteria: LeaderCriteria): CompiledLeader {
  let c = compiled.get(criteria);
  if (c) return c;
  const g = fraction(criteria.revenueGrowthMin, 'revenueGrowthMin');
  const base = addExact(g.den, g.num);
  c = {
    criteria,
    rdRatio: fraction(criteria.rdRatioMin, 'rdRatioMin'),
    mainBusinessShare: fraction(criteria.mainBusinessShareMin, 'mainBusinessShareMin'),
    debtRatio: fraction(criteria.debtRatioMax, 'debtRatioMax'),
    growthSquaredNum: mulExact(base, base),
    growthSquaredDen: mulExact(g.den, g.den),
  };
  compiled.set(criteria, c);
  return c;
}

const check = (code: LeaderCheckCode, status: CheckStatus, actual: Reported, required: Reported): LeaderCheck => ({
  code,
  status,
  actual,
  required,
});
const met = (ok: boolean): CheckStatus => (ok ? 'met' : 'unmet');

export function evaluateLeader(facts: GradingFacts, d: Derived, c: CompiledLeader, tierHeld: boolean): LeaderResult {
  const k = c.criteria;
  const latest = d.latest;
  const checks: LeaderCheck[] = [];

  // Holds high-tech status: a certificate within the region's validity, or a held high_tech/leader tier.
  const certified = tierHeld || certificateValidAt(facts.highTechCertificate, facts.asOf, k.certificateValidityYears);
  checks.push(check('high_tech_certified', met(certified), certified, true));

  checks.push(check('revenue', met(latest.revenue >= k.revenueMin), latest.revenue, k.revenueMin));

  // Two-year compound growth needs three consecutive years ending at the latest (decision: a gap in the years makes it
  // unknown, like fewer than three years, as growth.rules does). r1 = 0 is a present zero base: unmet, actual null.
  const r1 = d.prev ? d.prev2?.revenue : undefined;
  if (r1 === undefined) checks.push(check('revenue_growth', 'unknown', null, k.revenueGrowthMin));
  else if (r1 === 0) checks.push(check('revenue_growth', 'unmet', null, k.revenueGrowthMin));
  else {
    const ok = compareProducts(latest.revenue, c.growthSquaredDen, c.growthSquaredNum, r1) >= 0;
    const actual = latest.revenue < 0 || r1 < 0 ? null : round4(Math.sqrt(latest.revenue / r1) - 1);
    checks.push(check('revenue_growth', met(ok), actual, k.revenueGrowthMin));
  }

  // R&D of the latest two years together, and at least rdRatioMin of revenue in each. Unknown with fewer than two
  // (consecutive) years, as the brief fixes. Actual/required report the two-year total; the gap message names the ratio.
  const prev = d.prev;
  if (!prev) checks.push(check('rd_investment', 'unknown', null, k.rdTwoYearMin));
  else {
    const total = addExact(latest.rdExpense, prev.rdExpense);
    const ok =
      compareProducts(total, 1, k.rdTwoYearMin, 1) >= 0 &&
      !isZero(latest.revenue) &&
      !isZero(prev.revenue) &&
      ratioAtLeast(latest.rdExpense, latest.revenue, c.rdRatio) &&
      ratioAtLeast(prev.rdExpense, prev.revenue, c.rdRatio);
    checks.push(check('rd_investment', met(ok), Number(total), k.rdTwoYearMin));
  }

  checks.push(check('class_one_ip', met(facts.ip.classI >= k.classOneIpMin), facts.ip.classI, k.classOneIpMin));

  const mainBusiness = latest.mainBusinessRevenue;
  const shareMin = k.mainBusinessShareMin;
  if (mainBusiness === undefined) checks.push(check('main_business_share', 'unknown', null, shareMin));
  else if (latest.revenue === 0) checks.push(check('main_business_share', 'unmet', null, shareMin));
  else {
    const ok = ratioAtLeast(mainBusiness, latest.revenue, c.mainBusinessShare);
    checks.push(check('main_business_share', met(ok), reportRatio(mainBusiness, latest.revenue), shareMin));
  }

  const liabilities = facts.totalLiabilities;
  if (liabilities === undefined) checks.push(check('debt_ratio', 'unknown', null, k.debtRatioMax));
  else if (facts.totalAssets === 0) checks.push(check('debt_ratio', 'unmet', null, k.debtRatioMax));
  else {
    const ok = ratioAtMost(liabilities, facts.totalAssets, c.debtRatio);
    checks.push(check('debt_ratio', met(ok), reportRatio(liabilities, facts.totalAssets), k.debtRatioMax));
  }

  return { eligible: eligibility(checks), checks };
}
