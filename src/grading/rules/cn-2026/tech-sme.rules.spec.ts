import type { GradingFacts } from '../types';
import { evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';
import { ipResultsPoints, rdInvestmentPoints, techStaffPoints } from './tech-sme.rules';

const facts = (patch: Partial<GradingFacts> = {}): GradingFacts => ({ ...domainExampleFacts(), ...patch });
const techSme = (f: GradingFacts) => evaluateCn2026(f).techSme;
/** Facts whose latest year carries this revenue and R&D. */
const latestYear = (revenue: number, rdExpense: number, patch: Partial<GradingFacts> = {}) => {
  const f = facts(patch);
  f.financials[2] = { ...f.financials[2], revenue, rdExpense, domesticRdExpense: rdExpense };
  return f;
};

describe('tech SME score bands (TSME annex), each at and just below its lower bound', () => {
  it.each([
    [30, 20],
    [29, 16],
    [25, 16],
    [24, 12],
    [20, 12],
    [19, 8],
    [15, 8],
    [14, 4],
    [10, 4],
    [9, 0],
    [0, 0],
    [100, 20],
  ])('tech staff %i of 100 employees scores %i', (staff, points) => {
    expect(techStaffPoints(staff, 100)).toBe(points);
  });

  it('25% exactly (30 of 120) scores 16, one person fewer scores 12', () => {
    expect(techStaffPoints(30, 120)).toBe(16);
    expect(techStaffPoints(29, 120)).toBe(12);
  });

  it('no employees scores 0 tech staff points', () => {
    expect(techStaffPoints(0, 0)).toBe(0);
  });

  it.each([
    [60_000, 50],
    [59_999, 40],
    [50_000, 40],
    [49_999, 30],
    [40_000, 30],
    [39_999, 20],
    [30_000, 20],
    [29_999, 10],
    [20_000, 10],
    [19_999, 0],
  ])('R&D %i on revenue 1,000,000 scores %i', (rd, points) => {
    expect(rdInvestmentPoints(rd, 1_000_000)).toBe(points);
  });

  it.each([
    [300_000, 50],
    [299_999, 40],
    [250_000, 40],
    [249_999, 30],
    [200_000, 30],
    [199_999, 20],
    [150_000, 20],
    [149_999, 10],
    [100_000, 10],
    [99_999, 0],
  ])('R&D %i on total costs 1,000,000 scores %i (revenue base negligible)', (rd, points) => {
    expect(rdInvestmentPoints(rd, 1_000_000_000_000, 1_000_000)).toBe(points);
  });

  it('takes the better base, ignoring a zero or absent base', () => {
    expect(rdInvestmentPoints(50_000, 1_000_000, 1_000_000)).toBe(40); // revenue 5% beats costs 5%
    expect(rdInvestmentPoints(250_000, 10_000_000, 1_000_000)).toBe(40); // costs 25% beats revenue 2.5%
    expect(rdInvestmentPoints(100, 0, 1_000)).toBe(10);
    expect(rdInvestmentPoints(100, 1_000, 0)).toBe(50);
    expect(rdInvestmentPoints(100, 0)).toBe(0);
  });

  it.each([
    [1, 0, 30],
    [1, 9, 30],
    [0, 5, 24],
    [0, 4, 24],
    [0, 3, 18],
    [0, 2, 12],
    [0, 1, 6],
    [0, 0, 0],
  ])('class I %i, class II %i scores %i', (classI, classII, points) => {
    expect(ipResultsPoints({ classI, classII })).toBe(points);
  });

  it('scores from the latest year, whatever the order of financials', () => {
    const f = facts();
    f.financials.reverse();
    expect(techSme(f)).toMatchObject({ score: 74, scores: { techStaff: 16, rdInvestment: 40, ipResults: 18 } });
  });
});

describe('tech SME eligibility (TSME art. 6 and 7)', () => {
  it('is eligible by score at exactly 60, not at 58', () => {
    // 20 (30%) + 40 (5%) + 0 = 60
    const at = latestYear(40_000_000, 2_000_000, {
      techStaff: 36,
      ip: { classI: 0, classII: 0 },
      totalCosts: undefined,
    });
    expect(techSme(at)).toMatchObject({ eligible: true, route: 'score', score: 60, failed: [] });
    // 16 + 30 + 12 = 58
    const below = latestYear(40_000_000, 1_600_000, {
      techStaff: 30,
      ip: { classI: 0, classII: 2 },
      totalCosts: undefined,
    });
    expect(techSme(below)).toMatchObject({ eligible: false, route: null, score: 58, failed: ['score_below_60'] });
  });

  it('fails on zero tech staff points even with a score of 60 or more', () => {
    const f = latestYear(40_000_000, 2_400_000, { techStaff: 11, ip: { classI: 1, classII: 0 } });
    expect(techSme(f)).toMatchObject({ eligible: false, score: 80, failed: ['tech_staff_zero'] });
  });

  it.each([
    ['employees', { employees: 500, techStaff: 150 }, { employees: 501, techStaff: 150 }, 'size_employees'],
    ['assets', { totalAssets: 200_000_000 }, { totalAssets: 200_000_001 }, 'size_assets'],
  ] as const)('size limit on %s is inclusive', (_name, at, over, code) => {
    expect(techSme(facts(at)).eligible).toBe(true);
    expect(techSme(facts(over)).failed).toEqual([code]);
  });

  it('size limit on the latest revenue is inclusive', () => {
    expect(techSme(latestYear(200_000_000, 12_000_000)).eligible).toBe(true);
    expect(techSme(latestYear(200_000_001, 12_000_000)).failed).toEqual(['size_revenue']);
  });

  it.each([
    [{ restrictedIndustry: true }, 'excluded_industry'],
    [{ superDeductionExcluded: true }, 'excluded_industry'],
    [{ majorViolation: true }, 'violation'],
    [{ dishonestyList: true }, 'violation'],
  ])('declarations %j fail with %s', (decl, code) => {
    const f = facts();
    f.declarations = { ...f.declarations, ...decl };
    expect(techSme(f)).toMatchObject({ eligible: false, route: null, failed: [code] });
  });

  it('lists every reason in the documented order', () => {
    const f = facts({ employees: 600, techStaff: 0, totalAssets: 300_000_000, ip: { classI: 0, classII: 0 } });
    f.financials[2].revenue = 300_000_000;
    f.declarations = {
      majorViolation: true,
      restrictedIndustry: true,
      dishonestyList: false,
      superDeductionExcluded: false,
    };
    expect(techSme(f).failed).toEqual([
      'size_employees',
      'size_revenue',
      'size_assets',
      'excluded_industry',
      'violation',
      'tech_staff_zero',
      'score_below_60',
    ]);
  });
});

describe('tech SME route precedence', () => {
  const weak = (patch: Partial<GradingFacts>) =>
    facts({ techStaff: 0, ip: { classI: 0, classII: 0 }, totalCosts: undefined, ...patch });

  it('a direct qualification makes a low score irrelevant', () => {
    expect(techSme(weak({ directQualifications: ['provincial_rd_institution'] }))).toMatchObject({
      eligible: true,
      route: 'direct',
      failed: [],
    });
  });

  it('a high-tech certificate valid at asOf is a direct qualification; an expired one is not', () => {
    expect(techSme(weak({ highTechCertificate: { issuedOn: '2023-07-01' } })).route).toBe('direct');
    const expired = techSme(weak({ highTechCertificate: { issuedOn: '2023-06-30' } }));
    expect(expired).toMatchObject({ eligible: false, route: null, failed: ['tech_staff_zero', 'score_below_60'] });
  });

  it('direct takes precedence over a passing score', () => {
    expect(techSme(facts({ directQualifications: ['national_award_top3'] })).route).toBe('direct');
    expect(techSme(facts()).route).toBe('score');
  });

  it('direct with failing basic conditions is not eligible and lists only the basic reasons', () => {
    const f = weak({ directQualifications: ['led_standard'], employees: 501 });
    expect(techSme(f)).toMatchObject({ eligible: false, route: null, failed: ['size_employees'] });
  });
});
