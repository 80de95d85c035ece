/**
 * Gaps (DOMAIN.md section 7): every unmet or unknown check of the next tiers, in English and Chinese, saying how much
 * is missing wherever a number can say it. Which tiers are "next" (project rule):
 * - tech SME reasons when the enterprise is not tech-SME eligible;
 * - high-tech checks when it does not hold high-tech status (no valid certificate, tier not high_tech/leader);
 * - leader checks only when it holds high-tech status (leader is the rung after high-tech).
 */
import { addDays } from '../dates';
import {
  excessNumerator,
  fractionValue,
  missingNumerator,
  missingPart,
  percent,
  roundUpThousand,
  yearsEn,
  yearsZh,
  yuan,
} from '../format';
import { addExact, round4 } from '../ratio';
import type { Check, Gap, GradingFacts, HighTechResult, LeaderResult, TechSmeResult } from '../types';
import type { Derived } from './derived';
import type { CompiledLeader } from './leader.rules';
import { requiredRdRatio } from './high-tech.rules';
import {
  HIGH_TECH_DOMESTIC_RD_MIN,
  HIGH_TECH_MIN_DAYS_REGISTERED,
  HIGH_TECH_REVENUE_SHARE_MIN,
  HIGH_TECH_TECH_STAFF_MIN,
  INNOVATION_MAX,
  INNOVATION_SCORE_MIN,
  TECH_SME_MAX_ASSETS,
  TECH_SME_MAX_EMPLOYEES,
  TECH_SME_MAX_REVENUE,
  TECH_SME_PASS_SCORE,
  TECH_STAFF_BANDS,
} from './params';

type Text = [en: string, zh: string];

export interface GapInputs {
  facts: GradingFacts;
  d: Derived;
  techSme: TechSmeResult;
  highTech: HighTechResult;
  leader: LeaderResult;
  leaderRules: CompiledLeader;
}

const about = (x: bigint) => yuan(roundUpThousand(x));

/** Bars read from params, so a change of rule shows in the sentences too. */
const MIN_DAYS = HIGH_TECH_MIN_DAYS_REGISTERED;
const STAFF_MIN = percent(fractionValue(HIGH_TECH_TECH_STAFF_MIN));
const HT_REVENUE_MIN = percent(fractionValue(HIGH_TECH_REVENUE_SHARE_MIN));
const DOMESTIC_MIN = percent(fractionValue(HIGH_TECH_DOMESTIC_RD_MIN));
const MAX = INNOVATION_MAX;

