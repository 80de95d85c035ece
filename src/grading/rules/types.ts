/**
 * Types of the grading contract (DOMAIN.md sections 2 and 7). Pure: no framework imports, so the same engine runs for
 * `POST /api/grading/evaluate`, for a stored enterprise and in the benchmark.
 */

/** 梯次: the certification an enterprise holds now. */
export type Tier = 'startup' | 'tech_sme' | 'high_tech' | 'leader';

/** 四色管理: how far the enterprise is from the next rung (DOMAIN.md section 6). */
export type Colour = 'orange' | 'red' | 'blue' | 'green';

/** Tri-state outcome of one check: `unknown` (data absent) never counts as met. */
export type CheckStatus = 'met' | 'unmet' | 'unknown';

/** 直接认定条件 of 科技型中小企业评价办法 (2017) art. 6 (each within the last 5 years where the rule says so). */
export const DIRECT_QUALIFICATIONS = ['national_award_top3', 'provincial_rd_institution', 'led_standard'] as const;
export type DirectQualification = (typeof DIRECT_QUALIFICATIONS)[number];

/** One accounting year (会计年度). Money is whole yuan. */
export interface FinancialYear {
  year: number;
  revenue: number;
  rdExpense: number;
  /** R&D spent in China (境内研发费用), for the 60% condition of 高新技术企业认定管理办法 art. 11(5). */
  domesticRdExpense: number;
  netAssets: number;
  /** 总收入; defaults to `revenue`. Read from the latest year only. */
  totalIncome?: number;
  /** 高新技术产品（服务）收入. Read from the latest year only. */
  highTechRevenue?: number;
  /** 主营业务收入. Read from the latest year only. */
  mainBusinessRevenue?: number;
}

export interface IpCounts {
  /** Ⅰ类知识产权: invention patents, new plant varieties, national new drugs, first-grade protected Chinese medicines, IC layouts. */
  classI: number;
  /** Ⅱ类知识产权: utility models, designs, software copyrights (trademarks do not count). */
  classII: number;
}

/** The assessed parts of the 企业创新能力评价 (IP 0-30, conversion 0-30, R&D management 0-20). */
export interface InnovationParts {
  ip: number;
  conversion: number;
  rdManagement: number;
}

export interface Declarations {
  majorViolation: boolean;
  restrictedIndustry: boolean;
  dishonestyList: boolean;
  superDeductionExcluded: boolean;
}

export interface HighTechCertificate {
  issuedOn: string;
}

/** Grading input after defaults are applied (see `toGradingFacts`). */
export interface GradingFacts {
  asOf: string;
  registeredOn: string;
  employees: number;
  techStaff: number;
  totalAssets: number;
  totalLiabilities?: number;
  /** 成本费用总额 of the latest year: the second base of the tech SME R&D score. */
  totalCosts?: number;
  /** One to three accounting years, any order; the latest is the largest `year`. */
  financials: FinancialYear[];
  ip: IpCounts;
  /** Absent: the `supported_field` check is unknown. */
  supportedField?: boolean;
  /** Absent: the `innovation_score` check is unknown. */
  innovation?: InnovationParts;
  declarations: Declarations;
  directQualifications: DirectQualification[];
  highTechCertificate: HighTechCertificate | null;
}

/** What the caller knows beyond the facts: the tier a stored enterprise holds. */
export interface EvaluationContext {
  tier?: Tier;
}

export type TechSmeFailure =
  | 'size_employees'
  | 'size_revenue'
  | 'size_assets'
  | 'excluded_industry'
  | 'violation'
  | 'tech_staff_zero'
  | 'score_below_60';

export type HighTechCheckCode =
  | 'registered_one_year'
  | 'core_ip'
  | 'supported_field'
  | 'tech_staff_ratio'
  | 'rd_expense_ratio'
  | 'domestic_rd_share'
  | 'high_tech_revenue_share'
  | 'innovation_score'
  | 'no_major_violation';

export type LeaderCheckCode =
  | 'high_tech_certified'
  | 'revenue'
  | 'revenue_growth'
  | 'rd_investment'
  | 'class_one_ip'
  | 'main_business_share'
  | 'debt_ratio';

/** A reported value: a count, an amount, a ratio rounded to 4 decimals, a flag, or null when it cannot be computed. */
export type Reported = number | boolean | null;

export interface Check<C extends string = string> {
  code: C;
  status: CheckStatus;
  actual: Reported;
  required: Reported;
}

export interface TechSmeResult {
  /** Every input of the tech SME evaluation is required, so it is never unknown. */
  eligible: boolean;
  route: 'direct' | 'score' | null;
  score: number;
  scores: { techStaff: number; rdInvestment: number; ipResults: number };
  failed: TechSmeFailure[];
}

export interface InnovationScore {
  ip: number | null;
  conversion: number | null;
  rdManagement: number | null;
  growth: number;
  total: number | null;
}

export interface HighTechResult {
  eligible: boolean | null;
  checks: Check<HighTechCheckCode>[];
  innovationScore: InnovationScore;
}

export interface LeaderResult {
  eligible: boolean | null;
  checks: Check<LeaderCheckCode>[];
}

export interface Gap {
  tier: 'tech_sme' | 'high_tech' | 'leader';
  code: TechSmeFailure | HighTechCheckCode | LeaderCheckCode;
  message: string;
  /** The same sentence in Chinese, for caseworkers and enterprise users. */
  messageZh: string;
  actual: Reported;
  required: Reported;
}

export interface EvaluationResult {
  ruleSet: string;
  techSme: TechSmeResult;
  highTech: HighTechResult;
  leader: LeaderResult;
  colour: Colour;
  gaps: Gap[];
}
