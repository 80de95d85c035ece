import { chinaToday } from '../lib/format';
import { ApiError, api } from './client';
import type { PipelineSummary } from './pipeline';
import type { Page } from './types';

const TIERS = ['startup', 'tech_sme', 'high_tech', 'leader'];
const COLOURS = ['orange', 'red', 'blue', 'green'];

/**
 * `GET /api/pipeline/summary`, or — on a server without the pipeline module (404) — the tier × colour table counted
 * from the enterprise registry (`total` of 16 filtered one-row pages), so the dashboard still shows the registry.
 */
export async function pipelineSummary(year: number, district?: string): Promise<PipelineSummary & { partial?: boolean }> {
  try {
    return await api.get<PipelineSummary>('/api/pipeline/summary', { year, district });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  const cells = await Promise.all(
    TIERS.flatMap((tier) =>
      COLOURS.map(async (colour) => ({
        tier,
        colour,
        count: (await api.get<Page<unknown>>('/api/enterprises', { tier, colour, district, pageSize: 1 })).total,
      })),
    ),
  );
  const sum = (pick: (c: (typeof cells)[number]) => boolean) => cells.filter(pick).reduce((n, c) => n + c.count, 0);
  const zero = { total: 0, open: 0, withdrawn: 0, recognised: 0, rejected: 0, decided: 0, passRate: null };
  return {
    partial: true,
    year,
    district: district ?? null,
    asOf: chinaToday(),
    counts: cells,
    totals: {
      enterprises: sum(() => true),
      byTier: TIERS.map((tier) => ({ tier, count: sum((c) => c.tier === tier) })),
      byColour: COLOURS.map((colour) => ({ colour, count: sum((c) => c.colour === colour) })),
    },
    exited: { count: 0 },
    funnel: { year, steps: [] },
    applications: { byTier: TIERS.slice(1).map((tier) => ({ tier, ...zero })), total: zero },
    grants: { available: false, programmes: [], totals: { count: 0, amount: 0, paidAmount: 0, budget: 0, budgetUsed: 0, budgetUsedRate: null } },
  };
}