function techSmeText(
  code: string,
  f: GradingFacts,
  d: Derived,
  t: TechSmeResult,
): [Text, Gap['actual'], Gap['required']] {
  const y = d.latest.year;
  switch (code) {
    case 'size_employees': {
      const over = f.employees - TECH_SME_MAX_EMPLOYEES;
      return [
        [
          `Employees ${f.employees}, at most ${TECH_SME_MAX_EMPLOYEES} for a tech SME: ${over} over the limit`,
          `职工总数 ${f.employees} 人，科技型中小企业不超过 ${TECH_SME_MAX_EMPLOYEES} 人：超出 ${over} 人`,
        ],
        f.employees,
        TECH_SME_MAX_EMPLOYEES,
      ];
    }
    case 'size_revenue': {
      const r = d.latest.revenue;
      const over = yuan(r - TECH_SME_MAX_REVENUE);
      return [
        [
          `Revenue ${yuan(r)} in ${y}, at most ${yuan(TECH_SME_MAX_REVENUE)}: ${over} over the limit`,
          `${y} 年销售收入 ${yuan(r)} 元，不超过 ${yuan(TECH_SME_MAX_REVENUE)} 元：超出 ${over} 元`,
        ],
        r,
        TECH_SME_MAX_REVENUE,
      ];
    }
    case 'size_assets': {
      const over = yuan(f.totalAssets - TECH_SME_MAX_ASSETS);
      return [
        [
          `Total assets ${yuan(f.totalAssets)}, at most ${yuan(TECH_SME_MAX_ASSETS)}: ${over} over the limit`,
          `资产总额 ${yuan(f.totalAssets)} 元，不超过 ${yuan(TECH_SME_MAX_ASSETS)} 元：超出 ${over} 元`,
        ],
        f.totalAssets,
        TECH_SME_MAX_ASSETS,
      ];
    }
    case 'excluded_industry':
      return [
        [
          'The industry is restricted or on the R&D super-deduction negative list: it cannot be evaluated as a tech SME',
          '所属行业属于限制类或研发费用加计扣除负面清单行业：不能评价为科技型中小企业',
        ],
        true,
        false,
      ];
    case 'violation':
      return [
        [
          'A major violation or a listing as seriously dishonest is declared: it cannot be evaluated until cleared',
          '存在重大违法违规行为或被列入严重失信主体名单：消除前不能评价为科技型中小企业',
        ],
        true,
        false,
      ];
    case 'tech_staff_zero': {
      const lowest = TECH_STAFF_BANDS[TECH_STAFF_BANDS.length - 1];
      const min = fractionValue(lowest);
      if (f.employees === 0)
        return [
          ['No employees recorded: the tech staff indicator scores 0', '未填报职工人数：科技人员指标得 0 分'],
          null,
          min,
        ];
      const k = missingNumerator(f.techStaff, f.employees, lowest);
      const share = percent(f.techStaff / f.employees);
      return [
        [
          `Tech staff ${share}, needs ${percent(min)} to score any points: ${k} more tech staff`,
          `科技人员占比 ${share}，需达到 ${percent(min)} 才能得分：还需 ${k} 名科技人员`,
        ],
        round4(f.techStaff / f.employees),
        min,
      ];
    }
    default: {
      const s = t.scores;
      const short = TECH_SME_PASS_SCORE - t.score;
      return [
        [
          `Score ${t.score} (tech staff ${s.techStaff}, R&D ${s.rdInvestment}, IP ${s.ipResults}), needs ${TECH_SME_PASS_SCORE}: ${short} points short`,
          `评价得分 ${t.score} 分（科技人员 ${s.techStaff}、研发投入 ${s.rdInvestment}、科技成果 ${s.ipResults}），需达到 ${TECH_SME_PASS_SCORE} 分：还差 ${short} 分`,
        ],
        t.score,
        TECH_SME_PASS_SCORE,
      ];
    }
  }
}

