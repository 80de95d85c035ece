/**
 * Builds the fact object of FACT_VOCABULARY for one enterprise, one programme and one triggering event, from rows the
 * caller loaded. A fact the bureau does not have is left out (absent), never guessed. Pure.
 */
import { storedFacts, type IndicatorYear } from '../../grading/stored-facts';
import type { FactSource, TriggerEvent } from './fact-vocabulary';
import type { RecognitionKind } from './programme.rules';
import type { Facts } from './rule-evaluation';

export interface EnterpriseRecord {
  id: string;
  district: string;
  state: string;
  colour: string;
  registeredOn: string;
  techSmeScore: number | null;
}

export interface PriorGrant {
  programmeCode: string;
  period: number;
  state: string;
  amount: number | null;
}

/** The event a programme is evaluated for (a real outbox event, or one a batch run replays from stored rows). */
export interface TriggerFacts {
  type: TriggerEvent;
  /** The period the event counts toward (DOMAIN.md section 8: a recognition by its issue date, indicators by year). */
  year: number;
  /** ISO date the event took effect. */
  date: string;
  tier?: string;
  kind?: RecognitionKind;
  issuedOn?: string;
  certificationId?: string | null;
}

export interface FactInputs {
  enterprise: EnterpriseRecord;
  /** Every filing loaded for the enterprise; undefined when the rule reads no grading or indicator fact. */
  years?: IndicatorYear[];
  highTechIssuedOn?: string | null;
  /** Grants of the enterprise; undefined when the rule reads no priorGrants fact. */
  grants?: PriorGrant[];
}

/** Grants that no longer count toward "prior grants". */
const NOT_COUNTED = new Set(['cancelled']);

const ratio = (value: number, base: number) => Math.round((value / base - 1) * 10000) / 10000;

/** Whole years from `from` to `to` (ISO dates compare as strings). */
export function fullYears(from: string, to: string): number {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) years--;
  return Math.max(0, years);
}

/** Drops null and undefined members so absent facts read as absent. */
function present<T extends Record<string, unknown>>(record: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    const value = record[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as Partial<T>;
}

/** `programme.sources`, when given, limits the work to the facts its rule reads (a batch builds 100,000 of these). */
export function buildFacts(
  inputs: FactInputs,
  trigger: TriggerFacts,
  programme: { code: string; sources?: ReadonlySet<FactSource> },
): Facts {
  const wants = (source: FactSource) => !programme.sources || programme.sources.has(source);
  const e = inputs.enterprise;
  const facts: Facts = {
    enterprise: present({
      district: e.district,
      tier: e.state,
      colour: e.colour,
      registeredOn: e.registeredOn,
      ageYears: fullYears(e.registeredOn, trigger.date),
      techSmeScore: e.techSmeScore,
    }),
    event: present({
      type: trigger.type,
      year: trigger.year,
      date: trigger.date,
      tier: trigger.tier,
      kind: trigger.kind,
      firstRecognised: trigger.kind ? trigger.kind === 'first' : undefined,
      reRecognised: trigger.kind ? trigger.kind === 'renewal' : undefined,
      issuedOn: trigger.issuedOn,
    }),
  };
  if (inputs.years) {
    // Facts as of the period: a filing of a later year never feeds a programme of an earlier one.
    const years = inputs.years.filter((y) => y.year <= trigger.year);
    if (wants('grading'))
      facts.grading = gradingFacts(e.registeredOn, years, inputs.highTechIssuedOn ?? null, trigger.date);
    if (wants('indicators')) facts.indicators = indicatorFacts(years, trigger);
  }
  if (inputs.grants && wants('grants'))
    facts.priorGrants = priorGrantFacts(inputs.grants, programme.code, trigger.year);
  return facts;
}

function gradingFacts(registeredOn: string, years: IndicatorYear[], highTechIssuedOn: string | null, asOf: string) {
  const g = storedFacts(registeredOn, years, highTechIssuedOn, asOf);
  if (!g) return present({ highTechCertified: !!highTechIssuedOn });
  const latest = g.financials[g.financials.length - 1];
  return present({
    latestYear: latest.year,
    yearsOnFile: g.financials.length,
    employees: g.employees,
    techStaff: g.techStaff,
    totalAssets: g.totalAssets,
    totalLiabilities: g.totalLiabilities,
    totalCosts: g.totalCosts,
    revenue: latest.revenue,
    rdExpense: latest.rdExpense,
    netAssets: latest.netAssets,
    highTechRevenue: latest.highTechRevenue,
    mainBusinessRevenue: latest.mainBusinessRevenue,
    revenueTotal: g.financials.reduce((sum, y) => sum + y.revenue, 0),
    rdExpenseTotal: g.financials.reduce((sum, y) => sum + y.rdExpense, 0),
    ipClassI: g.ip.classI,
    ipClassII: g.ip.classII,
    supportedField: g.supportedField,
    majorViolation: g.declarations.majorViolation,
    dishonestyList: g.declarations.dishonestyList,
    restrictedIndustry: g.declarations.restrictedIndustry,
    directQualifications: g.directQualifications,
    highTechCertified: !!highTechIssuedOn,
  });
}

/**
 * The filing the event is about: for indicators.filed the filed year; otherwise the latest filing of the period or
 * before. The year before is read exactly (year − 1), never an older one.
 */
function indicatorFacts(years: IndicatorYear[], trigger: TriggerFacts) {
  const target =
    trigger.type === 'indicators.filed'
      ? years.find((y) => y.year === trigger.year)
      : years.reduce<IndicatorYear | undefined>((best, y) => (!best || y.year > best.year ? y : best), undefined);
  if (!target) return {};
  const d = target.data;
  const previous = years.find((y) => y.year === target.year - 1)?.data;
  return present({
    year: target.year,
    revenue: d.revenue,
    rdExpense: d.rdExpense,
    domesticRdExpense: d.domesticRdExpense,
    netAssets: d.netAssets,
    totalAssets: d.totalAssets,
    employees: d.employees,
    techStaff: d.techStaff,
    highTechRevenue: d.highTechRevenue,
    previous: previous ? { revenue: previous.revenue, rdExpense: previous.rdExpense } : undefined,
    rdIncrease: previous ? d.rdExpense - previous.rdExpense : undefined,
    rdGrowth: previous && previous.rdExpense > 0 ? ratio(d.rdExpense, previous.rdExpense) : undefined,
    revenueGrowth: previous && previous.revenue > 0 ? ratio(d.revenue, previous.revenue) : undefined,
  });
}

function priorGrantFacts(grants: PriorGrant[], code: string, period: number) {
  const counted = grants.filter((g) => !NOT_COUNTED.has(g.state) && !(g.programmeCode === code && g.period === period));
  return {
    count: counted.length,
    total: counted.reduce((sum, g) => sum + (g.amount ?? 0), 0),
    codes: [...new Set(counted.map((g) => g.programmeCode))].sort(),
    sameProgramme: counted.filter((g) => g.programmeCode === code).length,
    clawedBack: counted.filter((g) => g.state === 'clawed_back').length,
  };
}
