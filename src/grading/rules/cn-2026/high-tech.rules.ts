/**
 * 高新技术企业 (DOMAIN.md section 4): the eight conditions of HTE art. 11 as nine checks, in the order of the article
 * (the R&D condition, art. 11(5), has two parts).
 *
 * Decision (project rule): a denominator that is present but zero (total revenue 0, no employees, no R&D) makes the
 * check `unmet` with `actual: null`: the data is there and the ratio cannot reach the bar. `unknown` is kept for
 * absent data only.
 */
import { daysBetween } from '../dates';
import { isZero, ratioAtLeast, reportRatio, round4, type Fraction, type Int } from '../ratio';
import type { Check, CheckStatus, GradingFacts, HighTechCheckCode, HighTechResult, Reported } from '../types';
import type { Derived } from './derived';
import type { GrowthPoints } from './growth.rules';
import {
  HIGH_TECH_DOMESTIC_RD_MIN,
  HIGH_TECH_MIN_CORE_IP,
  HIGH_TECH_MIN_DAYS_REGISTERED,
  HIGH_TECH_RD_BANDS,
  HIGH_TECH_REVENUE_SHARE_MIN,
  HIGH_TECH_TECH_STAFF_MIN,
  INNOVATION_SCORE_MIN,
} from './params';

type HtCheck = Check<HighTechCheckCode>;

const check = (code: HighTechCheckCode, status: CheckStatus, actual: Reported, required: Reported): HtCheck => ({
  code,
  status,
  actual,
  required,
});

const asNumber = (f: Fraction) => round4(f.num / f.den);

/** A ratio check: unmet with actual null on a zero denominator. */
function ratioCheck(code: HighTechCheckCode, a: Int, b: Int, min: Fraction): HtCheck {
  if (isZero(b)) return check(code, 'unmet', null, asNumber(min));
  return check(code, ratioAtLeast(a, b, min) ? 'met' : 'unmet', reportRatio(a, b), asNumber(min));
}

/** HTE art. 11(5): the required R&D share by the latest year's revenue (5% / 4% / 3%). */
export function requiredRdRatio(latestRevenue: number): Fraction {
  for (const band of HIGH_TECH_RD_BANDS) if (latestRevenue <= band.revenueMax) return band.min;
  return HIGH_TECH_RD_BANDS[HIGH_TECH_RD_BANDS.length - 1].min;
}

export function evaluateHighTech(facts: GradingFacts, d: Derived, growth: GrowthPoints): HighTechResult {
  const checks: HtCheck[] = [];

  // (1) 注册成立一年以上.
  const days = daysBetween(facts.registeredOn, facts.asOf);
  checks.push(
    check(
      'registered_one_year',
      days >= HIGH_TECH_MIN_DAYS_REGISTERED ? 'met' : 'unmet',
      days,
      HIGH_TECH_MIN_DAYS_REGISTERED,
    ),
  );

  // (2) owns IP supporting its main products (class I or class II; trademarks do not count).
  const ipCount = facts.ip.classI + facts.ip.classII;
  checks.push(check('core_ip', ipCount >= HIGH_TECH_MIN_CORE_IP ? 'met' : 'unmet', ipCount, HIGH_TECH_MIN_CORE_IP));

  // (3) core technology within 国家重点支持的高新技术领域; absent means not assessed yet.
  const field = facts.supportedField;
  checks.push(check('supported_field', field === undefined ? 'unknown' : field ? 'met' : 'unmet', field ?? null, true));

  // (4) tech staff at least 10% of employees.
  checks.push(ratioCheck('tech_staff_ratio', facts.techStaff, facts.employees, HIGH_TECH_TECH_STAFF_MIN));

  // (5a) R&D / revenue over the years given, against the band of the latest year's revenue.
  checks.push(ratioCheck('rd_expense_ratio', d.sumRd, d.sumRevenue, requiredRdRatio(d.latest.revenue)));

  // (5b) domestic R&D at least 60% of all R&D over the same years.
  checks.push(ratioCheck('domestic_rd_share', d.sumDomesticRd, d.sumRd, HIGH_TECH_DOMESTIC_RD_MIN));

  // (6) latest high-tech revenue at least 60% of total income (totalIncome defaults to revenue).
  const htRevenue = d.latest.highTechRevenue;
  checks.push(
    htRevenue === undefined
      ? check('high_tech_revenue_share', 'unknown', null, asNumber(HIGH_TECH_REVENUE_SHARE_MIN))
      : ratioCheck(
          'high_tech_revenue_share',
          htRevenue,
          d.latest.totalIncome ?? d.latest.revenue,
          HIGH_TECH_REVENUE_SHARE_MIN,
        ),
  );

  // (7) innovation capability: assessed parts + computed growth, at least 71.
  const inn = facts.innovation;
  const total = inn ? inn.ip + inn.conversion + inn.rdManagement + growth.total : null;
  checks.push(
    check(
      'innovation_score',
      total === null ? 'unknown' : total >= INNOVATION_SCORE_MIN ? 'met' : 'unmet',
      total,
      INNOVATION_SCORE_MIN,
    ),
  );

  // (8) no major accident or serious violation in the year before applying: actual is the declaration itself.
  const violation = facts.declarations.majorViolation;
  checks.push(check('no_major_violation', violation ? 'unmet' : 'met', violation, false));

  return {
    eligible: eligibility(checks),
    checks,
    innovationScore: {
      ip: inn ? inn.ip : null,
      conversion: inn ? inn.conversion : null,
      rdManagement: inn ? inn.rdManagement : null,
      growth: growth.total,
      total,
    },
  };
}

/** True when all checks are met, false when any is unmet, null otherwise (unknown never counts as met). */
export function eligibility(checks: readonly Check[]): boolean | null {
  let unknown = false;
  for (let i = 0; i < checks.length; i++) {
    if (checks[i].status === 'unmet') return false;
    if (checks[i].status === 'unknown') unknown = true;
  }
  return unknown ? null : true;
}
