import {
  barFor,
  CertificationFacts,
  heldTier,
  numberProblem,
  recognitionKind,
  validUntil,
} from './certification.rules';

const cert = (over: Partial<CertificationFacts>): CertificationFacts => ({
  id: 'c',
  tier: 'high_tech',
  issuedOn: '2024-12-01',
  validUntil: '2027-11-30',
  status: 'active',
  ...over,
});

describe('certification rules', () => {
  it('computes validity: tech SME to the end of its year, high-tech 3 years, leader by region', () => {
    expect(validUntil('tech_sme', '2025-04-10', 3)).toBe('2025-12-31');
    expect(validUntil('high_tech', '2024-12-01', 3)).toBe('2027-11-30');
    expect(validUntil('high_tech', '2024-02-29', 3)).toBe('2027-02-28');
    expect(validUntil('leader', '2025-01-01', 5)).toBe('2029-12-31');
  });

  it('holds the highest active tier', () => {
    expect(heldTier([])).toBe('startup');
    expect(heldTier([cert({ tier: 'tech_sme' }), cert({ tier: 'high_tech', status: 'expired' })])).toBe('tech_sme');
    expect(heldTier([cert({ tier: 'tech_sme' }), cert({ tier: 'leader' }), cert({})])).toBe('leader');
  });

  it('bars a revoked tech SME for the rest of the year and everything for 3 years after fraud', () => {
    const revoked = cert({
      tier: 'tech_sme',
      status: 'revoked',
      revocation: { fraud: false, revokedOn: '2026-03-10' },
    });
    expect(barFor([revoked], 'tech_sme', '2026-12-31')).toMatchObject({
      until: '2026-12-31',
      reason: 'revoked_this_year',
    });
    expect(barFor([revoked], 'tech_sme', '2027-01-01')).toBeNull();
    expect(barFor([revoked], 'high_tech', '2026-06-01')).toBeNull();
    const fraud = cert({ status: 'revoked', revocation: { fraud: true, revokedOn: '2026-03-10' } });
    expect(barFor([fraud], 'tech_sme', '2029-03-09')).toMatchObject({ until: '2029-03-09', reason: 'fraud' });
    expect(barFor([fraud], 'high_tech', '2029-03-10')).toBeNull();
    expect(barFor([cert({})], 'high_tech', '2026-01-01')).toBeNull();
  });

  it('tells first recognition from renewal by history', () => {
    expect(recognitionKind([], 'high_tech')).toBe('first');
    expect(recognitionKind([cert({ tier: 'tech_sme' })], 'high_tech')).toBe('first');
    expect(recognitionKind([cert({ status: 'expired' })], 'high_tech')).toBe('renewal');
  });

  it('checks number shapes and that the year in the number is the issue year', () => {
    expect(numberProblem('high_tech', 'GR202313000812', '2023-11-20')).toBeNull();
    expect(numberProblem('high_tech', 'GR202313000812', '2024-01-05')).toMatch(/from 2023/);
    expect(numberProblem('high_tech', 'GR2023130008', '2023-11-20')).toMatch(/shape/);
    expect(numberProblem('tech_sme', '2025440111A0032458', '2025-05-01')).toBeNull();
    expect(numberProblem('tech_sme', '2025440111a0032458', '2025-05-01')).toMatch(/shape/);
    expect(numberProblem('leader', 'XM-LJ-2025-001', '2025-05-01')).toBeNull();
  });
});
