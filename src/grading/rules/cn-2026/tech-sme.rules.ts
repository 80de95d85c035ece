/**
 * 科技型中小企业 (DOMAIN.md section 3): basic conditions (TSME art. 6(1)-(4)), the 100-point score (TSME annex) and the
 * direct route (TSME art. 7).
 */
import { ratioAtLeast, type Int } from '../ratio';
import type { GradingFacts, IpCounts, TechSmeFailure, TechSmeResult } from '../types';
import type { Derived } from './derived';
import {
  IP_CLASS_ONE_POINTS,
  IP_CLASS_TWO_BANDS,
  RD_COSTS_BANDS,
  RD_REVENUE_BANDS,
  TECH_SME_MAX_ASSETS,
  TECH_SME_MAX_EMPLOYEES,
  TECH_SME_MAX_REVENUE,
  TECH_SME_PASS_SCORE,
  TECH_STAFF_BANDS,
  type RatioBand,
} from './params';

/** Points of the first band whose lower bound (inclusive) `a/b` reaches; 0 below every band or when b is 0. */
export function bandPoints(a: Int, b: Int, bands: readonly RatioBand[]): number {
  if (b === 0 || b === 0n) return 0;
  for (let i = 0; i < bands.length; i++) if (ratioAtLeast(a, b, bands[i])) return bands[i].points;
  return 0;
}

/** 科技人员指标: techStaff / employees (no employees, no points). */
export function techStaffPoints(techStaff: number, employees: number): number {
  return bandPoints(techStaff, employees, TECH_STAFF_BANDS);
}

/**
 * 研发投入指标: the better of R&D / revenue and R&D / totalCosts. A base counts only when it is positive; the costs
 * base only when totalCosts is given.
 */
export function rdInvestmentPoints(rdExpense: number, revenue: number, totalCosts?: number): number {
  const byRevenue = revenue > 0 ? bandPoints(rdExpense, revenue, RD_REVENUE_BANDS) : 0;
  const byCosts = totalCosts !== undefined && totalCosts > 0 ? bandPoints(rdExpense, totalCosts, RD_COSTS_BANDS) : 0;
  return byRevenue > byCosts ? byRevenue : byCosts;
}

/** 科技成果指标: any class I IP scores 30; otherwise by class II count. */
export function ipResultsPoints(ip: IpCounts): number {
  if (ip.classI >= 1) return IP_CLASS_ONE_POINTS;
  for (const b of IP_CLASS_TWO_BANDS) if (ip.classII >= b.min) return b.points;
  return 0;
}

export function evaluateTechSme(facts: GradingFacts, d: Derived): TechSmeResult {
  const techStaff = techStaffPoints(facts.techStaff, facts.employees);
  const rdInvestment = rdInvestmentPoints(d.latest.rdExpense, d.latest.revenue, facts.totalCosts);
  const ipResults = ipResultsPoints(facts.ip);
  const score = techStaff + rdInvestment + ipResults;
  const scores = { techStaff, rdInvestment, ipResults };

  const failed: TechSmeFailure[] = [];
  if (facts.employees > TECH_SME_MAX_EMPLOYEES) failed.push('size_employees');
  if (d.latest.revenue > TECH_SME_MAX_REVENUE) failed.push('size_revenue');
  if (facts.totalAssets > TECH_SME_MAX_ASSETS) failed.push('size_assets');
  const dec = facts.declarations;
  // TSME art. 6(3) and the 研发费用加计扣除 negative list (财税〔2015〕119号): tobacco, hotels and catering, wholesale
  // and retail, real estate, leasing and business services, entertainment.
  if (dec.restrictedIndustry || dec.superDeductionExcluded) failed.push('excluded_industry');
  // TSME art. 6(4): no major accident or serious violation, not on the list of seriously dishonest enterprises.
  if (dec.majorViolation || dec.dishonestyList) failed.push('violation');

  // TSME art. 7: a valid high-tech certificate (or a held high-tech/leader tier) or any listed qualification confirms
  // the enterprise directly. Decision: once a direct qualification applies, score reasons are never listed, even when
  // basic conditions fail, because fixing the basic conditions alone is enough (the score is then irrelevant).
  const direct = d.holdsHighTech || facts.directQualifications.length > 0;
  if (!direct) {
    if (techStaff === 0) failed.push('tech_staff_zero');
    if (score < TECH_SME_PASS_SCORE) failed.push('score_below_60');
  }
  const eligible = failed.length === 0;
  return { eligible, route: eligible ? (direct ? 'direct' : 'score') : null, score, scores, failed };
}
