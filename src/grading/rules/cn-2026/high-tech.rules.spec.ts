import type { GradingFacts, HighTechCheckCode } from '../types';
import { evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';

const facts = (patch: Partial<GradingFacts> = {}): GradingFacts => ({ ...domainExampleFacts(), ...patch });
const highTech = (f: GradingFacts) => evaluateCn2026(f).highTech;
const check = (f: GradingFacts, code: HighTechCheckCode) => highTech(f).checks.find((c) => c.code === code);

/** Three years with the same revenue and R&D; `latest` overrides the 2025 entry. */
function rdYears(revenues: number[], rds: number[], domestic = rds): GradingFacts {
  const f = facts();
  f.financials = revenues.map((revenue, i) => ({
    year: 2025 - revenues.length + 1 + i,
    revenue,
    rdExpense: rds[i],
    domesticRdExpense: domestic[i],
    netAssets: 1,
  }));
  return f;
}

describe('high-tech checks (HTE art. 11)', () => {
  it('lists the nine checks in the order of the article', () => {
    expect(highTech(facts()).checks.map((c) => c.code)).toEqual([
      'registered_one_year',
      'core_ip',
      'supported_field',
      'tech_staff_ratio',
      'rd_expense_ratio',
      'domestic_rd_share',
      'high_tech_revenue_share',
      'innovation_score',
      'no_major_violation',
    ]);
  });

  it('registered_one_year: 365 days met, 364 unmet, leap day counted', () => {
    expect(check(facts({ registeredOn: '2025-06-30' }), 'registered_one_year')).toEqual({
      code: 'registered_one_year',
      status: 'met',
      actual: 365,
      required: 365,
    });
    expect(check(facts({ registeredOn: '2025-07-01' }), 'registered_one_year')).toMatchObject({
      status: 'unmet',
      actual: 364,
    });
    expect(check(facts({ asOf: '2024-06-29', registeredOn: '2023-06-30' }), 'registered_one_year')?.status).toBe('met');
  });

  it('core_ip: one class I or class II is enough, none is unmet', () => {
    expect(check(facts({ ip: { classI: 1, classII: 0 } }), 'core_ip')?.status).toBe('met');
    expect(check(facts({ ip: { classI: 0, classII: 1 } }), 'core_ip')?.status).toBe('met');
    expect(check(facts({ ip: { classI: 0, classII: 0 } }), 'core_ip')).toMatchObject({
      status: 'unmet',
      actual: 0,
      required: 1,
    });
  });

  it('supported_field: met, unmet, unknown when absent', () => {
    expect(check(facts({ supportedField: true }), 'supported_field')?.status).toBe('met');
    expect(check(facts({ supportedField: false }), 'supported_field')).toMatchObject({
      status: 'unmet',
      actual: false,
    });
    expect(check(facts({ supportedField: undefined }), 'supported_field')).toMatchObject({
      status: 'unknown',
      actual: null,
    });
  });

  it('tech_staff_ratio: exactly 10% met, below unmet, no employees unmet with actual null', () => {
    expect(check(facts({ employees: 120, techStaff: 12 }), 'tech_staff_ratio')).toMatchObject({
      status: 'met',
      actual: 0.1,
      required: 0.1,
    });
    expect(check(facts({ employees: 120, techStaff: 11 }), 'tech_staff_ratio')).toMatchObject({
      status: 'unmet',
      actual: 0.0917,
    });
    expect(check(facts({ employees: 0, techStaff: 0 }), 'tech_staff_ratio')).toMatchObject({
      status: 'unmet',
      actual: null,
    });
  });

  it('rd_expense_ratio: worked example 5.5M / 108M = 0.0509 against 5%', () => {
    expect(check(facts(), 'rd_expense_ratio')).toEqual({
      code: 'rd_expense_ratio',
      status: 'met',
      actual: 0.0509,
      required: 0.05,
    });
  });

  it.each([
    [50_000_000, 0.05],
    [50_000_001, 0.04],
    [200_000_000, 0.04],
    [200_000_001, 0.03],
  ])('rd_expense_ratio: latest revenue %i requires %d', (latest, required) => {
    expect(check(rdYears([latest], [0]), 'rd_expense_ratio')?.required).toBe(required);
  });

  it('rd_expense_ratio: exact at the band, one yuan less unmet, over every year given', () => {
    // 10M + 20M + 30M = 60M revenue, latest 30M -> 5%: 3,000,000 R&D needed in total.
    expect(check(rdYears([10e6, 20e6, 30e6], [0, 0, 3_000_000], [0, 0, 2_000_000]), 'rd_expense_ratio')?.status).toBe(
      'met',
    );
    expect(check(rdYears([10e6, 20e6, 30e6], [1, 0, 2_999_999]), 'rd_expense_ratio')?.status).toBe('met');
    expect(check(rdYears([10e6, 20e6, 30e6], [0, 0, 2_999_999]), 'rd_expense_ratio')?.status).toBe('unmet');
  });

  it('rd_expense_ratio: zero total revenue is unmet with actual null', () => {
    expect(check(rdYears([0, 0], [5, 5]), 'rd_expense_ratio')).toMatchObject({
      status: 'unmet',
      actual: null,
      required: 0.05,
    });
  });

  it('rd_expense_ratio: sums past 2^53 compare exactly (BigInt path)', () => {
    const big = [4_000_000_000_000_001, 4_000_000_000_000_001, 3_999_999_999_999_998]; // 1.2e16 in total, latest > 200M -> 3%
    expect(
      check(rdYears(big, [120_000_000_000_000, 120_000_000_000_000, 120_000_000_000_000]), 'rd_expense_ratio')?.status,
    ).toBe('met');
    expect(
      check(rdYears(big, [120_000_000_000_000, 120_000_000_000_000, 119_999_999_999_999]), 'rd_expense_ratio')?.status,
    ).toBe('unmet');
  });

  it('domestic_rd_share: exactly 60% met, below unmet, no R&D unmet with actual null', () => {
    expect(check(rdYears([1e6, 1e6], [50_000, 50_000], [30_000, 30_000]), 'domestic_rd_share')).toMatchObject({
      status: 'met',
      actual: 0.6,
    });
    expect(check(rdYears([1e6, 1e6], [50_000, 50_000], [30_000, 29_999]), 'domestic_rd_share')?.status).toBe('unmet');
    expect(check(rdYears([1e6, 1e6], [0, 0]), 'domestic_rd_share')).toMatchObject({
      status: 'unmet',
      actual: null,
      required: 0.6,
    });
  });

  it('high_tech_revenue_share: latest year only, totalIncome defaulting to revenue', () => {
    const f = facts();
    f.financials[2] = { ...f.financials[2], totalIncome: 50_000_000, highTechRevenue: 30_000_000 };
    expect(check(f, 'high_tech_revenue_share')).toMatchObject({ status: 'met', actual: 0.6, required: 0.6 });
    f.financials[2].highTechRevenue = 29_999_999;
    expect(check(f, 'high_tech_revenue_share')?.status).toBe('unmet');
    f.financials[2] = { ...f.financials[2], totalIncome: undefined, highTechRevenue: 25_200_000 }; // 60% of 42M revenue
    expect(check(f, 'high_tech_revenue_share')?.status).toBe('met');
    f.financials[2] = { ...f.financials[2], totalIncome: 0, highTechRevenue: 0 };
    expect(check(f, 'high_tech_revenue_share')).toMatchObject({ status: 'unmet', actual: null });
  });

  it('high_tech_revenue_share: unknown when the latest year has no highTechRevenue, even if an older year has', () => {
    const f = facts();
    delete f.financials[2].highTechRevenue;
    f.financials[1].highTechRevenue = 36_000_000;
    expect(check(f, 'high_tech_revenue_share')).toMatchObject({ status: 'unknown', actual: null, required: 0.6 });
  });

  it('innovation_score: 71 met, 70 unmet, absent unknown with growth still computed', () => {
    expect(
      check(facts({ innovation: { ip: 30, conversion: 15, rdManagement: 14 } }), 'innovation_score'),
    ).toMatchObject({ status: 'met', actual: 71 });
    expect(
      check(facts({ innovation: { ip: 30, conversion: 14, rdManagement: 14 } }), 'innovation_score'),
    ).toMatchObject({ status: 'unmet', actual: 70 });
    const unknown = highTech(facts({ innovation: undefined }));
    expect(unknown.checks[7]).toEqual({ code: 'innovation_score', status: 'unknown', actual: null, required: 71 });
    expect(unknown.innovationScore).toEqual({
      ip: null,
      conversion: null,
      rdManagement: null,
      growth: 12,
      total: null,
    });
  });

  it('no_major_violation: met without, unmet with a declared violation', () => {
    expect(check(facts(), 'no_major_violation')?.status).toBe('met');
    const f = facts();
    f.declarations.majorViolation = true;
    expect(check(f, 'no_major_violation')).toMatchObject({ status: 'unmet', actual: true, required: false });
  });
});

describe('high-tech eligibility (tri-state)', () => {
  const passing = () => facts({ innovation: { ip: 30, conversion: 30, rdManagement: 20 } });

  it('is true when all nine are met', () => {
    expect(highTech(passing()).eligible).toBe(true);
  });

  it('is null when some are unknown and none unmet: unknown never counts as met', () => {
    expect(highTech({ ...passing(), supportedField: undefined }).eligible).toBeNull();
  });

  it('is false when any is unmet, even with unknowns', () => {
    expect(highTech({ ...passing(), supportedField: undefined, ip: { classI: 0, classII: 0 } }).eligible).toBe(false);
  });
});
