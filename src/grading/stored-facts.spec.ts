import { colourWithoutIndicators, evaluateCn2026 } from './rules/cn-2026';
import { storedFacts } from './stored-facts';

const base = {
  employees: 120,
  techStaff: 30,
  totalAssets: 80_000_000,
  totalLiabilities: 30_000_000,
  totalCosts: 40_000_000,
  ip: { classI: 0, classII: 3 },
  supportedField: true,
  declarations: {
    majorViolation: false,
    restrictedIndustry: false,
    dishonestyList: false,
    superDeductionExcluded: false,
  },
  directQualifications: [],
};

describe('storedFacts', () => {
  const years = [
    { year: 2022, data: { ...base, employees: 999, revenue: 1, rdExpense: 1, domesticRdExpense: 1, netAssets: 1 } },
    {
      year: 2024,
      data: { ...base, revenue: 36_000_000, rdExpense: 1_800_000, domesticRdExpense: 1_700_000, netAssets: 24_000_000 },
    },
    {
      year: 2025,
      data: {
        ...base,
        revenue: 42_000_000,
        rdExpense: 2_200_000,
        domesticRdExpense: 2_000_000,
        netAssets: 29_000_000,
        totalIncome: 43_000_000,
        highTechRevenue: 30_000_000,
        mainBusinessRevenue: 41_000_000,
        innovation: { ip: 18, conversion: 19, rdManagement: 14 },
      },
    },
    {
      year: 2023,
      data: { ...base, revenue: 30_000_000, rdExpense: 1_500_000, domesticRdExpense: 1_500_000, netAssets: 20_000_000 },
    },
  ];

  it('reads the latest year for non-financial facts and the latest three years of financials', () => {
    const facts = storedFacts('2019-04-01', years as never, null, '2026-06-30')!;
    expect(facts.financials.map((f) => f.year)).toEqual([2023, 2024, 2025]);
    expect(facts.employees).toBe(120);
    expect(facts.financials[2]).toMatchObject({ totalIncome: 43_000_000, highTechRevenue: 30_000_000 });
    expect(facts.financials[0].totalIncome).toBeUndefined();
    // Same facts as DOMAIN.md section 2, so the same result as the worked example of section 7.
    const result = evaluateCn2026(facts);
    expect(result.techSme.score).toBe(74);
    expect(result.colour).toBe('red');
  });

  it('takes the financials of the last three accounting years only: a gap is not filled with older years', () => {
    const gap = years.filter((y) => y.year !== 2024 && y.year !== 2023);
    const facts = storedFacts('2019-04-01', gap as never, null, '2026-06-30')!;
    expect(facts.financials.map((f) => f.year)).toEqual([2025]);
  });

  it('colours an enterprise with nothing on file green only while it holds high-tech status', () => {
    const colour = (issuedOn: string | null, tier?: 'high_tech' | 'startup') =>
      colourWithoutIndicators({ highTechIssuedOn: issuedOn, asOf: '2026-06-30' }, undefined, { tier });
    expect(colour('2024-12-01')).toBe('green');
    expect(colour(null, 'high_tech')).toBe('green');
    expect(colour('2020-01-01')).toBe('orange');
    expect(colour(null, 'startup')).toBe('orange');
  });

  it('passes the active high-tech certificate and answers null when nothing is on file', () => {
    expect(storedFacts('2019-04-01', years as never, '2024-12-01', '2026-06-30')!.highTechCertificate).toEqual({
      issuedOn: '2024-12-01',
    });
    expect(storedFacts('2019-04-01', [], null, '2026-06-30')).toBeNull();
  });
});
