import { applicationTables, countTables, funnel, passRate, percent2, rate4 } from './pipeline.rules';

describe('pipeline rules', () => {
  it('rounds rates to 4 places and percentages to 2, null without a base', () => {
    expect(rate4(1083, 2003)).toBe(0.5407);
    expect(passRate(1083, 920)).toEqual({ recognised: 1083, rejected: 920, decided: 2003, passRate: 0.5407 });
    expect(rate4(0, 0)).toBeNull();
    expect(rate4(2, 3)).toBe(0.6667);
    expect(percent2(3, 8)).toBe(37.5);
    expect(percent2(1, 3)).toBe(33.33);
    expect(percent2(5, 0)).toBeNull();
  });

  it('lays out all 16 tier x colour cells, keeps exited apart and lists districts', () => {
    const tables = countTables([
      { district: '湖里区', state: 'startup', colour: 'red', count: 2 },
      { district: '思明区', state: 'startup', colour: 'red', count: 3 },
      { district: '思明区', state: 'high_tech', colour: 'green', count: 1 },
      { district: '思明区', state: 'exited', colour: 'orange', count: 4 },
      { district: '思明区', state: 'leader', colour: 'green', count: 0 },
    ]);
    expect(tables.counts).toHaveLength(16);
    expect(tables.counts.find((c) => c.tier === 'startup' && c.colour === 'red')!.count).toBe(5);
    expect(tables.counts.find((c) => c.tier === 'leader' && c.colour === 'green')!.count).toBe(0);
    expect(tables.totals.enterprises).toBe(6);
    expect(tables.exited).toEqual({ count: 4, byDistrict: [{ district: '思明区', count: 4 }] });
    expect(tables.byDistrict).toHaveLength(3);
    expect(tables.byDistrict.every((r) => r.count > 0 && r.tier !== 'exited')).toBe(true);
  });

  it('computes the funnel as entered / (entered + stock of the rung below)', () => {
    const steps = funnel({ tech_sme: 10, high_tech: 3 }, { startup: 90, tech_sme: 27, high_tech: 5, leader: 1 });
    expect(steps).toEqual([
      { from: 'startup', to: 'tech_sme', entered: 10, stock: 90, rate: 0.1 },
      { from: 'tech_sme', to: 'high_tech', entered: 3, stock: 27, rate: 0.1 },
      { from: 'high_tech', to: 'leader', entered: 0, stock: 5, rate: 0 },
    ]);
    expect(funnel({}, { startup: 0, tech_sme: 0, high_tech: 0, leader: 0 })[0].rate).toBeNull();
  });

  it('tallies applications per tier with open, withdrawn, decided and the pass rate', () => {
    const t = applicationTables([
      { tier: 'high_tech', state: 'recognised', count: 3 },
      { tier: 'high_tech', state: 'rejected', count: 1 },
      { tier: 'high_tech', state: 'withdrawn', count: 2 },
      { tier: 'high_tech', state: 'draft', count: 4 },
      { tier: 'tech_sme', state: 'submitted', count: 1 },
    ]);
    expect(t.byTier.find((r) => r.tier === 'high_tech')).toEqual({
      tier: 'high_tech',
      total: 10,
      open: 4,
      withdrawn: 2,
      recognised: 3,
      rejected: 1,
      decided: 4,
      passRate: 0.75,
    });
    expect(t.total).toMatchObject({ total: 11, open: 5, decided: 4, passRate: 0.75 });
    expect(t.byTierAndState.map((r) => `${r.tier}:${r.state}`)).toEqual([
      'tech_sme:submitted',
      'high_tech:draft',
      'high_tech:recognised',
      'high_tech:rejected',
      'high_tech:withdrawn',
    ]);
  });
});
