import { compileProgramme, type ProgrammeSpec } from './programme.rules';
import { decide, evaluateAmount, evaluateRule, readFact } from './rule-evaluation';

const spec = (over: Partial<ProgrammeSpec>): ProgrammeSpec => ({
  code: 'p',
  period: 2026,
  districts: null,
  trigger: { event: 'manual' },
  rule: true,
  amount: { fixed: 1000 },
  budget: 1_000_000,
  ...over,
});

describe('evaluateRule (three values)', () => {
  const facts = { a: { x: 5, y: null }, b: { flag: false } };

  it('reads dotted facts; null counts as absent', () => {
    expect(readFact(facts, 'a.x')).toBe(5);
    expect(readFact(facts, 'a.y')).toBeUndefined();
    expect(readFact(facts, 'a.x.z')).toBeUndefined();
  });

  it('a failed condition decides an `and` even when another is unknown; an unknown one keeps it open', () => {
    const failing = evaluateRule({ and: [{ '>': [{ var: 'a.x' }, 10] }, { '>': [{ var: 'a.y' }, 1] }] }, facts);
    expect(failing).toMatchObject({ held: false, missing: [] });
    expect(failing.conditions.map((c) => c.held)).toEqual([false, null]);
    const open = evaluateRule({ and: [{ '>': [{ var: 'a.x' }, 1] }, { '>': [{ var: 'a.y' }, 1] }] }, facts);
    expect(open).toMatchObject({ held: null, missing: ['a.y'] });
    expect(open.conditions[1]).toMatchObject({ held: null, facts: { 'a.y': null }, missing: ['a.y'] });
  });

  it('`or` holds on any held branch; `!` flips; defaults and `missing` never make a condition unknown', () => {
    expect(evaluateRule({ or: [{ var: 'a.y' }, { '==': [{ var: 'a.x' }, 5] }] }, facts).held).toBe(true);
    expect(evaluateRule({ or: [{ var: 'a.y' }, { var: 'b.flag' }] }, facts).held).toBe(null);
    expect(evaluateRule({ '!': [{ var: 'b.flag' }] }, facts).held).toBe(true);
    expect(evaluateRule({ '==': [{ var: ['a.z', 3] }, 3] }, facts).held).toBe(true);
    expect(evaluateRule({ missing: ['a.y'] }, facts).held).toBe(true);
  });
});

describe('evaluateAmount', () => {
  it('rounds a formula down to whole yuan, never below 0, and caps it', () => {
    const amount = { formula: { '/': [{ var: 'v' }, 100] }, cap: 2_000_000 };
    expect(evaluateAmount(amount, { v: 123_456_789 })).toMatchObject({ amount: 1_234_567, capped: false });
    expect(evaluateAmount(amount, { v: 300_000_000 })).toMatchObject({ amount: 2_000_000, capped: true });
    expect(evaluateAmount(amount, { v: -500 })).toMatchObject({ amount: 0 });
    expect(evaluateAmount(amount, {})).toEqual({ amount: null, missing: ['v'] });
    expect(evaluateAmount({ fixed: 300_000 }, {})).toEqual({ amount: 300_000, missing: [] });
  });

  it('pays nothing for logic that throws, instead of failing the run', () => {
    // Refused when saved (checkLogic); a programme stored before that check must still not break matching.
    expect(evaluateAmount({ formula: { '*': [] }, cap: 100 }, {})).toMatchObject({ amount: 0 });
    expect(evaluateRule({ '<': [{ '*': [] }, 1] }, {}).held).toBe(false);
  });
});

describe('decide', () => {
  const facts = { enterprise: { district: '思明区', tier: 'startup' }, indicators: { revenue: 30_000_000 } };

  it('a district scope is the first condition', () => {
    const p = compileProgramme(
      spec({ districts: ['湖里区'], rule: { '==': [{ var: 'enterprise.tier' }, 'startup'] } }),
    );
    const d = decide(p, facts);
    expect(d).toMatchObject({ outcome: 'no_match', reason: 'rule_failed' });
    expect(d.conditions[0]).toMatchObject({ held: false, facts: { 'enterprise.district': '思明区' } });
    expect(d.factsRead).toEqual({ 'enterprise.district': '思明区', 'enterprise.tier': 'startup' });
  });

  it('matches with the amount; needs data when the rule or formula lacks a fact; zero pays nothing', () => {
    expect(decide(compileProgramme(spec({})), facts)).toMatchObject({ outcome: 'match', amount: 1000 });
    const needs = decide(compileProgramme(spec({ rule: { '>=': [{ var: 'indicators.rdExpense' }, 1] } })), facts);
    expect(needs).toMatchObject({ outcome: 'needs_data', amount: 1000, missing: ['indicators.rdExpense'] });
    const formula = decide(
      compileProgramme(spec({ amount: { formula: { '*': [{ var: 'indicators.rdIncrease' }, 1] }, cap: 10 } })),
      facts,
    );
    expect(formula).toMatchObject({ outcome: 'needs_data', amount: null, missing: ['indicators.rdIncrease'] });
    const zero = decide(compileProgramme(spec({ amount: { formula: { '-': [0, 5] }, cap: 10 } })), facts);
    expect(zero).toMatchObject({ outcome: 'no_match', reason: 'zero_amount', amount: 0 });
  });
});
