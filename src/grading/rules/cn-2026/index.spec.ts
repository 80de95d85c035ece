import { currentRuleSetId, ruleSets } from '../rule-set';
import { validateRegionConfig } from '../region-config';
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from '.';
import { domainExampleFacts } from './example-facts';

describe('cn-2026 worked example (DOMAIN.md section 7)', () => {
  const result = evaluateCn2026(domainExampleFacts());

  it('tech SME: score 74 = 16 + 40 + 18 by score', () => {
    expect(result.ruleSet).toBe('cn-2026');
    expect(result.techSme).toEqual({
      eligible: true,
      route: 'score',
      score: 74,
      scores: { techStaff: 16, rdInvestment: 40, ipResults: 18 },
      failed: [],
    });
  });

  it('high-tech: rd_expense_ratio 0.0509 / 0.05 met, innovation 63 / 71 unmet, growth 6 + 6', () => {
    expect(result.highTech.eligible).toBe(false);
    expect(result.highTech.checks).toContainEqual({
      code: 'rd_expense_ratio',
      status: 'met',
      actual: 0.0509,
      required: 0.05,
    });
    expect(result.highTech.checks).toContainEqual({
      code: 'innovation_score',
      status: 'unmet',
      actual: 63,
      required: 71,
    });
    expect(result.highTech.checks.filter((c) => c.status !== 'met').map((c) => c.code)).toEqual(['innovation_score']);
    expect(result.highTech.innovationScore).toEqual({
      ip: 18,
      conversion: 19,
      rdManagement: 14,
      growth: 12,
      total: 63,
    });
  });

  it('leader not eligible, colour red, one high-tech gap', () => {
    expect(result.leader.eligible).toBe(false);
    expect(result.colour).toBe('red');
    expect(result.gaps.map(({ tier, code, actual, required }) => ({ tier, code, actual, required }))).toEqual([
      { tier: 'high_tech', code: 'innovation_score', actual: 63, required: 71 },
    ]);
  });

  it('is pure: the same input gives the same result and the input is not changed', () => {
    const facts = domainExampleFacts();
    const before = JSON.stringify(facts);
    expect(evaluateCn2026(facts)).toEqual(evaluateCn2026(facts));
    expect(JSON.stringify(facts)).toBe(before);
  });

  it('results are plain JSON (no BigInt leaks) even with money near 10^15', () => {
    const facts = domainExampleFacts();
    facts.financials.forEach((y, i) =>
      Object.assign(y, { revenue: 4e15 + i, rdExpense: 2e14, domesticRdExpense: 2e14, netAssets: 3e15 + i }),
    );
    facts.totalAssets = 9e15;
    facts.totalLiabilities = 8e15;
    const result = evaluateCn2026(facts, CN_2026_DEFAULT_CONFIG, { tier: 'high_tech' });
    expect(() => JSON.stringify(result)).not.toThrow();
    expect(result.highTech.checks[4]).toMatchObject({
      code: 'rd_expense_ratio',
      status: 'met',
      actual: 0.05,
      required: 0.03,
    });
  });

  it('rejects facts without any accounting year (a precondition, not a grade)', () => {
    expect(() => evaluateCn2026({ ...domainExampleFacts(), financials: [] })).toThrow(RangeError);
  });
});

describe('rule set registry', () => {
  it('registers cn-2026 as the current rule set with a valid default configuration', () => {
    expect(currentRuleSetId).toBe('cn-2026');
    const set = ruleSets[currentRuleSetId];
    expect(set.id).toBe('cn-2026');
    expect(validateRegionConfig(set.defaultConfig)).toEqual([]);
    expect(set.evaluate(domainExampleFacts(), set.defaultConfig).techSme.score).toBe(74);
  });

  it('the default colour mapping is DOMAIN.md section 6', () => {
    expect(CN_2026_DEFAULT_CONFIG.colours).toEqual([
      { colour: 'green', when: 'holds_high_tech_or_leader' },
      { colour: 'blue', when: 'high_tech_no_unmet' },
      { colour: 'red', when: 'tech_sme_eligible' },
      { colour: 'orange', when: 'always' },
    ]);
  });
});
