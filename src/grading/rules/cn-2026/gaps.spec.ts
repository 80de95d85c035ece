import type { EvaluationContext, GradingFacts } from '../types';
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';

const gaps = (f: GradingFacts, ctx?: EvaluationContext) => evaluateCn2026(f, CN_2026_DEFAULT_CONFIG, ctx).gaps;
const gap = (f: GradingFacts, code: string, ctx?: EvaluationContext) => gaps(f, ctx).find((g) => g.code === code);

describe('gaps: which tiers are listed', () => {
  it('worked example: one high-tech gap, innovation_score 63/71, no tech SME or leader gaps', () => {
    expect(gaps(domainExampleFacts())).toEqual([
      {
        tier: 'high_tech',
        code: 'innovation_score',
        message:
          'Innovation score 63, needs 71: 8 points short (IP 18/30, conversion 19/30, R&D management 14/20, growth 12/20)',
        messageZh:
          '企业创新能力评价 63 分，需达到 71 分：还差 8 分（知识产权 18/30、科技成果转化 19/30、研究开发组织管理 14/20、成长性 12/20）',
        actual: 63,
        required: 71,
      },
    ]);
  });

  it('lists tech SME reasons when not eligible, then every unmet or unknown high-tech check', () => {
    const f = { ...domainExampleFacts(), employees: 600, techStaff: 180, supportedField: undefined };
    expect(gaps(f).map((g) => [g.tier, g.code])).toEqual([
      ['tech_sme', 'size_employees'],
      ['high_tech', 'supported_field'],
      ['high_tech', 'innovation_score'],
    ]);
  });

  it('with a valid certificate: no high-tech gaps, every unmet or unknown leader check', () => {
    const f = { ...domainExampleFacts(), highTechCertificate: { issuedOn: '2025-01-01' }, totalLiabilities: undefined };
    expect(gaps(f).map((g) => [g.tier, g.code])).toEqual([
      ['leader', 'revenue'],
      ['leader', 'rd_investment'],
      ['leader', 'class_one_ip'],
      ['leader', 'debt_ratio'],
    ]);
  });

  it('with the tier high_tech or leader held: leader gaps; other tiers: high-tech gaps', () => {
    expect(gaps(domainExampleFacts(), { tier: 'leader' }).every((g) => g.tier === 'leader')).toBe(true);
    expect(gaps(domainExampleFacts(), { tier: 'high_tech' }).map((g) => g.code)).toContain('class_one_ip');
    expect(gaps(domainExampleFacts(), { tier: 'tech_sme' }).map((g) => g.tier)).toEqual(['high_tech']);
  });

  it('no tech SME gaps on the direct route, even with a low score', () => {
    const f = { ...domainExampleFacts(), techStaff: 0, directQualifications: ['led_standard' as const] };
    expect(gaps(f).some((g) => g.tier === 'tech_sme')).toBe(false);
  });
});

