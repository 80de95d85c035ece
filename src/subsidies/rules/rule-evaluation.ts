/**
 * Evaluates a compiled programme against one enterprise's facts, in three values: a condition holds, fails, or is
 * unknown because a fact it reads is absent. `and`, `or` and `!` combine them (Kleene logic), so a rule that fails on
 * the facts present is a plain no, and only a rule that could still hold becomes `needs_data` (快申快享: ask, do not
 * guess). Every leaf condition is recorded with the facts it read and whether it held: the grant's "why".
 * Pure: JSON Logic over plain objects. The rule is planned once per programme version (the connectives, each leaf's
 * facts with their paths split, each leaf and the formula compiled to a closure by logic-compiler.ts, which gives what
 * json-logic-js gives), so a batch or a simulation pays for neither the walk of the rule object nor the planning.
 */
import { compileLogic, type CompiledLogic } from './logic-compiler';
import type { AmountSpec, CompiledProgramme, Logic } from './programme.rules';

export type Facts = Record<string, unknown>;

export interface ConditionTrace {
  condition: Logic;
  /** true, false, or null when a fact it needs is absent. */
  held: boolean | null;
  facts: Record<string, any>;
  missing?: string[];
}

export interface RuleResult {
  held: boolean | null;
  conditions: ConditionTrace[];
  missing: string[];
}

export type Outcome = 'match' | 'needs_data' | 'no_match';

export interface Decision {
  outcome: Outcome;
  /** Whole yuan; null when the formula needs an absent fact. */
  amount: number | null;
  /** Leaf conditions with the facts they read (empty when decided without a trace). */
  conditions: ConditionTrace[];
  /** Absent facts that stop a decision (needs_data), sorted. */
  missing: string[];
  /** Every fact the rule and formula read, with its value (null when absent); empty without a trace. */
  factsRead: Record<string, any>;
  reason: 'rule_held' | 'rule_failed' | 'facts_missing' | 'zero_amount';
  /** Formula value before rounding and the cap, when a formula was evaluated. */
  formulaValue?: number;
  capped?: boolean;
}

/** A fact a piece of logic reads; one with a default (or under `missing`) never makes it unknown. */
export interface FactRef {
  name: string;
  path: string[];
  optional: boolean;
}

export type RuleNode =
  | { kind: 'and' | 'or'; children: RuleNode[] }
  | { kind: 'not'; child: RuleNode }
  | { kind: 'leaf'; logic: Logic; refs: FactRef[]; test: CompiledLogic };

export interface RulePlan {
  rule: RuleNode;
  formula: FactRef[];
  /** The amount formula compiled (null for a fixed amount). */
  amount: CompiledLogic | null;
  /** Every fact read by the rule and the formula, once each, sorted by name. */
  facts: FactRef[];
}

const ref = (name: string, optional: boolean): FactRef => ({ name, path: name.split('.'), optional });

/** JSON Logic truthiness: an empty array is false too. */
const truthy = (value: unknown) => !(Array.isArray(value) && value.length === 0) && !!value;

