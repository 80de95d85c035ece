import type { RegionConfig } from '../region-config';
import type { EvaluationContext, FinancialYear, GradingFacts, LeaderCheckCode } from '../types';
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';

/** A leader candidate: certificate valid at asOf and every default criterion met. */
function leaderFacts(): GradingFacts {
  const f = domainExampleFacts();
  const year = (y: number, revenue: number, rd: number): FinancialYear => ({
    year: y,
    revenue,
    rdExpense: rd,
    domesticRdExpense: rd,
    netAssets: 50_000_000,
  });
  f.financials = [
    year(2023, 50_000_000, 5_000_000),
    year(2024, 52_000_000, 6_000_000),
    { ...year(2025, 60_000_000, 6_000_000), mainBusinessRevenue: 54_000_000 },
  ];
  f.ip = { classI: 4, classII: 0 };
  f.highTechCertificate = { issuedOn: '2024-11-15' };
  f.totalAssets = 100_000_000;
  f.totalLiabilities = 75_000_000;
  return f;
}
const leader = (f: GradingFacts, config: RegionConfig = CN_2026_DEFAULT_CONFIG, ctx?: EvaluationContext) =>
  evaluateCn2026(f, config, ctx).leader;
const check = (f: GradingFacts, code: LeaderCheckCode, config?: RegionConfig, ctx?: EvaluationContext) =>
  leader(f, config, ctx).checks.find((c) => c.code === code);
const withLeader = (patch: Partial<RegionConfig['leader']>): RegionConfig => ({
  ...CN_2026_DEFAULT_CONFIG,
  leader: { ...CN_2026_DEFAULT_CONFIG.leader, ...patch },
});