describe('gap messages say how much is missing', () => {
  /** Three years of 60M revenue (4% band) with 3.2% R&D: 7.2M needed, 5.76M spent. */
  function rdShort(extra = 0): GradingFacts {
    const f = domainExampleFacts();
    f.financials = [2023, 2024, 2025].map((year, i) => ({
      year,
      revenue: 60_000_000,
      rdExpense: 1_920_000 - (i === 0 ? extra : 0),
      domesticRdExpense: 1_500_000,
      netAssets: 1,
    }));
    return f;
  }

  it('R&D ratio: percentage, requirement and the amount over three years, with thousands separators', () => {
    expect(gap(rdShort(), 'rd_expense_ratio')).toMatchObject({
      message: 'R&D ratio 3.2%, needs 4%: about 1,440,000 more R&D spend over three years',
      messageZh: '研发费用占比 3.2%，需达到 4%：近三年还需增加研发投入约 1,440,000 元',
      actual: 0.032,
      required: 0.04,
    });
  });

  it('amounts are rounded up to the next 1,000 yuan so they always reach the bar', () => {
    expect(gap(rdShort(1), 'rd_expense_ratio')?.message).toContain('about 1,441,000 more R&D spend');
  });

  it('domestic share: the amount counts the new spend in both parts of the ratio', () => {
    // 4.5M of 5.76M is 78%: met. Make it 3M of 5.76M (52.08%): (3M + x) / (5.76M + x) >= 60% -> x = 1,140,000.
    const f = rdShort();
    f.financials.forEach((y) => (y.domesticRdExpense = 1_000_000));
    expect(gap(f, 'domestic_rd_share')?.message).toBe(
      'Domestic R&D 52.08% of all R&D, needs 60%: about 1,140,000 more R&D spent in China over three years',
    );
  });

  it('tech staff and registration: head count and the date it becomes eligible', () => {
    const f = { ...domainExampleFacts(), techStaff: 8, registeredOn: '2025-09-01' };
    expect(gap(f, 'tech_staff_ratio')?.message).toBe('Tech staff 6.67%, needs 10%: 4 more tech staff');
    expect(gap(f, 'tech_staff_zero')?.message).toBe(
      'Tech staff 6.67%, needs 10% to score any points: 4 more tech staff',
    );
    expect(gap(f, 'registered_one_year')).toMatchObject({
      message: 'Registered 302 days before 2026-06-30, needs 365: eligible from 2026-09-01',
      actual: 302,
      required: 365,
    });
  });

  it('tech SME score and size gaps', () => {
    const f = {
      ...domainExampleFacts(),
      techStaff: 52,
      ip: { classI: 0, classII: 0 },
      employees: 520,
      totalAssets: 250_000_000,
    };
    const found = gaps(f).filter((g) => g.tier === 'tech_sme');
    expect(found.map((g) => g.code)).toEqual(['size_employees', 'size_assets', 'score_below_60']);
    expect(found[0]).toMatchObject({
      message: 'Employees 520, at most 500 for a tech SME: 20 over the limit',
      actual: 520,
      required: 500,
    });
    expect(found[1].message).toBe('Total assets 250,000,000, at most 200,000,000: 50,000,000 over the limit');
    expect(found[2]).toMatchObject({
      message: 'Score 44 (tech staff 4, R&D 40, IP 0), needs 60: 16 points short',
      messageZh: '评价得分 44 分（科技人员 4、研发投入 40、科技成果 0），需达到 60 分：还差 16 分',
      actual: 44,
      required: 60,
    });
  });

  it('unknown checks say what to supply', () => {
    const f = { ...domainExampleFacts(), innovation: undefined };
    delete f.financials[2].highTechRevenue;
    expect(gap(f, 'high_tech_revenue_share')).toMatchObject({
      message: expect.stringContaining('not supplied'),
      actual: null,
    });
    expect(gap(f, 'innovation_score')?.message).toContain('growth scores 12/20');
  });

  it('leader gaps: revenue, growth, R&D and debt amounts', () => {
    const f = {
      ...domainExampleFacts(),
      highTechCertificate: { issuedOn: '2025-01-01' },
      totalLiabilities: 70_000_000,
    };
    f.financials[0].revenue = 40_000_000; // 42M / 40M: growth 2.47%; 1.05² x 40M = 44.1M
    expect(gap(f, 'revenue')?.message).toBe('Revenue 42,000,000 in 2025, needs 50,000,000: 8,000,000 more');
    expect(gap(f, 'revenue_growth')?.message).toBe(
      'Two-year compound revenue growth 2.47%, needs 5%: about 2,100,000 more revenue in 2025',
    );
    expect(gap(f, 'rd_investment')?.message).toBe('R&D of 2024-2025 is 4,000,000, needs 12,000,000: 8,000,000 more');
    expect(gap(f, 'debt_ratio')?.message).toBe('Debt ratio 87.5%, at most 75%: about 10,000,000 less liabilities');
    expect(gap(f, 'class_one_ip')?.messageZh).toBe('Ⅰ类知识产权 0 件，需达到 4 件：还差 4 件');
  });

  it('a region requiring the whole revenue from the main business gets a sentence, not an amount', () => {
    const f = { ...domainExampleFacts(), highTechCertificate: { issuedOn: '2025-01-01' } };
    f.financials[1].mainBusinessRevenue = f.financials[1].revenue - 1_000;
    const config = {
      ...CN_2026_DEFAULT_CONFIG,
      leader: { ...CN_2026_DEFAULT_CONFIG.leader, mainBusinessShareMin: 1 },
    };
    const found = evaluateCn2026(f, config).gaps.find((g) => g.code === 'main_business_share');
    expect(found?.message).toMatch(/needs 100%: all revenue must come from the main business$/);
  });

  it('every gap has an English and a Chinese sentence', () => {
    const f = {
      ...domainExampleFacts(),
      employees: 600,
      techStaff: 0,
      supportedField: false,
      innovation: undefined,
      totalLiabilities: undefined,
    };
    f.declarations = {
      majorViolation: true,
      restrictedIndustry: true,
      dishonestyList: true,
      superDeductionExcluded: true,
    };
    for (const g of [...gaps(f), ...gaps(f, { tier: 'high_tech' })]) {
      expect(g.message.length).toBeGreaterThan(10);
      expect(g.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