/** Reads a fact by its split path; null and undefined both mean absent. */
function readPath(facts: Facts, path: string[]): unknown {
  let value: unknown = facts;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

/** Reads a dotted fact name; null and undefined both mean absent. */
export const readFact = (facts: Facts, name: string) => readPath(facts, name.split('.'));

/** The facts an expression reads; `missing`/`missing_some` test absence themselves, so they read nothing required. */
function refsOf(node: unknown, out: FactRef[] = []): FactRef[] {
  if (Array.isArray(node)) {
    for (const item of node) refsOf(item, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  const [op] = Object.keys(node);
  const args = (node as Record<string, unknown>)[op];
  if (op === 'var') {
    const [name, fallback] = Array.isArray(args) ? args : [args];
    if (typeof name === 'string' && !out.some((r) => r.name === name)) out.push(ref(name, fallback !== undefined));
    return out;
  }
  if (op === 'missing' || op === 'missing_some') {
    const names = op === 'missing' ? (Array.isArray(args) ? args : [args]) : ((args as unknown[])?.[1] ?? []);
    for (const name of names as unknown[])
      if (typeof name === 'string' && !out.some((r) => r.name === name)) out.push(ref(name, true));
    return out;
  }
  return refsOf(args, out);
}

const isOperation = (node: unknown, op: string): node is Record<string, unknown> =>
  !!node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length === 1 && op in node;

const asList = (args: unknown) => (Array.isArray(args) ? args : [args]);

export function planRule(rule: Logic): RuleNode {
  if (isOperation(rule, 'and') || isOperation(rule, 'or')) {
    const kind = 'and' in rule ? 'and' : 'or';
    return { kind, children: asList(rule[kind]).map(planRule) };
  }
  if (isOperation(rule, '!')) return { kind: 'not', child: planRule(asList(rule['!'])[0]) };
  return { kind: 'leaf', logic: rule, refs: refsOf(rule), test: compileLogic(rule) };
}

export function planProgramme(rule: Logic, amount: AmountSpec): RulePlan {
  const root = planRule(rule);
  const formula = amount.formula !== undefined ? refsOf(amount.formula) : [];
  const all = new Map<string, FactRef>();
  const collect = (node: RuleNode) => {
    if (node.kind === 'leaf') node.refs.forEach((r) => all.set(r.name, r));
    else if (node.kind === 'not') collect(node.child);
    else node.children.forEach(collect);
  };
  collect(root);
  formula.forEach((r) => all.set(r.name, r));
  return {
    rule: root,
    formula,
    amount: amount.formula !== undefined ? compileLogic(amount.formula) : null,
    facts: [...all.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

interface RunState {
  trace: ConditionTrace[] | null;
  missing: string[] | null;
}

/** Evaluates a planned rule; with a trace, records every leaf with the facts it read. */
function run(node: RuleNode, facts: Facts, state: RunState): boolean | null {
  switch (node.kind) {
    case 'leaf':
      return leaf(node, facts, state);
    case 'not': {
      const value = run(node.child, facts, state);
      return value === null ? null : !value;
    }
    default: {
      let unknown = false;
      let decided = false;
      for (const child of node.children) {
        const value = run(child, facts, state);
        if (value === null) unknown = true;
        else if (value === (node.kind === 'or')) decided = true;
      }
      if (decided) return node.kind === 'or';
      return unknown ? null : node.kind === 'and';
    }
  }
}

function leaf(node: Extract<RuleNode, { kind: 'leaf' }>, facts: Facts, state: RunState): boolean | null {
  let absent: string[] | null = null;
  for (const r of node.refs) if (!r.optional && readPath(facts, r.path) === undefined) (absent ??= []).push(r.name);
  const held = absent ? null : safeTest(node, facts);
  if (absent) (state.missing ??= []).push(...absent);
  if (state.trace) {
    const read: Record<string, unknown> = {};
    for (const r of node.refs) read[r.name] = readPath(facts, r.path) ?? null;
    state.trace.push(
      absent
        ? { condition: node.logic, held, facts: read, missing: absent.sort() }
        : { condition: node.logic, held, facts: read },
    );
  }
  return held;
}

/**
 * A condition that throws on these facts (logic the save-time checks let through) does not hold: a broken rule pays
 * nothing and must not fail the run, the event's other subscribers or the other programmes matched with it.
 */
function safeTest(node: Extract<RuleNode, { kind: 'leaf' }>, facts: Facts): boolean {
  try {
    return truthy(node.test(facts));
  } catch {
    return false;
  }
}

const NONE: string[] = [];
/** The facts read of a decision without a trace (shared: nothing is recorded). */
const NOTHING_READ: Record<string, any> = Object.freeze({});

/** Evaluates the rule in three values and records each leaf condition. */
export function evaluateRule(rule: Logic | RuleNode, facts: Facts, trace = true): RuleResult {
  const node = isPlanned(rule) ? rule : planRule(rule);
  const state: RunState = { trace: trace ? [] : null, missing: null };
  const held = run(node, facts, state);
  // Facts behind unknown conditions only matter while the rule is undecided.
  const missing = held === null && state.missing ? [...new Set(state.missing)].sort() : NONE;
  return { held, conditions: state.trace ?? [], missing };
}

function isPlanned(node: unknown): node is RuleNode {
  return (
    !!node && typeof node === 'object' && 'kind' in node && ('refs' in node || 'children' in node || 'child' in node)
  );
}

export interface AmountResult {
  amount: number | null;
  missing: string[];
  formulaValue?: number;
  capped?: boolean;
}

/** Fixed, or the formula rounded down to whole yuan, never below 0, never above the cap. */
export function evaluateAmount(
  spec: AmountSpec,
  facts: Facts,
  refs: FactRef[] = refsOf(spec.formula),
  formula: CompiledLogic | null = null,
): AmountResult {
  if (spec.fixed !== undefined) return { amount: spec.fixed, missing: [] };
  let absent: string[] | null = null;
  for (const r of refs) if (!r.optional && readPath(facts, r.path) === undefined) (absent ??= []).push(r.name);
  if (absent) return { amount: null, missing: absent.sort() };
  let value: number;
  try {
    value = Number((formula ?? compileLogic(spec.formula))(facts));
  } catch {
    value = NaN; // as a formula that computes no number: amount 0 (zero_amount), never a failed run
  }
  if (!Number.isFinite(value)) return { amount: 0, missing: [], formulaValue: value };
  const whole = Math.max(0, Math.floor(value));
  return { amount: Math.min(whole, spec.cap), missing: [], formulaValue: value, capped: whole > spec.cap };
}

/**
 * The whole decision for one enterprise and one programme. Without `trace` (simulation), conditions and the facts
 * read are left empty; the outcome, amount and missing facts are the same.
 */
export function decide(programme: CompiledProgramme, facts: Facts, trace = true): Decision {
  const plan = programme.plan;
  const factsRead: Record<string, any> = trace ? {} : NOTHING_READ;
  if (trace) for (const r of plan.facts) factsRead[r.name] = readPath(facts, r.path) ?? null;
  const rule = evaluateRule(plan.rule, facts, trace);
  const decision: Decision = {
    outcome: 'no_match',
    amount: null,
    conditions: rule.conditions,
    missing: NONE,
    factsRead,
    reason: 'rule_failed',
  };
  if (rule.held === false) return decision;
  const amount = evaluateAmount(programme.amount, facts, plan.formula, plan.amount);
  decision.amount = amount.amount;
  if (amount.formulaValue !== undefined) {
    decision.formulaValue = amount.formulaValue;
    decision.capped = amount.capped;
  }
  if (rule.held === null || amount.amount === null) {
    decision.outcome = 'needs_data';
    decision.reason = 'facts_missing';
    decision.missing = amount.missing.length ? [...new Set([...rule.missing, ...amount.missing])].sort() : rule.missing;
  } else if (amount.amount <= 0) {
    decision.amount = 0;
    decision.reason = 'zero_amount';
  } else {
    decision.outcome = 'match';
    decision.reason = 'rule_held';
  }
  return decision;
}
