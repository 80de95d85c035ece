/**
 * Pure definitions of the pipeline figures (no framework imports): the vocabulary, the rates and how the summary's
 * tables are laid out. The SQL that counts lives in the services; what the numbers mean is fixed here, once.
 */
import { APPLICATION_STATES, FINAL_APPLICATION_STATES } from '../applications/application.machine';
import { TIERS } from '../enterprises/tier.machine';
import { RESERVING_STATES } from '../subsidies/grant.machine';

// The vocabulary is the machines' own: tiers, final application states and reserving grant states are not repeated.
export { APPLICATION_STATES, FINAL_APPLICATION_STATES, TIERS };
export type PipelineTier = (typeof TIERS)[number];
export const CERTIFIED_TIERS = ['tech_sme', 'high_tech', 'leader'] as const;
export type CertifiedTier = (typeof CERTIFIED_TIERS)[number];
/** Colours in the order a caseworker reads them: furthest from the next rung first. */
export const COLOURS = ['orange', 'red', 'blue', 'green'] as const;
export type PipelineColour = (typeof COLOURS)[number];

/** Grant states holding a budget reservation (the grant machine's). */
export const RESERVING_GRANT_STATES = RESERVING_STATES;
/** Of those, the ones whose amount is not yet paid out ("pending" money). */
export const PENDING_GRANT_STATES = RESERVING_STATES.filter((s) => s !== 'paid' && s !== 'clawed_back');

export const TARGET_METRICS = ['new_tech_sme', 'new_high_tech', 'new_leader', 'applications', 'grants_amount'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
/** A target for the whole region rather than one district. */
export const ALL_DISTRICTS = '*';

/** `n/d` as a fraction rounded to 4 places (1,083 of 2,003 is 0.5407), or null when nothing was decided. */
export function rate4(n: number, d: number): number | null {
  if (!d) return null;
  return Math.round((n * 10_000) / d) / 10_000;
}

/** `n/d` as a percentage rounded to 2 places (3 of 8 is 37.5), or null when the target is 0. */
export function percent2(n: number, d: number): number | null {
  if (!d) return null;
  return Math.round((n * 10_000) / d) / 100;
}

/** Pass rate (通过率): recognised over decided, where decided = recognised + rejected (withdrawn is not a decision). */
export function passRate(recognised: number, rejected: number) {
  const decided = recognised + rejected;
  return { recognised, rejected, decided, passRate: rate4(recognised, decided) };
}

/**
 * The funnel (梯次培育漏斗) of a year, one step per rung: startup → tech SME → high-tech → leader.
 *
 * - `entered`: enterprises whose FIRST certification of the step's upper tier (certifications.kind = 'first', any
 *   status now, any source) was issued in the year, by the enterprise's current district. An enterprise that skips a
 *   rung (a startup recognised high-tech directly) counts in the step it entered.
 * - `stock`: enterprises at the step's lower tier today (not exited), from the tier x colour counters.
 * - `rate` = entered / (entered + stock), rounded to 4 places: of the enterprises that were at the lower rung or left
 *   it upwards this year, the share that moved up. `stock` is today's, so for a past year the rate sets that year's
 *   entries against today's stock; for the current year it is the running conversion.
 */
export const FUNNEL_STEPS: readonly { from: PipelineTier; to: CertifiedTier }[] = [
  { from: 'startup', to: 'tech_sme' },
  { from: 'tech_sme', to: 'high_tech' },
  { from: 'high_tech', to: 'leader' },
];

export const FUNNEL_DEFINITION =
  "entered: enterprises whose first certification of the upper tier (kind 'first') was issued in the year; " +
  'stock: enterprises at the lower tier today (exited excluded); rate = entered / (entered + stock), 4 places';

export function funnel(entered: Partial<Record<CertifiedTier, number>>, stock: Record<PipelineTier, number>) {
  return FUNNEL_STEPS.map(({ from, to }) => {
    const e = entered[to] ?? 0;
    const s = stock[from] ?? 0;
    return { from, to, entered: e, stock: s, rate: rate4(e, e + s) };
  });
}

export interface CountRow {
  district: string;
  state: string;
  colour: string;
  count: number;
}

/**
 * The tier x colour table (all 16 cells, zeros included, tiers then colours in ladder order), the exited enterprises
 * apart, and the per-district breakdown (non-zero cells only). Rows with an unknown colour or state are kept in the
 * per-district list and totals so nothing is silently dropped.
 */
export function countTables(rows: CountRow[]) {
  const cells = new Map<string, number>();
  const byTier: Record<string, number> = Object.fromEntries(TIERS.map((t) => [t, 0]));
  const byColour: Record<string, number> = Object.fromEntries(COLOURS.map((c) => [c, 0]));
  const exitedByDistrict = new Map<string, number>();
  let exited = 0;
  let enterprises = 0;
  const byDistrict: CountRow[] = [];
  for (const row of rows) {
    if (!row.count) continue;
    if (row.state === 'exited') {
      exited += row.count;
      exitedByDistrict.set(row.district, (exitedByDistrict.get(row.district) ?? 0) + row.count);
      continue;
    }
    enterprises += row.count;
    byTier[row.state] = (byTier[row.state] ?? 0) + row.count;
    byColour[row.colour] = (byColour[row.colour] ?? 0) + row.count;
    const key = `${row.state}|${row.colour}`;
    cells.set(key, (cells.get(key) ?? 0) + row.count);
    byDistrict.push(row);
  }
  const counts = TIERS.flatMap((tier) =>
    COLOURS.map((colour) => ({ tier, colour, count: cells.get(`${tier}|${colour}`) ?? 0 })),
  );
  byDistrict.sort(
    (a, b) =>
      a.district.localeCompare(b.district, 'zh') ||
      rank(TIERS, a.state) - rank(TIERS, b.state) ||
      rank(COLOURS, a.colour) - rank(COLOURS, b.colour),
  );
  return {
    counts,
    totals: {
      enterprises,
      byTier: Object.entries(byTier).map(([tier, count]) => ({ tier, count })),
      byColour: Object.entries(byColour).map(([colour, count]) => ({ colour, count })),
    },
    exited: {
      count: exited,
      byDistrict: [...exitedByDistrict.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'zh'))
        .map(([district, count]) => ({ district, count })),
    },
    byDistrict: byDistrict.map((r) => ({ district: r.district, tier: r.state, colour: r.colour, count: r.count })),
  };
}

