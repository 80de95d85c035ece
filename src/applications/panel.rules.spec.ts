import {
  drawPanel,
  drawReplacement,
  HIGH_TECH_PANEL,
  panelMeetsRules,
  PanelPoolTooSmall,
  panelResult,
  passesPanelScore,
  Reviewer,
} from './panel.rules';

const pool = (technical: number, finance: number): Reviewer[] => [
  ...Array.from({ length: technical }, (_, i) => ({ id: `t${i}`, expertise: 'technical' as const })),
  ...Array.from({ length: finance }, (_, i) => ({ id: `f${i}`, expertise: 'finance' as const })),
];

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('panel rules', () => {
  it('draws 5 with at least 3 technical and 1 finance, excluding conflicts, for many random draws', () => {
    for (let s = 1; s < 200; s++) {
      const panel = drawPanel(pool(8, 3), new Set(['t0', 'f1']), HIGH_TECH_PANEL, seeded(s));
      expect(panel).toHaveLength(5);
      expect(new Set(panel.map((p) => p.id)).size).toBe(5);
      expect(panel.filter((p) => p.expertise === 'technical').length).toBeGreaterThanOrEqual(3);
      expect(panel.filter((p) => p.expertise === 'finance').length).toBeGreaterThanOrEqual(1);
      expect(panel.map((p) => p.id)).not.toContain('t0');
      expect(panel.map((p) => p.id)).not.toContain('f1');
    }
  });

  it('fails clearly when the pool is too small', () => {
    expect(() => drawPanel(pool(10, 0), new Set(), HIGH_TECH_PANEL, Math.random)).toThrow(/finance/);
    expect(() => drawPanel(pool(2, 3), new Set(), HIGH_TECH_PANEL, Math.random)).toThrow(/technical/);
    expect(() => drawPanel(pool(3, 1), new Set(), HIGH_TECH_PANEL, Math.random)).toThrow(PanelPoolTooSmall);
    expect(() => drawPanel(pool(4, 1), new Set(['t0']), HIGH_TECH_PANEL, Math.random)).toThrow(PanelPoolTooSmall);
  });

  it('replaces a declining member keeping the rules, preferring the same expertise', () => {
    const members = drawPanel(pool(4, 2), new Set(), HIGH_TECH_PANEL, seeded(3)).map((m) => ({
      ...m,
      status: 'pending' as const,
    }));
    const finance = members.find((m) => m.expertise === 'finance')!;
    const all = pool(4, 2);
    const replacement = drawReplacement(members, finance.id, all, new Set([finance.id]), HIGH_TECH_PANEL, seeded(5));
    expect(members.map((m) => m.id)).not.toContain(replacement.id);
    const after = [...members.filter((m) => m.id !== finance.id), replacement];
    expect(panelMeetsRules(after, HIGH_TECH_PANEL)).toBe(true);
    const exhausted = pool(4, 1);
    const small = drawPanel(exhausted, new Set(), HIGH_TECH_PANEL, seeded(1)).map((m) => ({
      ...m,
      status: 'pending' as const,
    }));
    const onlyFinance = small.find((m) => m.expertise === 'finance')!;
    expect(() =>
      drawReplacement(small, onlyFinance.id, exhausted, new Set([onlyFinance.id]), HIGH_TECH_PANEL, seeded(1)),
    ).toThrow(PanelPoolTooSmall);
  });

  it('averages the parts, takes growth from the finance expert, and flags totals more than 15 from the mean', () => {
    const result = panelResult(
      {
        a: { ip: 20, conversion: 20, rdManagement: 15, growth: null, comment: '' },
        b: { ip: 22, conversion: 20, rdManagement: 15, growth: null, comment: '' },
        c: { ip: 20, conversion: 21, rdManagement: 14, growth: null, comment: '' },
        d: { ip: 5, conversion: 5, rdManagement: 5, growth: null, comment: '' },
        f: { ip: 20, conversion: 20, rdManagement: 15, growth: 12, comment: '' },
      },
      8,
    );
    expect(result.growth).toBe(12);
    expect(result.ip).toBe(17.4);
    expect(result.totals.d).toBe(27);
    expect(result.flagged).toEqual(['d']);
    expect(panelResult({ a: { ip: 1, conversion: 1, rdManagement: 1, growth: null, comment: '' } }, 8).growth).toBe(8);
  });

  it('passes a panel score of more than 70: a mean of 70.01 passes, 70 does not, whatever the whole-point mark 71', () => {
    expect(passesPanelScore(70, 71)).toBe(false);
    expect(passesPanelScore(70.01, 71)).toBe(true);
    expect(passesPanelScore(71, 71)).toBe(true);
    expect(passesPanelScore(69.99, 71)).toBe(false);
  });
});
