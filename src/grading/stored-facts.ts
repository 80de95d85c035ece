import type { AnnualIndicatorsData } from '../indicators/annual-indicators.entity';
import type { FinancialYear, GradingFacts } from './rules/types';

export interface IndicatorYear {
  year: number;
  data: AnnualIndicatorsData;
}

/** At most this many accounting years feed an evaluation (DOMAIN.md section 2). */
const MAX_YEARS = 3;

function financialYear(year: number, d: AnnualIndicatorsData): FinancialYear {
  const f: FinancialYear = {
    year,
    revenue: d.revenue,
    rdExpense: d.rdExpense,
    domesticRdExpense: d.domesticRdExpense,
    netAssets: d.netAssets,
  };
  if (d.totalIncome != null) f.totalIncome = d.totalIncome;
  if (d.highTechRevenue != null) f.highTechRevenue = d.highTechRevenue;
  if (d.mainBusinessRevenue != null) f.mainBusinessRevenue = d.mainBusinessRevenue;
  return f;
}

/**
 * The facts a stored enterprise is graded on (issue 3): its founding date, `asOf`, the latest year's non-financial
 * facts, the latest three years' financials on file, and its active high-tech certificate. Returns null when no
 * indicators are on file (nothing to grade yet). Pure: the caller loads the rows.
 */
export function storedFacts(
  registeredOn: string,
  years: IndicatorYear[],
  highTechIssuedOn: string | null,
  asOf: string,
): GradingFacts | null {
  if (!years.length) return null;
  // The last three accounting years (近三个会计年度) before the newest filed, not the newest three rows on file: a
  // year missing in between leaves the window short rather than reaching back to older years.
  const newest = Math.max(...years.map((y) => y.year));
  const latest = years.filter((y) => y.year > newest - MAX_YEARS).sort((a, b) => b.year - a.year);
  const d = latest[0].data;
  const facts: GradingFacts = {
    asOf,
    registeredOn,
    employees: d.employees,
    techStaff: d.techStaff,
    totalAssets: d.totalAssets,
    totalLiabilities: d.totalLiabilities,
    totalCosts: d.totalCosts,
    financials: latest.map((y) => financialYear(y.year, y.data)).reverse(),
    ip: { classI: d.ip.classI, classII: d.ip.classII },
    supportedField: d.supportedField,
    declarations: {
      majorViolation: d.declarations?.majorViolation ?? false,
      restrictedIndustry: d.declarations?.restrictedIndustry ?? false,
      dishonestyList: d.declarations?.dishonestyList ?? false,
      superDeductionExcluded: d.declarations?.superDeductionExcluded ?? false,
    },
    directQualifications: [...(d.directQualifications ?? [])],
    highTechCertificate: highTechIssuedOn ? { issuedOn: highTechIssuedOn } : null,
  };
  if (d.innovation) facts.innovation = { ...d.innovation };
  // The enterprise's founding date may be after the grading day only for a backdated asOf; grading then starts there.
  if (facts.registeredOn > asOf) facts.asOf = facts.registeredOn;
  return facts;
}
