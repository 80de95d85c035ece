import type { IndicatorYear } from '../../grading/stored-facts';
import { dataRequest } from './fast-application';
import { FACT_VOCABULARY } from './fact-vocabulary';
import { buildFacts, fullYears, type FactInputs, type TriggerFacts } from './programme-facts';
import { readFact } from './rule-evaluation';

const year = (y: number, over: Record<string, unknown> = {}): IndicatorYear =>
  ({
    year: y,
    data: {
      employees: 120,
      techStaff: 30,
      totalAssets: 80_000_000,
      totalLiabilities: 30_000_000,
      totalCosts: 40_000_000,
      revenue: 42_000_000,
      rdExpense: 2_200_000,
      domesticRdExpense: 2_000_000,
      netAssets: 29_000_000,
      ip: { classI: 0, classII: 3 },
      supportedField: true,
      declarations: {
        majorViolation: false,
        restrictedIndustry: false,
        dishonestyList: false,
        superDeductionExcluded: false,
      },
      directQualifications: [],
      ...over,
    },
  }) as IndicatorYear;

const enterprise = {
  id: 'e1',
  district: '思明区',
  state: 'tech_sme',
  colour: 'red',
  registeredOn: '2019-04-01',
  techSmeScore: null,
};

describe('buildFacts', () => {
  it('describes the enterprise and the event, leaving absent facts out', () => {
    const facts = buildFacts(
      { enterprise },
      {
        type: 'tier.recognised',
        year: 2026,
        date: '2026-03-31',
        tier: 'high_tech',
        kind: 'renewal',
        issuedOn: '2026-03-31',
      },
      { code: 'p' },
    );
    expect(facts).toEqual({
      enterprise: { district: '思明区', tier: 'tech_sme', colour: 'red', registeredOn: '2019-04-01', ageYears: 6 },
      event: {
        type: 'tier.recognised',
        year: 2026,
        date: '2026-03-31',
        tier: 'high_tech',
        kind: 'renewal',
        firstRecognised: false,
        reRecognised: true,
        issuedOn: '2026-03-31',
      },
    });
  });

  it('reads the filed year and the year before for indicators.filed; growth only with a year before', () => {
    const inputs: FactInputs = {
      enterprise,
      years: [year(2024, { rdExpense: 0 }), year(2025, { rdExpense: 1_000_000 }), year(2026)],
    };
    const facts = buildFacts(inputs, { type: 'indicators.filed', year: 2025, date: '2026-11-21' }, { code: 'p' });
    expect(facts.indicators).toMatchObject({
      year: 2025,
      rdExpense: 1_000_000,
      previous: { rdExpense: 0, revenue: 42_000_000 },
      rdIncrease: 1_000_000,
      revenueGrowth: 0,
    });
    expect((facts.indicators as Record<string, unknown>).rdGrowth).toBeUndefined();
    // A later filing never feeds an earlier period; grading reads the latest years up to the period.
    expect(facts.grading).toMatchObject({
      latestYear: 2025,
      yearsOnFile: 2,
      revenueTotal: 84_000_000,
      highTechCertified: false,
    });
    const lone = buildFacts(
      { enterprise, years: [year(2026)] },
      { type: 'indicators.filed', year: 2026, date: '2026-11-21' },
      { code: 'p' },
    );
    expect(lone.indicators).not.toHaveProperty('previous');
    expect(lone.indicators).not.toHaveProperty('rdIncrease');
    expect(
      buildFacts({ enterprise, years: [] }, { type: 'manual', year: 2026, date: '2026-11-21' }, { code: 'p' }),
    ).toMatchObject({
      grading: { highTechCertified: false },
      indicators: {},
    });
  });

  it('counts prior grants, leaving out cancelled ones and the grant being decided', () => {
    const facts = buildFacts(
      {
        enterprise,
        grants: [
          { programmeCode: 'p', period: 2025, state: 'paid', amount: 100 },
          { programmeCode: 'p', period: 2026, state: 'eligible', amount: 100 },
          { programmeCode: 'q', period: 2026, state: 'clawed_back', amount: 50 },
          { programmeCode: 'r', period: 2026, state: 'cancelled', amount: 999 },
        ],
      },
      { type: 'manual', year: 2026, date: '2026-11-21' },
      { code: 'p' },
    );
    expect(facts.priorGrants).toEqual({ count: 2, total: 150, codes: ['p', 'q'], sameProgramme: 1, clawedBack: 1 });
  });

  it('built for the facts a programme reads, gives each of them as the full build does', () => {
    const inputs: FactInputs = {
      enterprise: { ...enterprise, techSmeScore: 71 },
      years: [year(2024, { rdExpense: 0 }), year(2025, { rdExpense: 1_000_000, highTechRevenue: 9 }), year(2026)],
      highTechIssuedOn: '2024-05-01',
      grants: [{ programmeCode: 'q', period: 2025, state: 'paid', amount: 100 }],
    };
    const triggers: TriggerFacts[] = [
      { type: 'indicators.filed', year: 2025, date: '2026-11-21' },
      {
        type: 'tier.recognised',
        year: 2026,
        date: '2026-03-31',
        tier: 'high_tech',
        kind: 'first',
        issuedOn: '2026-03-31',
      },
      { type: 'manual', year: 2024, date: '2024-12-31' },
    ];
    const names = FACT_VOCABULARY.map((f) => f.name);
    for (const trigger of triggers) {
      const full = buildFacts(inputs, trigger, { code: 'p' });
      for (const name of names) {
        const one = buildFacts(inputs, trigger, { code: 'p', facts: [name] });
        expect({ name, value: readFact(one, name) }).toEqual({ name, value: readFact(full, name) });
      }
      const some = buildFacts(inputs, trigger, { code: 'p', facts: names.filter((_, i) => i % 3 === 0) });
      for (const name of names.filter((_, i) => i % 3 === 0))
        expect({ name, value: readFact(some, name) }).toEqual({ name, value: readFact(full, name) });
      // Every fact asked for: the very same object as without a selection.
      expect(buildFacts(inputs, trigger, { code: 'p', facts: names })).toEqual(full);
    }
  });

  it('counts whole years', () => {
    expect(fullYears('2019-04-01', '2026-03-31')).toBe(6);
    expect(fullYears('2019-04-01', '2026-04-01')).toBe(7);
    expect(fullYears('2027-01-01', '2026-04-01')).toBe(0);
  });
});

describe('dataRequest (快申快享)', () => {
  it('asks for the year before when growth needs it, and the year itself otherwise', () => {
    expect(dataRequest(['indicators.previous.rdExpense', 'indicators.rdIncrease'], { year: 2026 })).toMatchObject({
      years: [2025],
      messageZh: '请填报2025年度指标，以便核定补贴。',
    });
    expect(dataRequest(['grading.employees', 'indicators.revenue'], { year: 2026 }).years).toEqual([2026]);
  });
});
