import { budgetProblems, triggerFits, validateProgrammeSpec, type ProgrammeSpec } from './programme.rules';

const base: ProgrammeSpec = {
  code: 'x',
  period: 2026,
  districts: null,
  trigger: { event: 'manual' },
  rule: true,
  amount: { fixed: 100 },
  budget: 1000,
};

describe('validateProgrammeSpec', () => {
  it('needs either a fixed amount or a formula with a cap', () => {
    expect(validateProgrammeSpec(base)).toEqual([]);
    expect(validateProgrammeSpec({ ...base, amount: {} as never })[0].field).toBe('amount');
    expect(validateProgrammeSpec({ ...base, amount: { fixed: 1, formula: 1 } as never })[0].field).toBe('amount');
    expect(validateProgrammeSpec({ ...base, amount: { formula: 5 } as never })[0].field).toBe('amount.cap');
    expect(validateProgrammeSpec({ ...base, amount: { fixed: 1, cap: 5 } as never })[0].field).toBe('amount.cap');
  });

  it('keeps every amount of a programme that runs within its budget (a simulation may show one that does not)', () => {
    expect(budgetProblems(base)).toEqual([]);
    expect(validateProgrammeSpec({ ...base, amount: { fixed: 5000 } })).toEqual([]);
    expect(budgetProblems({ ...base, amount: { fixed: 5000 } })[0].field).toBe('amount.fixed');
    expect(budgetProblems({ ...base, amount: { formula: 1, cap: 1000 } })).toEqual([]);
    expect(budgetProblems({ ...base, amount: { formula: 1, cap: 1001 } })[0].field).toBe('amount.cap');
  });

  it('a recognition kind belongs to tier.recognised only', () => {
    expect(validateProgrammeSpec({ ...base, trigger: { event: 'manual', kind: 'first' } })[0].field).toBe(
      'trigger.kind',
    );
  });
});

describe('triggerFits', () => {
  it('matches the event type and, for recognitions, the kind (null: either)', () => {
    expect(triggerFits({ event: 'tier.recognised', kind: 'first' }, 'tier.recognised', 'first')).toBe(true);
    expect(triggerFits({ event: 'tier.recognised', kind: 'first' }, 'tier.recognised', 'renewal')).toBe(false);
    expect(triggerFits({ event: 'tier.recognised', kind: null }, 'tier.recognised', 'renewal')).toBe(true);
    expect(triggerFits({ event: 'indicators.filed' }, 'tier.recognised', 'first')).toBe(false);
  });
});