function rank(list: readonly string[], value: string) {
  const i = list.indexOf(value);
  return i < 0 ? list.length : i;
}

export interface ApplicationCountRow {
  tier: string;
  state: string;
  count: number;
}

/** Applications by tier and state, per tier and in total, each with its pass rate. */
export function applicationTables(rows: ApplicationCountRow[]) {
  const tally = (subset: ApplicationCountRow[]) => {
    const of = (state: string) => subset.filter((r) => r.state === state).reduce((s, r) => s + r.count, 0);
    const total = subset.reduce((s, r) => s + r.count, 0);
    const withdrawn = of('withdrawn');
    const decided = passRate(of('recognised'), of('rejected'));
    return {
      total,
      open: total - decided.decided - withdrawn,
      withdrawn,
      ...decided,
    };
  };
  const byTierAndState = rows
    .filter((r) => r.count > 0)
    .sort(
      (a, b) =>
        rank(TIERS, a.tier) - rank(TIERS, b.tier) ||
        rank(APPLICATION_STATES, a.state) - rank(APPLICATION_STATES, b.state),
    );
  return {
    byTierAndState,
    byTier: CERTIFIED_TIERS.map((tier) => ({ tier, ...tally(rows.filter((r) => r.tier === tier)) })),
    total: tally(rows),
  };
}

/** Ordering keys of the candidates list, as documented on `GET /api/pipeline/candidates`. */
export const CANDIDATE_DEFINITIONS: Record<CertifiedTier, string> = {
  tech_sme:
    'startups (not exited); tech-SME eligible by the stored evaluation first, then the rest by fewest tech-SME gaps; ' +
    'ties by higher tech SME score, then name; enterprises never evaluated last',
  high_tech:
    'startups and tech SMEs (not exited) coloured blue or red; blue first, then by fewest high-tech gaps in the stored ' +
    'evaluation; ties by fewest gaps overall, then name; enterprises never evaluated last',
  leader:
    'high-tech enterprises (tier high_tech); by fewest leader gaps in the stored evaluation, then name; enterprises ' +
    'never evaluated last',
};

/** What "actual" and the projection's pipeline count, per target metric (stated in every progress answer). */
export const TARGET_DEFINITIONS: Record<TargetMetric, { actual: string; projection: string }> = {
  new_tech_sme: {
    actual:
      "enterprises whose first tech SME registration (certification kind 'first') was issued from 1 January of the " +
      'year to asOf, by their current district',
    projection:
      'actual plus enterprises not exited that never held a tech SME registration and are either startups that the ' +
      'stored evaluation finds tech-SME eligible, or have an open tech SME application (not recognised, rejected or ' +
      'withdrawn; drafts included)',
  },
  new_high_tech: {
    actual:
      "enterprises whose first high-tech certificate (certification kind 'first') was issued from 1 January of the " +
      'year to asOf, by their current district',
    projection:
      'actual plus enterprises not exited that never held a high-tech certificate and are coloured blue or have an ' +
      'open high-tech application (not recognised, rejected or withdrawn; drafts included)',
  },
  new_leader: {
    actual:
      "enterprises whose first leader designation (certification kind 'first') was issued from 1 January of the " +
      'year to asOf, by their current district',
    projection:
      'actual plus enterprises not exited that never held a leader designation and have an open leader application',
  },
  applications: {
    actual:
      'applications submitted for the first time (SUBMIT from draft, per the audit log) from 1 January of the year ' +
      "to asOf, by the applicant's current district",
    projection: 'actual plus the applications still in draft of enterprises not exited',
  },
  grants_amount: {
    actual:
      'whole yuan of grants now in state paid whose payment date (paid_on) is from 1 January of the year to asOf ' +
      '(clawed-back grants excluded), by the enterprise’s current district',
    projection:
      'actual plus the amounts reserved but not yet paid (grants eligible, notified, confirmed or approved) of ' +
      'enterprises not exited; waitlisted and needs-data grants are not counted (not funded, or amount unknown)',
  },
};

/** The pipeline adds to the projection only while the year can still gain from it (this year or later). */
export const PROJECTION_NOTE =
  'the pipeline is counted for the current and later years only; for a past year the projection equals the actual';
