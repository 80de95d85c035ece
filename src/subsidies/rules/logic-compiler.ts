/**
 * JSON Logic compiled once into closures, so a batch or a simulation over 100,000 enterprises does not walk the rule
 * object (operator lookup, argument arrays, dotted names split again) for every enterprise. The result is exactly
 * `jsonLogic.apply(logic, data)` of json-logic-js 2.0.5: the same loose comparisons, the same `parseFloat` in `+` and
 * `*`, the same truthiness, the same `var` walk. Operators written here are the common ones of ALLOWED_OPERATORS with
 * their usual shapes; anything else (`missing`, `missing_some`, an unknown operator, an unusual `var`) is handed to
 * json-logic-js itself for that part of the logic, so nothing is guessed. Pure; logic-compiler.spec.ts compares both
 * on random logic and data.
 */
import jsonLogic from 'json-logic-js';

export type CompiledLogic = (data: unknown) => unknown;

const truthy = (value: unknown) => !(Array.isArray(value) && value.length === 0) && !!value;

const isLogic = (node: unknown): node is Record<string, unknown> =>
  typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;

/** Operators that take their evaluated arguments; the value is computed as json-logic-js's own `operations` do. */
const EAGER: Record<string, (args: unknown[]) => unknown> = {
  '==': (a) => a[0] == a[1],
  '===': (a) => a[0] === a[1],
  '!=': (a) => a[0] != a[1],
  '!==': (a) => a[0] !== a[1],
  '>': (a) => (a[0] as number) > (a[1] as number),
  '>=': (a) => (a[0] as number) >= (a[1] as number),
  '<': (a) =>
    a[2] === undefined
      ? (a[0] as number) < (a[1] as number)
      : (a[0] as number) < (a[1] as number) && (a[1] as number) < (a[2] as number),
  '<=': (a) =>
    a[2] === undefined
      ? (a[0] as number) <= (a[1] as number)
      : (a[0] as number) <= (a[1] as number) && (a[1] as number) <= (a[2] as number),
  '!!': (a) => truthy(a[0]),
  '!': (a) => !truthy(a[0]),
  '%': (a) => (a[0] as number) % (a[1] as number),
  '/': (a) => (a[0] as number) / (a[1] as number),
  '-': (a) => (a[1] === undefined ? -(a[0] as number) : (a[0] as number) - (a[1] as number)),
  '+': (a) => {
    let sum: unknown = 0;
    for (const value of a) sum = parseFloat(sum as string) + parseFloat(value as string);
    return sum;
  },
  min: (a) => Math.min(...(a as number[])),
  max: (a) => Math.max(...(a as number[])),
  in: (a) => {
    const b = a[1] as { indexOf?: (x: unknown) => number } | null | undefined;
    if (!b || typeof b.indexOf === 'undefined') return false;
    return b.indexOf(a[0]) !== -1;
  },
  cat: (a) => a.join(''),
};

/** The same operators called with exactly two arguments, without building an argument list. */
const BINARY: Record<string, (a: any, b: any) => unknown> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '%': (a, b) => a % b,
  '/': (a, b) => a / b,
  '-': (a, b) => (b === undefined ? -a : a - b),
  '*': (a, b) => parseFloat(a) * parseFloat(b),
  '!!': (a) => truthy(a),
  '!': (a) => !truthy(a),
};

/** `*` reduces without an initial value: one argument comes back as it is; none is json-logic-js's own error. */
function multiply(a: unknown[]): unknown {
  let product = a[0];
  for (let i = 1; i < a.length; i++) product = parseFloat(product as string) * parseFloat(a[i] as string);
  return product;
}

/** `var` with a literal name: the dotted walk of json-logic-js, with the name split once. */
function compileVar(name: string | number, fallback: unknown): CompiledLogic {
  const notFound = fallback === undefined ? null : fallback;
  const path = String(name).split('.');
  if (path.length === 1) {
    const key = path[0];
    return (data) => {
      if (data === null || data === undefined) return notFound;
      const value = (data as Record<string, unknown>)[key];
      return value === undefined ? notFound : value;
    };
  }
  return (data) => {
    let value = data;
    for (const key of path) {
      if (value === null || value === undefined) return notFound;
      value = (value as Record<string, unknown>)[key];
      if (value === undefined) return notFound;
    }
    return value;
  };
}

const fallbackTo =
  (logic: unknown): CompiledLogic =>
  (data) =>
    jsonLogic.apply(logic as never, data as never);

export function compileLogic(logic: unknown): CompiledLogic {
  if (Array.isArray(logic)) {
    const items = logic.map(compileLogic);
    return (data) => items.map((item) => item(data));
  }
  if (!isLogic(logic)) return () => logic;
  const op = Object.keys(logic)[0];
  const raw = logic[op];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];

  if (op === 'var') {
    const [name, fallback] = values;
    const literal = (v: unknown) => v === null || v === undefined || typeof v !== 'object';
    // An empty name returns the data itself, and a computed name or default needs evaluating: json-logic-js does it.
    if ((typeof name === 'string' && name !== '') || typeof name === 'number')
      if (values.length <= 2 && literal(fallback)) return compileVar(name, fallback);
    return fallbackTo(logic);
  }
  const args = values.map(compileLogic);
  if (op === 'and' || op === 'or') {
    const wantTruthy = op === 'or';
    return (data) => {
      let current: unknown;
      for (const arg of args) {
        current = arg(data);
        if (truthy(current) === wantTruthy) return current;
      }
      return current;
    };
  }
  if (op === 'if') {
    return (data) => {
      let i = 0;
      for (; i < args.length - 1; i += 2) if (truthy(args[i](data))) return args[i + 1](data);
      return args.length === i + 1 ? args[i](data) : null;
    };
  }
  const apply = op === '*' && args.length > 0 ? multiply : Object.hasOwn(EAGER, op) ? EAGER[op] : null;
  if (!apply) return fallbackTo(logic);
  if (args.length === 2) {
    const [first, second] = args;
    const binary = Object.hasOwn(BINARY, op) ? BINARY[op] : null;
    if (binary) return (data) => binary(first(data), second(data));
    return (data) => apply([first(data), second(data)]);
  }
  return (data) => apply(args.map((arg) => arg(data)));
}
