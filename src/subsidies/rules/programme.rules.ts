/**
 * A programme as data (DOMAIN.md section 8): when it is looked at (trigger), who qualifies (rule), how much (amount),
 * where (districts) and for which period. Pure: validation and compilation of the stored definition.
 */
import { FACTS_BY_NAME, TRIGGER_EVENTS, type FactSource, type TriggerEvent } from './fact-vocabulary';
import { checkLogic, LogicProblem, sourcesOf } from './rule-check';
import { planProgramme, type RulePlan } from './rule-evaluation';

/** JSON Logic: any JSON value (a literal, or an object with one operator). */
export type Logic = any;

export type RecognitionKind = 'first' | 'renewal';

export interface TriggerSpec {
  event: TriggerEvent;
  /** For `tier.recognised`: first recognition, re-recognition, or either when null. */
  kind?: RecognitionKind | null;
}

/** A fixed sum, or a JSON Logic formula over the facts, rounded down to whole yuan and capped. */
export type AmountSpec =
  { fixed: number; formula?: undefined; cap?: undefined } | { fixed?: undefined; formula: Logic; cap: number };

export interface ProgrammeSpec {
  code: string;
  period: number;
  /** Districts the programme pays in; null or empty: every district of the region. */
  districts: string[] | null;
  trigger: TriggerSpec;
  rule: Logic;
  amount: AmountSpec;
  budget: number;
}

export interface CompiledProgramme {
  code: string;
  period: number;
  trigger: TriggerSpec;
  /** The rule with the district scope in front, so the trace shows "district in scope" as a condition. */
  rule: Logic;
  amount: AmountSpec;
  /** Facts the rule and the formula read. */
  facts: string[];
  sources: Set<FactSource>;
  /**
   * Keys of the stored filings the facts need, when only indicator facts are read (the loader then reads just those);
   * null when whole filings are needed (grading facts) or none at all.
   */
  dataKeys: string[] | null;
  /** The rule and formula prepared for evaluation (rule-evaluation.ts). */
  plan: RulePlan;
}

export const PROGRAMME_CODE = /^[a-z][a-z0-9_]{1,59}$/;

/** Everything wrong with a definition, each naming its field (`rule`, `amount.formula`, `trigger.kind` …). */
export function validateProgrammeSpec(spec: ProgrammeSpec): LogicProblem[] {
  const problems: LogicProblem[] = [];
  if (!TRIGGER_EVENTS.includes(spec.trigger.event))
    problems.push({ field: 'trigger.event', reason: `trigger.event must be one of ${TRIGGER_EVENTS.join(', ')}` });
  if (spec.trigger.kind && spec.trigger.event !== 'tier.recognised')
    problems.push({ field: 'trigger.kind', reason: 'trigger.kind applies to tier.recognised only' });
  const trigger = TRIGGER_EVENTS.includes(spec.trigger.event) ? spec.trigger.event : 'manual';
  problems.push(...checkLogic(spec.rule, 'rule', trigger).problems);
  const { fixed, formula, cap } = spec.amount ?? {};
  if ((fixed === undefined) === (formula === undefined))
    problems.push({ field: 'amount', reason: 'amount must have either fixed or formula (with cap)' });
  else if (formula !== undefined) {
    problems.push(...checkLogic(formula, 'amount.formula', trigger).problems);
    if (cap === undefined) problems.push({ field: 'amount.cap', reason: 'a formula needs a cap (whole yuan)' });
  } else if (cap !== undefined) problems.push({ field: 'amount.cap', reason: 'cap applies to a formula only' });
  return problems;
}

/**
 * What a programme that runs must also meet (a simulation may not, to show a budget that is too small): no amount
 * above the budget. Such a grant could never be paid, and at the head of the waitlist it would hold back every grant
 * behind it for good (promotion keeps queue order).
 */
export function budgetProblems(spec: ProgrammeSpec): LogicProblem[] {
  const { fixed, formula, cap } = spec.amount ?? {};
  const problems: LogicProblem[] = [];
  if (fixed !== undefined && fixed > spec.budget)
    problems.push({ field: 'amount.fixed', reason: 'amount.fixed must not exceed the budget' });
  if (formula !== undefined && cap !== undefined && cap > spec.budget)
    problems.push({ field: 'amount.cap', reason: 'amount.cap must not exceed the budget' });
  return problems;
}

/** Compiles a valid definition for evaluation (call validateProgrammeSpec first). */
export function compileProgramme(spec: ProgrammeSpec): CompiledProgramme {
  const trigger = spec.trigger.event;
  const facts = new Set(checkLogic(spec.rule, 'rule', trigger).facts);
  if (spec.amount.formula !== undefined)
    for (const f of checkLogic(spec.amount.formula, 'amount.formula', trigger).facts) facts.add(f);
  const districts = spec.districts?.length ? [...spec.districts] : null;
  if (districts) facts.add('enterprise.district');
  const scope = districts ? { in: [{ var: 'enterprise.district' }, districts] } : null;
  const rule = scope ? { and: [scope, spec.rule] } : spec.rule;
  const plan = planProgramme(rule, spec.amount);
  // The facts built for an enterprise are these (programme-facts.ts), so every fact the plan reads is among them.
  for (const r of plan.facts) facts.add(r.name);
  const sources = sourcesOf([...facts]);
  const dataKeys =
    sources.has('indicators') && !sources.has('grading')
      ? [...new Set([...facts].flatMap((f) => FACTS_BY_NAME.get(f)?.dataKeys ?? []))].sort()
      : null;
  return {
    code: spec.code,
    period: spec.period,
    trigger: { event: trigger, kind: spec.trigger.kind ?? null },
    rule,
    amount: spec.amount,
    facts: [...facts].sort(),
    sources,
    dataKeys,
    plan,
  };
}

/** Whether an event of this type (and recognition kind) is one the programme looks at. */
export function triggerFits(trigger: TriggerSpec, type: TriggerEvent, kind?: RecognitionKind | null): boolean {
  if (trigger.event !== type) return false;
  return type !== 'tier.recognised' || !trigger.kind || trigger.kind === kind;
}
