import jsonLogic from 'json-logic-js';
import { rng } from '../../../bench/common';
import { compileLogic } from './logic-compiler';

// Seeded (bench/common's mulberry32), so a failure names a seed that reproduces it.

const NAMES = ['a', 'b', 'n.x', 'n.y', 'n.s', 'n.list', 'n.deep.z', 'missing.q', 's', 'zero', ''];
const LITERALS: unknown[] = [
  0,
  -0,
  1,
  2.5,
  -3,
  1e21,
  20_000_000,
  '',
  '0',
  '12',
  'abc',
  'a',
  true,
  false,
  null,
  [],
  [1, 2],
  ['a', 'b'],
];
const BINARY = ['==', '===', '!=', '!==', '>', '>=', '<', '<=', '%', '/', '-', 'in'];
const VARIADIC = ['+', '*', 'min', 'max', 'cat', 'and', 'or', 'if', '<', '<=', '-', '!', '!!'];

function logic(r: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const x = r();
  if (depth <= 0 || x < 0.2) return pick(LITERALS);
  if (x < 0.45) {
    const name = pick(NAMES);
    const y = r();
    if (y < 0.5) return { var: name };
    if (y < 0.8) return { var: [name, pick(LITERALS)] };
    if (y < 0.9) return { var: [name] };
    return { var: [] };
  }
  if (x < 0.5)
    return r() < 0.5 ? { missing: [pick(NAMES), pick(NAMES)] } : { missing_some: [1, [pick(NAMES), pick(NAMES)]] };
  if (x < 0.75) return { [pick(BINARY)]: [logic(r, depth - 1), logic(r, depth - 1)] };
  const args = Array.from({ length: Math.floor(r() * 4) }, () => logic(r, depth - 1));
  const op = pick(VARIADIC);
  // A single argument may be written without the array, as JSON Logic allows.
  return { [op]: args.length === 1 && r() < 0.5 ? args[0] : args };
}

function data(r: () => number): Record<string, unknown> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const maybe = (v: unknown) => (r() < 0.25 ? undefined : v);
  return {
    a: maybe(pick(LITERALS)),
    b: maybe(Math.floor(r() * 100_000_000) - 10_000_000),
    s: maybe(pick(['abc', '', '5', 'a'])),
    zero: 0,
    n: maybe({
      x: maybe(pick(LITERALS)),
      y: maybe(r() * 10),
      s: 'str',
      list: ['a', 1, 'b'],
      deep: maybe({ z: maybe(7) }),
    }),
  };
}

type Result = { value: unknown } | { error: string };

function run(f: () => unknown): Result {
  try {
    return { value: f() };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

describe('compileLogic gives what json-logic-js gives', () => {
  it('on 20,000 random rules and fact sets (loose comparisons, parseFloat, truthiness, var defaults, fallbacks)', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const r = rng(seed);
      const rule = logic(r, 4);
      const compiled = compileLogic(rule);
      for (let k = 0; k < 3; k++) {
        const facts = data(r);
        const expected = run(() => jsonLogic.apply(rule as never, facts as never));
        const actual = run(() => compiled(facts));
        if ('error' in expected) {
          expect({ seed, rule, facts, result: actual }).toEqual({ seed, rule, facts, result: expected });
          continue;
        }
        // Object.is keeps NaN and -0 apart from 0, as a formula result would be.
        const same =
          'value' in actual &&
          (Object.is(actual.value, expected.value) ||
            (typeof expected.value === 'object' && JSON.stringify(actual.value) === JSON.stringify(expected.value)));
        if (!same) expect({ seed, rule, facts, result: actual }).toEqual({ seed, rule, facts, result: expected });
      }
    }
  });

  it('the default programmes and the usual shapes', () => {
    const facts = { indicators: { revenue: 30_000_000, rdIncrease: 900_018, previous: { rdExpense: 5_132_591 } } };
    const rule = {
      and: [
        { '>=': [{ var: 'indicators.revenue' }, 20_000_000] },
        {
          '>=': [
            { '*': [{ var: 'indicators.rdIncrease' }, 100] },
            { '*': [{ var: 'indicators.previous.rdExpense' }, 8] },
          ],
        },
      ],
    };
    expect(compileLogic(rule)(facts)).toBe(true);
    expect(compileLogic({ '/': [{ var: 'indicators.rdIncrease' }, 100] })(facts)).toBe(9000.18);
    expect(compileLogic({ in: [{ var: 'd' }, ['思明区', '湖里区']] })({ d: '湖里区' })).toBe(true);
    expect(compileLogic({ if: [{ var: 'x' }, 'yes', 'no'] })({ x: [] })).toBe('no');
    expect(compileLogic({ var: ['a.b', 5] })({ a: null })).toBe(5);
    expect(() => compileLogic({ nope: [1] })({})).toThrow('Unrecognized operation nope');
  });
});
