import { FACT_VOCABULARY } from './fact-vocabulary';
import { checkLogic, sourcesOf } from './rule-check';

describe('checkLogic', () => {
  it('accepts allowed operators over known facts and lists the facts read', () => {
    const rule = {
      and: [
        { '>=': [{ var: 'indicators.revenue' }, 20_000_000] },
        { in: [{ var: 'enterprise.district' }, ['思明区', '湖里区']] },
        { '!': { var: ['grading.majorViolation', false] } },
        { missing: ['grading.ipClassI'] },
      ],
    };
    expect(checkLogic(rule, 'rule', 'manual')).toEqual({
      problems: [],
      facts: ['enterprise.district', 'grading.ipClassI', 'grading.majorViolation', 'indicators.revenue'],
    });
    expect(checkLogic(true, 'rule', 'manual').problems).toEqual([]);
  });

  it('names the field and the place of an unknown operator or fact', () => {
    const { problems } = checkLogic(
      { and: [{ foo: [1] }, { '==': [{ var: 'enterprise.profit' }, 1] }] },
      'rule',
      'manual',
    );
    expect(problems).toEqual([
      { field: 'rule', reason: expect.stringMatching(/unknown operator "foo".*at rule\.and\.0\.foo/) },
      {
        field: 'rule',
        reason: expect.stringMatching(/unknown fact "enterprise\.profit".*at rule\.and\.1\.==\.0\.var/),
      },
    ]);
  });

  it('refuses operators that read array elements, computed fact names and objects of several keys', () => {
    expect(
      checkLogic({ some: [{ var: 'priorGrants.codes' }, { '==': [{ var: '' }, 'x'] }] }, 'rule', 'manual').problems[0]
        .reason,
    ).toContain('unknown operator "some"');
    expect(checkLogic({ var: { cat: ['grading.', 'revenue'] } }, 'amount.formula', 'manual').problems[0]).toMatchObject(
      {
        field: 'amount.formula',
        reason: expect.stringContaining('non-empty string'),
      },
    );
    expect(checkLogic({ and: [true], or: [true] }, 'rule', 'manual').problems[0].reason).toContain(
      'exactly one operator',
    );
    expect(checkLogic({ log: 1 }, 'rule', 'manual').problems).toHaveLength(1);
  });

  it('refuses an operator given fewer arguments than it computes with', () => {
    expect(checkLogic({ '*': [] }, 'amount.formula', 'manual').problems).toEqual([
      { field: 'amount.formula', reason: '* needs at least 1 argument, not 0 (at amount.formula.*)' },
    ]);
    expect(checkLogic({ '<': [{ '+': [] }, 1] }, 'rule', 'manual').problems[0].reason).toContain('+ needs');
    expect(checkLogic({ '<': [1] }, 'rule', 'manual').problems[0].reason).toContain('< needs at least 2');
    expect(checkLogic({ '!': false }, 'rule', 'manual').problems).toEqual([]);
    expect(checkLogic({ '-': 5 }, 'amount.formula', 'manual').problems).toEqual([]);
  });

  it('refuses event facts the trigger does not provide', () => {
    const rule = { '==': [{ var: 'event.kind' }, 'first'] };
    expect(checkLogic(rule, 'rule', 'tier.recognised').problems).toEqual([]);
    expect(checkLogic(rule, 'rule', 'indicators.filed').problems[0].reason).toContain('not available for trigger');
  });

  it('bounds depth and size', () => {
    let deep: unknown = true;
    for (let i = 0; i < 40; i++) deep = { '!': [deep] };
    expect(checkLogic(deep, 'rule', 'manual').problems[0].reason).toContain('nested deeper');
    expect(checkLogic({ cat: ['x'.repeat(20_000)] }, 'rule', 'manual').problems[0].reason).toContain('bytes');
    expect(checkLogic(undefined, 'rule', 'manual').problems[0].reason).toContain('required');
  });

  it('every fact has a source, a type and a description; sources follow the facts', () => {
    for (const f of FACT_VOCABULARY) expect(f.description.length).toBeGreaterThan(5);
    expect(new Set(FACT_VOCABULARY.map((f) => f.name)).size).toBe(FACT_VOCABULARY.length);
    expect([...sourcesOf(['grading.revenue', 'priorGrants.count'])].sort()).toEqual([
      'enterprise',
      'event',
      'grading',
      'grants',
    ]);
  });
});