describe('leader checks (DOMAIN.md section 5 default)', () => {
  it('a candidate meeting every default criterion is eligible, checks in the documented order', () => {
    const result = leader(leaderFacts());
    expect(result.checks.map((c) => [c.code, c.status])).toEqual([
      ['high_tech_certified', 'met'],
      ['revenue', 'met'],
      ['revenue_growth', 'met'],
      ['rd_investment', 'met'],
      ['class_one_ip', 'met'],
      ['main_business_share', 'met'],
      ['debt_ratio', 'met'],
    ]);
    expect(result.eligible).toBe(true);
  });

  it('high_tech_certified: valid certificate or held tier; expired, future or absent certificate unmet', () => {
    const f = leaderFacts();
    f.highTechCertificate = { issuedOn: '2023-06-30' }; // expired on 2026-06-30 (asOf)
    expect(check(f, 'high_tech_certified')).toMatchObject({ status: 'unmet', actual: false, required: true });
    f.highTechCertificate = { issuedOn: '2026-07-01' };
    expect(check(f, 'high_tech_certified')?.status).toBe('unmet');
    f.highTechCertificate = null;
    expect(check(f, 'high_tech_certified')?.status).toBe('unmet');
    expect(check(f, 'high_tech_certified', undefined, { tier: 'high_tech' })?.status).toBe('met');
    expect(check(f, 'high_tech_certified', undefined, { tier: 'tech_sme' })?.status).toBe('unmet');
  });

  it('high_tech_certified uses the region certificate validity', () => {
    const f = leaderFacts();
    f.highTechCertificate = { issuedOn: '2023-01-01' };
    expect(check(f, 'high_tech_certified')?.status).toBe('unmet');
    expect(check(f, 'high_tech_certified', withLeader({ certificateValidityYears: 4 }))?.status).toBe('met');
  });

  it('revenue: 50,000,000 met, one yuan less unmet', () => {
    const f = leaderFacts();
    f.financials[2].revenue = 50_000_000;
    f.financials[2].mainBusinessRevenue = 45_000_000;
    expect(check(f, 'revenue')).toEqual({ code: 'revenue', status: 'met', actual: 50_000_000, required: 50_000_000 });
    f.financials[2].revenue = 49_999_999;
    expect(check(f, 'revenue')?.status).toBe('unmet');
  });

  it('revenue_growth: r3/r1 >= 1.05² exactly (55,125,000 on 50,000,000), one yuan less unmet', () => {
    const f = leaderFacts();
    f.financials[2].revenue = 55_125_000;
    expect(check(f, 'revenue_growth')).toMatchObject({ status: 'met', actual: 0.05, required: 0.05 });
    f.financials[2].revenue = 55_124_999;
    expect(check(f, 'revenue_growth')?.status).toBe('unmet');
  });

  it('revenue_growth: exact near 10^15 (BigInt path) and with a region growth of 10%', () => {
    const f = leaderFacts();
    f.financials[0].revenue = 1_000_000_000_000_000;
    f.financials[2].revenue = 1_102_500_000_000_000;
    expect(check(f, 'revenue_growth')?.status).toBe('met');
    f.financials[2].revenue = 1_102_499_999_999_999;
    expect(check(f, 'revenue_growth')?.status).toBe('unmet');
    f.financials[2].revenue = 1_210_000_000_000_000;
    expect(check(f, 'revenue_growth', withLeader({ revenueGrowthMin: 0.1 }))?.status).toBe('met');
    f.financials[2].revenue = 1_209_999_999_999_999;
    expect(check(f, 'revenue_growth', withLeader({ revenueGrowthMin: 0.1 }))?.status).toBe('unmet');
  });

  it('revenue_growth: unknown with fewer than three (consecutive) years; r1 = 0 unmet with actual null', () => {
    const f = leaderFacts();
    f.financials.shift();
    expect(check(f, 'revenue_growth')).toMatchObject({ status: 'unknown', actual: null });
    const gap = leaderFacts();
    gap.financials[1].year = 2022; // 2022, 2023, 2025
    expect(check(gap, 'revenue_growth')?.status).toBe('unknown');
    const zero = leaderFacts();
    zero.financials[0].revenue = 0;
    expect(check(zero, 'revenue_growth')).toMatchObject({ status: 'unmet', actual: null });
  });

  it('rd_investment: 12,000,000 over two years met, one yuan less unmet', () => {
    expect(check(leaderFacts(), 'rd_investment')).toMatchObject({
      status: 'met',
      actual: 12_000_000,
      required: 12_000_000,
    });
    const f = leaderFacts();
    f.financials[1].rdExpense = 5_999_999;
    expect(check(f, 'rd_investment')).toMatchObject({ status: 'unmet', actual: 11_999_999 });
  });

  it('rd_investment: each of the two years needs 3% of its revenue', () => {
    const f = leaderFacts();
    f.financials[1].revenue = 200_000_000; // 6M = 3% exactly
    expect(check(f, 'rd_investment')?.status).toBe('met');
    f.financials[1].revenue = 200_000_001;
    expect(check(f, 'rd_investment')?.status).toBe('unmet');
    f.financials[1].revenue = 0;
    expect(check(f, 'rd_investment')?.status).toBe('unmet');
  });

  it('rd_investment: unknown with fewer than two years', () => {
    const f = leaderFacts();
    f.financials = [f.financials[2]];
    expect(check(f, 'rd_investment')).toMatchObject({ status: 'unknown', actual: null });
  });

  it('class_one_ip: 4 met, 3 unmet', () => {
    const f = leaderFacts();
    expect(check(f, 'class_one_ip')?.status).toBe('met');
    f.ip.classI = 3;
    expect(check(f, 'class_one_ip')).toMatchObject({ status: 'unmet', actual: 3, required: 4 });
  });

  it('main_business_share: 90% met, below unmet, absent unknown, zero revenue unmet', () => {
    const f = leaderFacts();
    expect(check(f, 'main_business_share')).toMatchObject({ status: 'met', actual: 0.9, required: 0.9 });
    f.financials[2].mainBusinessRevenue = 53_999_999;
    expect(check(f, 'main_business_share')?.status).toBe('unmet');
    delete f.financials[2].mainBusinessRevenue;
    expect(check(f, 'main_business_share')).toMatchObject({ status: 'unknown', actual: null });
    f.financials[2] = { ...f.financials[2], revenue: 0, mainBusinessRevenue: 0 };
    expect(check(f, 'main_business_share')).toMatchObject({ status: 'unmet', actual: null });
  });

  it('debt_ratio: 75% met, above unmet, absent unknown, zero assets unmet', () => {
    const f = leaderFacts();
    expect(check(f, 'debt_ratio')).toMatchObject({ status: 'met', actual: 0.75, required: 0.75 });
    f.totalLiabilities = 75_000_001;
    expect(check(f, 'debt_ratio')?.status).toBe('unmet');
    f.totalLiabilities = undefined;
    expect(check(f, 'debt_ratio')).toMatchObject({ status: 'unknown', actual: null });
    f.totalLiabilities = 0;
    f.totalAssets = 0;
    expect(check(f, 'debt_ratio')).toMatchObject({ status: 'unmet', actual: null });
  });

  it('eligible is null with unknowns only, false with any unmet', () => {
    const f = leaderFacts();
    f.totalLiabilities = undefined;
    expect(leader(f).eligible).toBeNull();
    f.ip.classI = 0;
    expect(leader(f).eligible).toBe(false);
  });

  it('reads every threshold from the region configuration', () => {
    const f = leaderFacts();
    const strict = withLeader({
      revenueMin: 60_000_001,
      classOneIpMin: 5,
      mainBusinessShareMin: 0.95,
      debtRatioMax: 0.7,
    });
    expect(
      leader(f, strict)
        .checks.filter((c) => c.status === 'unmet')
        .map((c) => c.code),
    ).toEqual(['revenue', 'class_one_ip', 'main_business_share', 'debt_ratio']);
    const rd = withLeader({ rdTwoYearMin: 12_000_001, rdRatioMin: 0.1 });
    expect(check(f, 'rd_investment', rd)?.status).toBe('unmet');
  });
});
