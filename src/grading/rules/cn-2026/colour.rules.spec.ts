import type { ColourRule, RegionConfig } from '../region-config';
import type { EvaluationContext, GradingFacts } from '../types';
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from '.';
import { pickColour } from './colour.rules';
import { domainExampleFacts } from './example-facts';

const colour = (f: GradingFacts, ctx?: EvaluationContext, config: RegionConfig = CN_2026_DEFAULT_CONFIG) =>
  evaluateCn2026(f, config, ctx).colour;

/** Meets every high-tech condition. */
const blueFacts = (): GradingFacts => ({
  ...domainExampleFacts(),
  innovation: { ip: 30, conversion: 30, rdManagement: 20 },
});
/** Not a tech SME (too many employees) and far from high-tech. */
const orangeFacts = (): GradingFacts => ({
  ...domainExampleFacts(),
  employees: 600,
  techStaff: 30,
  ip: { classI: 0, classII: 0 },
});

describe('default colour grade (DOMAIN.md section 6), first match wins', () => {
  it('red: tech SME eligible, some high-tech condition unmet (worked example)', () => {
    expect(colour(domainExampleFacts())).toBe('red');
  });

  it('orange: not a tech SME and some high-tech condition unmet', () => {
    expect(colour(orangeFacts())).toBe('orange');
  });

  it('blue: no high-tech condition unmet, unknowns allowed', () => {
    expect(colour(blueFacts())).toBe('blue');
    expect(colour({ ...blueFacts(), supportedField: undefined, innovation: undefined })).toBe('blue');
  });

  it('blue comes before red and orange: a non-tech-SME meeting high-tech conditions is blue', () => {
    const f = { ...blueFacts(), totalAssets: 300_000_000 };
    expect(evaluateCn2026(f).techSme.eligible).toBe(false);
    expect(colour(f)).toBe('blue');
  });

  it('green: a certificate valid at asOf, over anything else', () => {
    expect(colour({ ...orangeFacts(), highTechCertificate: { issuedOn: '2024-01-01' } })).toBe('green');
    expect(colour({ ...blueFacts(), highTechCertificate: { issuedOn: '2026-06-30' } })).toBe('green');
    expect(colour({ ...orangeFacts(), highTechCertificate: { issuedOn: '2023-06-30' } })).toBe('orange'); // expired at asOf
  });

  it('green: the held tier high_tech or leader, without certificate data; not other tiers', () => {
    expect(colour(orangeFacts(), { tier: 'leader' })).toBe('green');
    expect(colour(orangeFacts(), { tier: 'high_tech' })).toBe('green');
    expect(colour(orangeFacts(), { tier: 'tech_sme' })).toBe('orange');
    expect(colour(domainExampleFacts(), { tier: 'startup' })).toBe('red');
  });
});

describe('custom colour mapping', () => {
  const config = (colours: ColourRule[]): RegionConfig => ({ ...CN_2026_DEFAULT_CONFIG, colours });

  it('follows the configured order and predicates', () => {
    const strict = config([
      { colour: 'green', when: 'high_tech_all_met' },
      { colour: 'blue', when: 'tech_sme_eligible' },
      { colour: 'orange', when: 'always' },
    ]);
    expect(colour(blueFacts(), undefined, strict)).toBe('green');
    expect(colour({ ...blueFacts(), supportedField: undefined }, undefined, strict)).toBe('blue');
    expect(colour(orangeFacts(), undefined, strict)).toBe('orange');
  });

  it('supports the leader predicates', () => {
    const inputs = { holdsHighTech: true, techSmeEligible: true, highTechChecks: [], leaderChecks: [] };
    const rules: ColourRule[] = [
      { colour: 'green', when: 'leader_all_met' },
      { colour: 'blue', when: 'leader_no_unmet' },
      { colour: 'red', when: 'always' },
    ];
    const c = (status: 'met' | 'unmet' | 'unknown') => ({ code: 'revenue', status, actual: null, required: null });
    expect(pickColour(rules, { ...inputs, leaderChecks: [c('met')] })).toBe('green');
    expect(pickColour(rules, { ...inputs, leaderChecks: [c('met'), c('unknown')] })).toBe('blue');
    expect(pickColour(rules, { ...inputs, leaderChecks: [c('unmet'), c('unknown')] })).toBe('red');
  });

  it('falls back to orange when no rule matches', () => {
    expect(colour(orangeFacts(), undefined, config([{ colour: 'green', when: 'tech_sme_eligible' }]))).toBe('orange');
  });
});
