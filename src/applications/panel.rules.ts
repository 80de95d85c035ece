/**
 * Expert panel rules (HTE guideline, 专家评审): at least 5 experts drawn at random from the pool, at least 60%
 * technical and at least one finance expert (who scores growth); anyone with a declared conflict is excluded.
 * Pure: the caller passes the pool and the random source.
 */
export type Expertise = 'technical' | 'finance';

export interface PanelRules {
  size: number;
  /** Technical experts at least size × num / den. */
  technicalShare: { num: number; den: number };
  minFinance: number;
}

export const HIGH_TECH_PANEL: PanelRules = { size: 5, technicalShare: { num: 3, den: 5 }, minFinance: 1 };

export interface Reviewer {
  id: string;
  expertise: Expertise;
}

export interface PanelMember extends Reviewer {
  status: 'pending' | 'scored' | 'declined';
}

export class PanelPoolTooSmall extends Error {
  constructor(readonly needed: string) {
    super(`The reviewer pool cannot satisfy the panel rules: ${needed}`);
  }
}

const minTechnical = (rules: PanelRules) =>
  Math.ceil((rules.size * rules.technicalShare.num) / rules.technicalShare.den);

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Draws a panel; throws PanelPoolTooSmall naming what is missing. */
export function drawPanel(
  pool: Reviewer[],
  excluded: Set<string>,
  rules: PanelRules,
  random: () => number,
): Reviewer[] {
  const eligible = shuffled(
    pool.filter((r) => !excluded.has(r.id)),
    random,
  );
  const technical = eligible.filter((r) => r.expertise === 'technical');
  const finance = eligible.filter((r) => r.expertise === 'finance');
  const needTechnical = minTechnical(rules);
  if (finance.length < rules.minFinance)
    throw new PanelPoolTooSmall(`${rules.minFinance} finance expert(s), ${finance.length} available`);
  if (technical.length < needTechnical)
    throw new PanelPoolTooSmall(`${needTechnical} technical experts, ${technical.length} available`);
  if (eligible.length < rules.size) throw new PanelPoolTooSmall(`${rules.size} experts, ${eligible.length} available`);
  const chosen = [...finance.slice(0, rules.minFinance), ...technical.slice(0, needTechnical)];
  const rest = eligible.filter((r) => !chosen.includes(r));
  return [...chosen, ...rest.slice(0, rules.size - chosen.length)];
}

/** True when the panel (declined members left out) still meets the rules. */
export function panelMeetsRules(members: Reviewer[], rules: PanelRules): boolean {
  const technical = members.filter((m) => m.expertise === 'technical').length;
  const finance = members.filter((m) => m.expertise === 'finance').length;
  return members.length >= rules.size && technical >= minTechnical(rules) && finance >= rules.minFinance;
}

/** A replacement for a member who declined, keeping the rules: same expertise first, else any that still fits. */
export function drawReplacement(
  panel: PanelMember[],
  decliningId: string,
  pool: Reviewer[],
  excluded: Set<string>,
  rules: PanelRules,
  random: () => number,
): Reviewer {
  const remaining = panel.filter((m) => m.id !== decliningId && m.status !== 'declined');
  const declining = panel.find((m) => m.id === decliningId)!;
  const taken = new Set(panel.map((m) => m.id));
  const candidates = shuffled(
    pool.filter((r) => !excluded.has(r.id) && !taken.has(r.id)),
    random,
  ).sort((a, b) => Number(b.expertise === declining.expertise) - Number(a.expertise === declining.expertise));
  const fit = candidates.find((c) => panelMeetsRules([...remaining, c], rules));
  if (!fit) throw new PanelPoolTooSmall(`a ${declining.expertise} replacement, none available`);
  return fit;
}

export interface ExpertScore {
  ip: number;
  conversion: number;
  rdManagement: number;
  growth: number | null;
  comment: string;
}

/**
 * 综合得分70分以上（不含70分）: a panel's score passes when it is more than 70. Members score whole points, so 71 is the
 * lowest whole total that passes (the rubric's published `passMark`); the panel's score is a mean, and 70.4 is more
 * than 70.
 */
export function passesPanelScore(total: number, passMark: number): boolean {
  return total > passMark - 1;
}

/** HTE guideline: reviewers whose total is more than 15 points from the panel mean are flagged for calibration. */
export const CALIBRATION_SPREAD = 15;

/**
 * The panel score: each part averaged over the members who scored it; growth (成长性) from the finance expert(s),
 * falling back to the computed value. A member's total uses the panel's growth when they did not score growth.
 */
export function panelResult(scores: Record<string, ExpertScore>, computedGrowth: number) {
  const entries = Object.entries(scores);
  const avg = (values: number[]) =>
    values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : 0;
  const growthScores = entries.map(([, s]) => s.growth).filter((g): g is number => g !== null);
  const growth = growthScores.length ? avg(growthScores) : computedGrowth;
  const part = (k: 'ip' | 'conversion' | 'rdManagement') => avg(entries.map(([, s]) => s[k]));
  const totals = Object.fromEntries(
    entries.map(([id, s]) => [id, s.ip + s.conversion + s.rdManagement + (s.growth ?? growth)]),
  );
  const mean = avg(Object.values(totals));
  const flagged = Object.entries(totals)
    .filter(([, total]) => Math.abs(total - mean) > CALIBRATION_SPREAD)
    .map(([id]) => id)
    .sort();
  const score = { ip: part('ip'), conversion: part('conversion'), rdManagement: part('rdManagement'), growth };
  return {
    ...score,
    total: Math.round((score.ip + score.conversion + score.rdManagement + growth) * 100) / 100,
    totals,
    mean,
    flagged,
  };
}
