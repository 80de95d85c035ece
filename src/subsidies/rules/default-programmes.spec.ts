import { DEFAULT_BUDGET, DEFAULT_PROGRAMMES } from './default-programmes';
import { buildFacts, type TriggerFacts } from './programme-facts';
import { compileProgramme, triggerFits, validateProgrammeSpec, type ProgrammeSpec } from './programme.rules';
import { decide } from './rule-evaluation';

const enterprise = {
  id: 'e',
  district: '思明区',
  state: 'startup',
  colour: 'red',
  registeredOn: '2019-04-01',
  techSmeScore: 74,
};
const spec = (code: string): ProgrammeSpec => {
  const d = DEFAULT_PROGRAMMES.find((p) => p.code === code)!;
  return {
    code,
    period: 2026,
    districts: null,
    trigger: d.trigger,
    rule: d.rule,
    amount: d.amount,
    budget: DEFAULT_BUDGET,
  };
};
const recognised = (tier: string, kind: 'first' | 'renewal'): TriggerFacts => ({
  type: 'tier.recognised',
  year: 2026,
  date: '2026-05-01',
  tier,
  kind,
  issuedOn: '2026-05-01',
});

/** The outcome of a default programme for an event, or null when its trigger does not even look at the event. */
function outcome(code: string, trigger: TriggerFacts, years?: { year: number; rd: number; revenue?: number }[]) {
  const s = spec(code);
  if (!triggerFits(s.trigger, trigger.type, trigger.kind)) return null;
  const data = (y: { rd: number; revenue?: number }) => ({
    employees: 100,
    techStaff: 20,
    totalAssets: 1,
    totalLiabilities: 0,
    totalCosts: 1,
    revenue: y.revenue ?? 42_000_000,
    rdExpense: y.rd,
    domesticRdExpense: 0,
    netAssets: 1,
    ip: { classI: 0, classII: 0 },
    supportedField: true,
  });
  const inputs = { enterprise, years: years?.map((y) => ({ year: y.year, data: data(y) as never })) };
  const d = decide(compileProgramme(s), buildFacts(inputs, trigger, s));
  return d.outcome === 'match' ? d.amount : d.outcome;
}

describe('the four default programmes (DOMAIN.md section 8)', () => {
  it('are valid programmes', () => {
    for (const p of DEFAULT_PROGRAMMES) expect(validateProgrammeSpec(spec(p.code))).toEqual([]);
  });

  it('pay first high-tech recognition 300,000 and re-recognition 100,000', () => {
    expect(outcome('high_tech_first', recognised('high_tech', 'first'))).toBe(300_000);
    expect(outcome('high_tech_first', recognised('high_tech', 'renewal'))).toBeNull();
    expect(outcome('high_tech_first', recognised('tech_sme', 'first'))).toBe('no_match');
    expect(outcome('high_tech_renewal', recognised('high_tech', 'renewal'))).toBe(100_000);
    expect(outcome('high_tech_renewal', recognised('leader', 'renewal'))).toBe('no_match');
  });

  it('pay a first tech SME entry 10,000, not a renewal', () => {
    expect(outcome('tech_sme_new', recognised('tech_sme', 'first'))).toBe(10_000);
    expect(outcome('tech_sme_new', recognised('tech_sme', 'renewal'))).toBeNull();
  });

  it('rd_growth: revenue >= 20,000,000 and growth >= 8% exactly; 1% of the increase, capped at 2,000,000', () => {
    const filed: TriggerFacts = { type: 'indicators.filed', year: 2026, date: '2026-11-21' };
    const run = (before: number, now: number, revenue?: number) =>
      outcome('rd_growth', filed, [
        { year: 2025, rd: before },
        { year: 2026, rd: now, revenue },
      ]);
    expect(run(1_000_000, 1_080_000)).toBe(800);
    expect(run(1_000_000, 1_079_999)).toBe('no_match');
    expect(run(1_000_000, 1_500_000, 19_999_999)).toBe('no_match');
    expect(run(1_000_000, 1_500_000, 20_000_000)).toBe(5_000);
    expect(run(1_000_000, 400_000_000)).toBe(2_000_000);
    expect(run(0, 150)).toBe(1);
    expect(run(0, 0)).toBe('no_match');
    expect(outcome('rd_growth', filed, [{ year: 2026, rd: 5_000_000 }])).toBe('needs_data');
    expect(outcome('rd_growth', filed, [{ year: 2026, rd: 5_000_000, revenue: 1 }])).toBe('no_match');
  });
});
