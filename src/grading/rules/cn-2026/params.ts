/**
 * Every number of the cn-2026 rule set, in one place, each with the clause it comes from. Percentages are exact
 * fractions ({ num, den }) so boundaries compare exactly (DOMAIN.md section 2).
 *
 * Policies:
 * - 科技型中小企业评价办法 (国科发政〔2017〕115号), with the 2022 service guideline: "TSME art. n";
 * - 高新技术企业认定管理办法 (国科发火〔2016〕32号): "HTE art. n"; 高新技术企业认定管理工作指引 (国科发火〔2016〕195号): "HTE guideline";
 * - 专精特新"小巨人"企业 criteria (2026): the project's leader default (DOMAIN.md section 5).
 */
import type { LeaderCriteria, RegionConfig } from '../region-config';
import type { Fraction } from '../ratio';

export const RULE_SET_ID = 'cn-2026';

/** A score band: a ratio of at least num/den earns `points`. Listed from the top band down. */
export interface RatioBand extends Fraction {
  points: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const pct = (p: number): Fraction => ({ num: p, den: 100 });
const band = (p: number, points: number): RatioBand => ({ num: p, den: 100, points });

// ---- Tech SME (科技型中小企业) ----

/** TSME art. 6(2): 职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元. */
export const TECH_SME_MAX_EMPLOYEES = 500;
export const TECH_SME_MAX_REVENUE = 200_000_000;
export const TECH_SME_MAX_ASSETS = 200_000_000;

/** TSME annex, 科技人员指标 (20 points): tech staff / employees. Below 10% scores 0. */
export const TECH_STAFF_BANDS: readonly RatioBand[] = [
  band(30, 20),
  band(25, 16),
  band(20, 12),
  band(15, 8),
  band(10, 4),
];

/** TSME annex, 研发投入指标 (50 points), base 1: R&D / revenue (销售收入). Below 2% scores 0. */
export const RD_REVENUE_BANDS: readonly RatioBand[] = [band(6, 50), band(5, 40), band(4, 30), band(3, 20), band(2, 10)];

/** TSME annex, 研发投入指标, base 2: R&D / total costs (成本费用总额). The better base counts. Below 10% scores 0. */
export const RD_COSTS_BANDS: readonly RatioBand[] = [
  band(30, 50),
  band(25, 40),
  band(20, 30),
  band(15, 20),
  band(10, 10),
];

/** TSME annex, 科技成果指标 (30 points): one class I IP scores the top band. */
export const IP_CLASS_ONE_POINTS = 30;
/** TSME annex, 科技成果指标: class II IP count, at least `min`. None scores 0. */
export const IP_CLASS_TWO_BANDS: readonly { min: number; points: number }[] = [
  { min: 4, points: 24 },
  { min: 3, points: 18 },
  { min: 2, points: 12 },
  { min: 1, points: 6 },
];

/** TSME art. 6(5): 综合评价所得分值不低于60分，且科技人员指标得分不得为0分. */
export const TECH_SME_PASS_SCORE = 60;

// ---- High-tech enterprise (高新技术企业) ----

/** HTE art. 11(1): 注册成立一年以上; the guideline counts 365 calendar days. */
export const HIGH_TECH_MIN_DAYS_REGISTERED = 365;
/** HTE art. 11(2): owns at least one IP supporting its main products. */
export const HIGH_TECH_MIN_CORE_IP = 1;
/** HTE art. 11(4): 科技人员占职工总数的比例不低于10%. */
export const HIGH_TECH_TECH_STAFF_MIN = pct(10);
/**
 * HTE art. 11(5): R&D / revenue over the last three accounting years, by the latest year's revenue:
 * 5% at most 50,000,000; 4% at most 200,000,000; 3% above.
 */
export const HIGH_TECH_RD_BANDS: readonly { revenueMax: number; min: Fraction }[] = [
  { revenueMax: 50_000_000, min: pct(5) },
  { revenueMax: 200_000_000, min: pct(4) },
  { revenueMax: Infinity, min: pct(3) },
];
/** HTE art. 11(5): 在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例不低于60%. */
export const HIGH_TECH_DOMESTIC_RD_MIN = pct(60);
/** HTE art. 11(6): 近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%. */
export const HIGH_TECH_REVENUE_SHARE_MIN = pct(60);
/** HTE art. 11(7) and guideline: innovation capability above 70 points, i.e. at least 71 in whole points. */
export const INNOVATION_SCORE_MIN = 71;
/** HTE guideline, 企业创新能力评价: IP 30, conversion 30, R&D management 20, growth 20. */
export const INNOVATION_MAX = { ip: 30, conversion: 30, rdManagement: 20, growth: 20 } as const;

/**
 * HTE guideline, 企业成长性 (each of net assets and revenue, 10 points): the guideline gives ranges
 * (≥35%: 9-10, ≥25%: 7-8, ≥15%: 5-6, ≥5%: 3-4, >0: 1-2, ≤0: 0); the project scores the top of each band
 * (DOMAIN.md section 4, deterministic default).
 */
export const GROWTH_BANDS: readonly RatioBand[] = [band(35, 10), band(25, 8), band(15, 6), band(5, 4)];
/** HTE guideline: any positive growth below 5% scores the top of the 1-2 band. */
export const GROWTH_POSITIVE_POINTS = 2;
/** HTE guideline: growth is assessed over three accounting years. */
export const GROWTH_MAX_YEARS = 3;

/** HTE art. 9: 资格自颁发证书之日起有效期为三年. */
export const CERTIFICATE_VALIDITY_YEARS = 3;

// ---- Defaults a region may override (DOMAIN.md sections 5 and 6) ----

/**
 * 专精特新"小巨人" (2026) numbers, the project's default for 科技领军企业 (DOMAIN.md section 5); regions override them.
 */
export const DEFAULT_LEADER_CRITERIA: LeaderCriteria = {
  /** 小巨人: latest revenue at least 50,000,000 yuan. */
  revenueMin: 50_000_000,
  /** 小巨人: two-year compound revenue growth (近2年营业收入复合增长率) at least 5%. */
  revenueGrowthMin: 0.05,
  /** 小巨人: R&D of the latest two years at least 12,000,000 yuan in total... */
  rdTwoYearMin: 12_000_000,
  /** ...and at least 3% of revenue in each of them. */
  rdRatioMin: 0.03,
  /** 小巨人: at least 4 class I IP (Ⅰ类知识产权). */
  classOneIpMin: 4,
  /** 小巨人: main business revenue at least 90% of revenue. */
  mainBusinessShareMin: 0.9,
  /** 小巨人: debt ratio (资产负债率) at most 75%. */
  debtRatioMax: 0.75,
  /** HTE art. 9: the leader must hold a high-tech certificate within its three years. */
  certificateValidityYears: CERTIFICATE_VALIDITY_YEARS,
};

/**
 * DOMAIN.md section 6 default 四色管理 mapping: first match wins. Frozen: configurations are immutable values (the
 * engine caches their compiled fractions by object identity), so a region's copy is a new object, never an edit.
 */
export const CN_2026_DEFAULT_CONFIG: RegionConfig = deepFreeze({
  leader: DEFAULT_LEADER_CRITERIA,
  colours: [
    { colour: 'green', when: 'holds_high_tech_or_leader' },
    { colour: 'blue', when: 'high_tech_no_unmet' },
    { colour: 'red', when: 'tech_sme_eligible' },
    { colour: 'orange', when: 'always' },
  ],
});
