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

/**
 * The keys a programme reads of each fact group (`indicators.previous.rdExpense` → `indicators`: `previous`); null
 * for a group means every key. Cached per fact list (a compiled programme keeps its list).
 */
type Selection = ReadonlyMap<string, ReadonlySet<string>>;
const SELECTIONS = new WeakMap<readonly string[], Selection>();
const NO_KEYS: ReadonlySet<string> = new Set();

function selectionOf(names: readonly string[]): Selection {
  let selection = SELECTIONS.get(names);
  if (!selection) {
    const groups = new Map<string, Set<string>>();
    for (const name of names) {
      const [group, key] = name.split('.');
      if (key === undefined) continue;
      const keys = groups.get(group) ?? new Set<string>();
      keys.add(key);
      groups.set(group, keys);
    }
    selection = groups;
    SELECTIONS.set(names, selection);
  }
  return selection;
}

/** Sets a fact of a group: absent (null or undefined) facts and keys nobody reads are left out. */
function put(out: Record<string, unknown>, keys: ReadonlySet<string> | null, key: string, value: unknown) {
  if (value !== null && value !== undefined && (!keys || keys.has(key))) out[key] = value;
}

/**
 * `programme.sources`, when given, limits the work to the sources its rule reads, and `programme.facts` to the facts
 * it reads: a batch or a simulation builds 100,000 of these, and a rule can read nothing else (rule-check.ts admits
 * only facts named literally), so the facts it reads are the same either way.
 */
export function buildFacts(
  inputs: FactInputs,
  trigger: TriggerFacts,
  programme: { code: string; sources?: ReadonlySet<FactSource>; facts?: readonly string[] },
): Facts {
  const wants = (source: FactSource) => !programme.sources || programme.sources.has(source);
  const selection = programme.facts ? selectionOf(programme.facts) : null;
  const keys = (group: string) => (selection ? (selection.get(group) ?? NO_KEYS) : null);
  const e = inputs.enterprise;
  const enterprise: Record<string, unknown> = {};
  const ek = keys('enterprise');
  put(enterprise, ek, 'district', e.district);
  put(enterprise, ek, 'tier', e.state);
  put(enterprise, ek, 'colour', e.colour);
  put(enterprise, ek, 'registeredOn', e.registeredOn);
  if (!ek || ek.has('ageYears')) put(enterprise, ek, 'ageYears', fullYears(e.registeredOn, trigger.date));
  put(enterprise, ek, 'techSmeScore', e.techSmeScore);
  const event: Record<string, unknown> = {};
  const vk = keys('event');
  put(event, vk, 'type', trigger.type);
  put(event, vk, 'year', trigger.year);
  put(event, vk, 'date', trigger.date);
  put(event, vk, 'tier', trigger.tier);
  put(event, vk, 'kind', trigger.kind);
  put(event, vk, 'firstRecognised', trigger.kind ? trigger.kind === 'first' : undefined);
  put(event, vk, 'reRecognised', trigger.kind ? trigger.kind === 'renewal' : undefined);
  put(event, vk, 'issuedOn', trigger.issuedOn);
  const facts: Facts = { enterprise, event };
  if (inputs.years) {
    // Facts as of the period: a filing of a later year never feeds a programme of an earlier one.
    const years = inputs.years.every((y) => y.year <= trigger.year)
      ? inputs.years
      : inputs.years.filter((y) => y.year <= trigger.year);
    if (wants('grading'))
      facts.grading = only(
        gradingFacts(e.registeredOn, years, inputs.highTechIssuedOn ?? null, trigger.date),
        keys('grading'),
      );
    if (wants('indicators')) facts.indicators = indicatorFacts(years, trigger, keys('indicators'));
  }
  if (inputs.grants && wants('grants'))
    facts.priorGrants = only(priorGrantFacts(inputs.grants, programme.code, trigger.year), keys('priorGrants'));
  return facts;
}

function only(record: Record<string, unknown>, keys: ReadonlySet<string> | null) {
  if (!keys) return record;
  const out: Record<string, unknown> = {};
  for (const key in record) if (keys.has(key)) out[key] = record[key];
  return out;
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
function indicatorFacts(years: IndicatorYear[], trigger: TriggerFacts, keys: ReadonlySet<string> | null) {
  const target =
    trigger.type === 'indicators.filed'
      ? years.find((y) => y.year === trigger.year)
      : years.reduce<IndicatorYear | undefined>((best, y) => (!best || y.year > best.year ? y : best), undefined);
  if (!target) return {};
  const d = target.data;
  const previous = years.find((y) => y.year === target.year - 1)?.data;
  const out: Record<string, unknown> = {};
  put(out, keys, 'year', target.year);
  put(out, keys, 'revenue', d.revenue);
  put(out, keys, 'rdExpense', d.rdExpense);
  put(out, keys, 'domesticRdExpense', d.domesticRdExpense);
  put(out, keys, 'netAssets', d.netAssets);
  put(out, keys, 'totalAssets', d.totalAssets);
  put(out, keys, 'employees', d.employees);
  put(out, keys, 'techStaff', d.techStaff);
  put(out, keys, 'highTechRevenue', d.highTechRevenue);
  if (previous) {
    if (!keys || keys.has('previous'))
      put(out, keys, 'previous', { revenue: previous.revenue, rdExpense: previous.rdExpense });
    put(out, keys, 'rdIncrease', d.rdExpense - previous.rdExpense);
    put(out, keys, 'rdGrowth', previous.rdExpense > 0 ? ratio(d.rdExpense, previous.rdExpense) : undefined);
    put(out, keys, 'revenueGrowth', previous.revenue > 0 ? ratio(d.revenue, previous.revenue) : undefined);
  }
  return out;
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