function highTechText(c: Check, f: GradingFacts, d: Derived, ht: HighTechResult): Text {
  const unknown = c.status === 'unknown';
  const y = d.latest.year;
  const n = d.yearCount;
  switch (c.code) {
    case 'registered_one_year': {
      const from = addDays(f.registeredOn, MIN_DAYS);
      return [
        `Registered ${c.actual} days before ${f.asOf}, needs ${MIN_DAYS}: eligible from ${from}`,
        `成立 ${c.actual} 天，需满一年（${MIN_DAYS} 天）：${from} 起符合`,
      ];
    }
    case 'core_ip':
      return [
        'No class I or class II IP, needs at least 1: obtain a patent, design or software copyright for the main product',
        '没有Ⅰ类或Ⅱ类知识产权，至少需要 1 件：为主要产品取得专利、外观设计或软件著作权',
      ];
    case 'supported_field':
      return unknown
        ? [
            'Not known whether the core technology is in the 8 state-supported fields: confirm the field',
            '尚未确认核心技术是否属于《国家重点支持的高新技术领域》：请确认所属领域',
          ]
        : [
            'The core technology is not in the 8 state-supported fields',
            '核心技术不属于《国家重点支持的高新技术领域》',
          ];
    case 'tech_staff_ratio': {
      if (c.actual === null)
        return [
          `No employees recorded: the tech staff share cannot reach ${STAFF_MIN}`,
          `未填报职工人数：科技人员占比无法达到 ${STAFF_MIN}`,
        ];
      const k = missingNumerator(f.techStaff, f.employees, HIGH_TECH_TECH_STAFF_MIN);
      return [
        `Tech staff ${percent(c.actual as number)}, needs ${STAFF_MIN}: ${k} more tech staff`,
        `科技人员占比 ${percent(c.actual as number)}，需达到 ${STAFF_MIN}：还需 ${k} 名科技人员`,
      ];
    }
    case 'rd_expense_ratio': {
      const req = percent(c.required as number);
      if (c.actual === null)
        return [
          `No revenue recorded over ${yearsEn(n)}: the R&D ratio cannot reach ${req}`,
          `${yearsZh(n)}未填报销售收入：研发费用占比无法达到 ${req}`,
        ];
      const more = about(missingNumerator(d.sumRd, d.sumRevenue, requiredRdRatio(d.latest.revenue)));
      return [
        `R&D ratio ${percent(c.actual as number)}, needs ${req}: about ${more} more R&D spend over ${yearsEn(n)}`,
        `研发费用占比 ${percent(c.actual as number)}，需达到 ${req}：${yearsZh(n)}还需增加研发投入约 ${more} 元`,
      ];
    }
    case 'domestic_rd_share': {
      if (c.actual === null)
        return [
          `No R&D expense recorded over ${yearsEn(n)}: domestic R&D must be at least ${DOMESTIC_MIN} of it`,
          `${yearsZh(n)}未发生研发费用：境内研发费用需占全部研发费用的 ${DOMESTIC_MIN} 以上`,
        ];
      const more = about(missingPart(d.sumDomesticRd, d.sumRd, HIGH_TECH_DOMESTIC_RD_MIN));
      return [
        `Domestic R&D ${percent(c.actual as number)} of all R&D, needs ${DOMESTIC_MIN}: about ${more} more R&D spent in China over ${yearsEn(n)}`,
        `境内研发费用占比 ${percent(c.actual as number)}，需达到 ${DOMESTIC_MIN}：${yearsZh(n)}还需增加境内研发投入约 ${more} 元`,
      ];
    }
    case 'high_tech_revenue_share': {
      if (unknown)
        return [
          `High-tech product and service revenue of ${y} not supplied: file highTechRevenue`,
          `未填报 ${y} 年高新技术产品（服务）收入：请补充`,
        ];
      if (c.actual === null)
        return [
          `No total income recorded in ${y}: the high-tech revenue share cannot reach ${HT_REVENUE_MIN}`,
          `${y} 年总收入为 0：高新技术产品（服务）收入占比无法达到 ${HT_REVENUE_MIN}`,
        ];
      const total = d.latest.totalIncome ?? d.latest.revenue;
      const more = about(missingPart(d.latest.highTechRevenue ?? 0, total, HIGH_TECH_REVENUE_SHARE_MIN));
      return [
        `High-tech revenue ${percent(c.actual as number)} of total income in ${y}, needs ${HT_REVENUE_MIN}: about ${more} more income from high-tech products and services`,
        `${y} 年高新技术产品（服务）收入占比 ${percent(c.actual as number)}，需达到 ${HT_REVENUE_MIN}：还需增加高新技术产品（服务）收入约 ${more} 元`,
      ];
    }
    case 'innovation_score': {
      const s = ht.innovationScore;
      if (unknown)
        return [
          `Innovation score not assessed (IP, conversion, R&D management); growth scores ${s.growth}/${MAX.growth}: complete the self-assessment`,
          `尚未评价企业创新能力（知识产权、科技成果转化、研究开发组织管理）；成长性得分 ${s.growth}/${MAX.growth}：请完成自评`,
        ];
      const short = INNOVATION_SCORE_MIN - (s.total as number);
      return [
        `Innovation score ${s.total}, needs ${INNOVATION_SCORE_MIN}: ${short} points short (IP ${s.ip}/${MAX.ip}, conversion ${s.conversion}/${MAX.conversion}, R&D management ${s.rdManagement}/${MAX.rdManagement}, growth ${s.growth}/${MAX.growth})`,
        `企业创新能力评价 ${s.total} 分，需达到 ${INNOVATION_SCORE_MIN} 分：还差 ${short} 分（知识产权 ${s.ip}/${MAX.ip}、科技成果转化 ${s.conversion}/${MAX.conversion}、研究开发组织管理 ${s.rdManagement}/${MAX.rdManagement}、成长性 ${s.growth}/${MAX.growth}）`,
      ];
    }
    default:
      return [
        'A major accident or serious environmental violation is declared for the year before applying: apply after a clean year',
        '申请认定前一年内发生重大安全、重大质量事故或严重环境违法行为：满一年无此类事件后再申请',
      ];
  }
}

