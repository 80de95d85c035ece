/**
 * Checks a programme's JSON Logic (eligibility rule or amount formula) before it is saved: only the operators of
 * ALLOWED_OPERATORS, only facts of FACT_VOCABULARY named literally, and only facts the programme's trigger provides.
 * Pure: returns the problems (each naming the field and where in the logic) and the facts the logic reads.
 */
import { ALLOWED_OPERATORS, FACTS_BY_NAME, type FactSource, type TriggerEvent } from './fact-vocabulary';

export interface LogicProblem {
  field: string;
  reason: string;
}

export interface LogicCheck {
  problems: LogicProblem[];
  /** Every fact the logic reads (sorted, without duplicates). */
  facts: string[];
}

/** Deeper logic than this is refused (a rule is a handful of conditions, not a program). */
export const MAX_DEPTH = 24;
/** Largest rule or formula accepted, as JSON. */
export const MAX_LOGIC_BYTES = 16 * 1024;

const OPERATORS = new Set(ALLOWED_OPERATORS);

/**
 * The fewest arguments an operator computes with: JSON Logic answers fewer with an exception (`*` and `+` of
 * nothing), NaN or Infinity (`min` of nothing), which would surface as a failed run, not as an answer.
 */
const MIN_ARGUMENTS: Record<string, number> = {
  if: 1,
  '==': 2,
  '===': 2,
  '!=': 2,
  '!==': 2,
  '>': 2,
  '>=': 2,
  '<': 2,
  '<=': 2,
  max: 1,
  min: 1,
  '+': 1,
  '-': 1,
  '*': 1,
  '/': 2,
  '%': 2,
  in: 2,
  and: 1,
  or: 1,
};

export function checkLogic(logic: unknown, field: string, trigger: TriggerEvent): LogicCheck {
  const problems: LogicProblem[] = [];
  const facts = new Set<string>();
  const problem = (path: string, reason: string) => problems.push({ field, reason: `${reason} (at ${path})` });

  const checkFact = (name: unknown, path: string) => {
    if (typeof name !== 'string' || !name) {
      problem(path, 'a fact must be named by a non-empty string');
      return;
    }
    const fact = FACTS_BY_NAME.get(name);
    if (!fact) {
      problem(path, `unknown fact "${name}"; GET /api/programmes/facts lists them`);
      return;
    }
    if (fact.triggers && !fact.triggers.includes(trigger)) {
      problem(path, `fact "${name}" is not available for trigger ${trigger} (only ${fact.triggers.join(', ')})`);
      return;
    }
    facts.add(name);
  };

  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      problem(path, `logic is nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) problem(path, 'numbers must be finite');
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}.${i}`, depth + 1));
      return;
    }
    if (typeof node !== 'object') {
      problem(path, `unsupported value of type ${typeof node}`);
      return;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      problem(path, `an operation is an object with exactly one operator, not ${keys.length} keys`);
      return;
    }
    const op = keys[0];
    const args = (node as Record<string, unknown>)[op];
    const at = `${path}.${op}`;
    if (!OPERATORS.has(op)) {
      problem(at, `unknown operator "${op}"; allowed: ${ALLOWED_OPERATORS.join(' ')}`);
      return;
    }
    if (op === 'var') {
      const [name, fallback, ...rest] = Array.isArray(args) ? args : [args];
      if (rest.length) problem(at, 'var takes a fact name and an optional default');
      checkFact(name, at);
      if (fallback !== null && typeof fallback === 'object') problem(at, 'the default of var must be a plain value');
      return;
    }
    if (op === 'missing') {
      for (const [i, name] of (Array.isArray(args) ? args : [args]).entries()) checkFact(name, `${at}.${i}`);
      return;
    }
    if (op === 'missing_some') {
      const [need, names] = Array.isArray(args) ? args : [];
      if (typeof need !== 'number' || !Array.isArray(names)) {
        problem(at, 'missing_some takes [count, [fact names]]');
        return;
      }
      names.forEach((name, i) => checkFact(name, `${at}.1.${i}`));
      return;
    }
    const given = Array.isArray(args) ? args.length : 1;
    const needed = MIN_ARGUMENTS[op] ?? 0;
    if (given < needed) problem(at, `${op} needs at least ${needed} argument${needed > 1 ? 's' : ''}, not ${given}`);
    walk(args, at, depth + 1);
  };

  let size = 0;
  try {
    size = JSON.stringify(logic ?? null).length;
  } catch {
    problems.push({ field, reason: 'must be JSON' });
    return { problems, facts: [] };
  }
  if (logic === undefined) problems.push({ field, reason: `${field} is required` });
  else if (size > MAX_LOGIC_BYTES) problems.push({ field, reason: `must be at most ${MAX_LOGIC_BYTES} bytes of JSON` });
  else walk(logic, field, 0);
  return { problems, facts: [...facts].sort() };
}

/** The sources the loader must read for these facts (the registry row is always read). */
export function sourcesOf(facts: readonly string[]): Set<FactSource> {
  const sources = new Set<FactSource>(['enterprise', 'event']);
  for (const name of facts) {
    const fact = FACTS_BY_NAME.get(name);
    if (fact) sources.add(fact.source);
  }
  return sources;
}