function leaderText(c: Check, f: GradingFacts, d: Derived, rules: CompiledLeader): Text {
  const k = rules.criteria;
  const L = d.latest;
  const y = L.year;
  const unknown = c.status === 'unknown';
  switch (c.code) {
    case 'high_tech_certified':
      return [
        'No valid high-tech certificate: a tech leader must be a high-tech enterprise',
        '未持有有效期内的高新技术企业证书：科技领军企业须为高新技术企业',
      ];
    case 'revenue': {
      const more = yuan(k.revenueMin - L.revenue);
      return [
        `Revenue ${yuan(L.revenue)} in ${y}, needs ${yuan(k.revenueMin)}: ${more} more`,
        `${y} 年营业收入 ${yuan(L.revenue)} 元，需达到 ${yuan(k.revenueMin)} 元：还差 ${more} 元`,
      ];
    }
    case 'revenue_growth': {
      const req = percent(k.revenueGrowthMin);
      if (unknown)
        return [
          `Two-year revenue growth needs the revenue of ${y - 2} to ${y}: file the missing years`,
          `营业收入两年复合增长率需要 ${y - 2} 年至 ${y} 年的营业收入：请补充缺少的年度`,
        ];
      if (c.actual === null)
        return [
          `No revenue in ${y - 2}: two-year growth cannot be assessed against ${req}`,
          `${y - 2} 年营业收入为 0：无法按 ${req} 评价两年复合增长率`,
        ];
      const r1 = d.prev2!.revenue;
      const g = { num: rules.growthSquaredNum, den: rules.growthSquaredDen };
      const more = about(missingNumerator(L.revenue, r1, g));
      return [
        `Two-year compound revenue growth ${percent(c.actual as number)}, needs ${req}: about ${more} more revenue in ${y}`,
        `营业收入两年复合增长率 ${percent(c.actual as number)}，需达到 ${req}：${y} 年营业收入还需增加约 ${more} 元`,
      ];
    }
    case 'rd_investment': {
      const p = d.prev;
      if (unknown || !p)
        return [
          `R&D investment needs the R&D and revenue of ${y - 1} and ${y}: file ${y - 1}`,
          `研发投入需要 ${y - 1} 年和 ${y} 年的研发费用和营业收入：请补充 ${y - 1} 年数据`,
        ];
      const en: string[] = [];
      const zh: string[] = [];
      const total = addExact(L.rdExpense, p.rdExpense);
      if (Number(total) < k.rdTwoYearMin) {
        const more = yuan(BigInt(k.rdTwoYearMin) - BigInt(total));
        en.push(`R&D of ${y - 1}-${y} is ${yuan(total)}, needs ${yuan(k.rdTwoYearMin)}: ${more} more`);
        zh.push(`${y - 1}-${y} 年研发费用合计 ${yuan(total)} 元，需达到 ${yuan(k.rdTwoYearMin)} 元：还差 ${more} 元`);
      }
      const ratio = rules.rdRatio;
      for (const yr of [p, L]) {
        if (yr.revenue === 0) {
          en.push(`no revenue in ${yr.year}, so R&D cannot reach ${percent(k.rdRatioMin)} of it`);
          zh.push(`${yr.year} 年营业收入为 0，研发费用占比无法达到 ${percent(k.rdRatioMin)}`);
          continue;
        }
        const more = missingNumerator(yr.rdExpense, yr.revenue, ratio);
        if (more === 0n) continue;
        const share = percent(yr.rdExpense / yr.revenue);
        en.push(`R&D ${share} of revenue in ${yr.year}, needs ${percent(k.rdRatioMin)}: about ${about(more)} more`);
        zh.push(
          `${yr.year} 年研发费用占营业收入 ${share}，需达到 ${percent(k.rdRatioMin)}：还需增加约 ${about(more)} 元`,
        );
      }
      return [en.join('; '), zh.join('；')];
    }
    case 'class_one_ip': {
      const more = k.classOneIpMin - f.ip.classI;
      return [
        `${f.ip.classI} class I IP (invention patents and the like), needs ${k.classOneIpMin}: ${more} more`,
        `Ⅰ类知识产权 ${f.ip.classI} 件，需达到 ${k.classOneIpMin} 件：还差 ${more} 件`,
      ];
    }
    case 'main_business_share': {
      const req = percent(k.mainBusinessShareMin);
      if (unknown)
        return [
          `Main business revenue of ${y} not supplied: file mainBusinessRevenue`,
          `未填报 ${y} 年主营业务收入：请补充`,
        ];
      if (c.actual === null)
        return [
          `No revenue in ${y}: the main business share cannot reach ${req}`,
          `${y} 年营业收入为 0：主营业务收入占比无法达到 ${req}`,
        ];
      // A region may require the whole revenue (a share of 1): then no amount of more main business revenue reaches
      // it, only less of the rest (and missingPart would divide by zero).
      if (rules.mainBusinessShare.num >= rules.mainBusinessShare.den)
        return [
          `Main business ${percent(c.actual as number)} of revenue in ${y}, needs ${req}: all revenue must come from the main business`,
          `${y} 年主营业务收入占比 ${percent(c.actual as number)}，需达到 ${req}：营业收入须全部来自主营业务`,
        ];
      const more = about(missingPart(L.mainBusinessRevenue ?? 0, L.revenue, rules.mainBusinessShare));
      return [
        `Main business ${percent(c.actual as number)} of revenue in ${y}, needs ${req}: about ${more} more main business revenue`,
        `${y} 年主营业务收入占比 ${percent(c.actual as number)}，需达到 ${req}：还需增加主营业务收入约 ${more} 元`,
      ];
    }
    default: {
      const max = percent(k.debtRatioMax);
      if (unknown) return ['Total liabilities not supplied: file totalLiabilities', '未填报负债总额：请补充'];
      if (c.actual === null)
        return [
          `Total assets are 0: the debt ratio cannot be at most ${max}`,
          `资产总额为 0：资产负债率无法不高于 ${max}`,
        ];
      const less = about(excessNumerator(f.totalLiabilities ?? 0, f.totalAssets, rules.debtRatio));
      return [
        `Debt ratio ${percent(c.actual as number)}, at most ${max}: about ${less} less liabilities`,
        `资产负债率 ${percent(c.actual as number)}，不得高于 ${max}：需减少负债约 ${less} 元`,
      ];
    }
  }
}

export function buildGaps(x: GapInputs): Gap[] {
  const { facts, d } = x;
  const gaps: Gap[] = [];
  if (!x.techSme.eligible) {
    for (const code of x.techSme.failed) {
      const [[message, messageZh], actual, required] = techSmeText(code, facts, d, x.techSme);
      gaps.push({ tier: 'tech_sme', code, message, messageZh, actual, required });
    }
  }
  if (!d.holdsHighTech) {
    for (const c of x.highTech.checks) {
      if (c.status === 'met') continue;
      const [message, messageZh] = highTechText(c, facts, d, x.highTech);
      gaps.push({ tier: 'high_tech', code: c.code, message, messageZh, actual: c.actual, required: c.required });
    }
  } else {
    for (const c of x.leader.checks) {
      if (c.status === 'met') continue;
      const [message, messageZh] = leaderText(c, facts, d, x.leaderRules);
      gaps.push({ tier: 'leader', code: c.code, message, messageZh, actual: c.actual, required: c.required });
    }
  }
  return gaps;
}
