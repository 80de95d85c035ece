import { Injectable } from '@nestjs/common';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import type { Gap } from '../grading/rules/types';
import { PipelineCounters, type YearCountRow, type YearMetric } from './pipeline-counters';
import type { CandidatesQueryDto, SummaryQueryDto } from './pipeline.dto';
import {
  applicationTables,
  CANDIDATE_DEFINITIONS,
  type CertifiedTier,
  countTables,
  funnel,
  FUNNEL_DEFINITION,
  PENDING_GRANT_STATES,
  type PipelineTier,
  rate4,
  RESERVING_GRANT_STATES,
  TIERS,
} from './pipeline.rules';
import { num, PipelineSql } from './pipeline-sql';

export const APPLICATIONS_DEFINITION =
  'applications created in the year (China time), by target tier and current state; passRate = recognised / decided ' +
  'where decided = recognised + rejected (withdrawn is not a decision), 4 places, null when nothing was decided';

export const GRANTS_DEFINITION =
  "grants of the year's programmes (period = year), per programme code: count and amount of the grants holding a " +
  'budget reservation (eligible, notified, confirmed, approved, paid, clawed_back); pending = reserved but not paid; ' +
  "budget and budgetUsed are the programme's (its latest version: budget and reserved), whatever the district filter";

/**
 * The managers' pipeline (梯次培育): where the enterprises stand (tier x colour), how many moved up this year, the
 * applications of the year and the grants of the year's programmes; and the enterprises most likely to climb next.
 *
 * Performance: every count comes from trigger-kept counters of a few hundred rows whatever the registry size: the
 * tier x colour x district table (migrations/1763700008000-targets.ts) and the year's funnel, applications and grants
 * (migrations/1763700010000-pipeline-year-counts.ts); besides those two reads, only the year's programmes are read.
 */
@Injectable()
export class PipelineService {
  constructor(
    private readonly sql: PipelineSql,
    private readonly counters: PipelineCounters,
  ) {}

  async summary(query: SummaryQueryDto) {
    const today = chinaToday();
    const year = query.year ?? Number(today.slice(0, 4));
    const district = query.district;
    const [countRows, yearRows, programmes] = await Promise.all([
      this.counters.read(district),
      this.counters.readYear(year, district),
      this.programmes(year),
    ]);
    const of = (metric: YearMetric) => yearRows.filter((r) => r.metric === metric);
    const grants = this.grants(year, programmes, of('grants'));

    const tables = countTables(countRows);
    const stock = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<PipelineTier, number>;
    for (const row of tables.totals.byTier) stock[row.tier as PipelineTier] = row.count;
    const entered: Partial<Record<CertifiedTier, number>> = {};
    for (const r of of('funnel')) entered[r.k1 as CertifiedTier] = r.n;

    return {
      year,
      district: district ?? null,
      asOf: today,
      counts: tables.counts,
      totals: tables.totals,
      exited: district !== undefined ? { count: tables.exited.count } : tables.exited,
      ...(district === undefined ? { byDistrict: tables.byDistrict } : {}),
      funnel: { year, definition: FUNNEL_DEFINITION, steps: funnel(entered, stock) },
      applications: {
        year,
        definition: APPLICATIONS_DEFINITION,
        ...applicationTables(of('applications').map((r) => ({ tier: r.k1, state: r.k2, count: r.n }))),
      },
      grants,
    };
  }

  /** The year's programmes, oldest version first; null without the subsidies tables. */
  private async programmes(year: number): Promise<Record<string, any>[] | null> {
    if (!(await this.sql.hasTable('grants')) || !(await this.sql.hasTable('programmes'))) return null;
    return this.sql.rows(
      'SELECT code, version, name, status, budget, reserved FROM programmes WHERE period = :year ORDER BY code, version',
      { year },
    );
  }

  /**
   * Grants of the year's programmes, per programme code, from the year's grant counters (code, state: count and
   * amount); the subsidies tables are read by name (absent: none).
   */
  private grants(year: number, programmes: Record<string, any>[] | null, counted: YearCountRow[]) {
    const base = { period: year, definition: GRANTS_DEFINITION };
    if (!programmes) return { ...base, available: false, programmes: [], totals: grantTotals([]) };
    const rows = counted.map((r) => ({ code: r.k1, state: r.k2, n: r.n, amount: r.amount }));
    // The latest version of a code holds its budget (a new version carries the reservation over).
    const holders = new Map<string, Record<string, any>>();
    for (const p of programmes) holders.set(p.code, p);
    const codes = [...new Set([...holders.keys(), ...rows.map((r) => r.code as string)])].sort();
    const list = codes.map((code) => {
      const holder = holders.get(code);
      const mine = rows.filter((r) => r.code === code);
      const of = (states: readonly string[]) => {
        const picked = mine.filter((r) => states.includes(r.state));
        return {
          count: picked.reduce((s, r) => s + num(r.n), 0),
          amount: picked.reduce((s, r) => s + num(r.amount), 0),
        };
      };
      const reserving = of(RESERVING_GRANT_STATES);
      const pending = of(PENDING_GRANT_STATES);
      const paid = of(['paid']);
      const budget = holder ? num(holder.budget) : 0;
      const budgetUsed = holder ? num(holder.reserved) : 0;
      return {
        code,
        name: holder?.name ?? null,
        version: holder ? num(holder.version) : null,
        status: holder?.status ?? null,
        count: reserving.count,
        amount: reserving.amount,
        pendingCount: pending.count,
        pendingAmount: pending.amount,
        paidCount: paid.count,
        paidAmount: paid.amount,
        waitlisted: of(['waitlisted']).count,
        needsData: of(['needs_data']).count,
        cancelled: of(['cancelled']).count,
        budget,
        budgetUsed,
        budgetRemaining: budget - budgetUsed,
        budgetUsedRate: rate4(budgetUsed, budget),
        byState: mine
          .map((r) => ({ state: r.state as string, count: num(r.n), amount: num(r.amount) }))
          .sort((a, b) => a.state.localeCompare(b.state)),
      };
    });
    return { ...base, available: true, programmes: list, totals: grantTotals(list) };
  }

  /**
   * The enterprises most likely to climb to `targetTier` next, with the gaps for that tier from their stored
   * evaluation. Orderings: CANDIDATE_DEFINITIONS.
   */
  async candidates(query: CandidatesQueryDto) {
    const tier = query.targetTier ?? 'high_tech';
    const gaps = this.sql.gapCount('ev.result', tier);
    const unevaluatedLast = 'CASE WHEN ev.enterprise_id IS NULL THEN 1 ELSE 0 END';
    const spec: Record<CertifiedTier, { where: string; order: string[] }> = {
      tech_sme: {
        where: "e.state = 'startup'",
        order: [
          `CASE WHEN ev.enterprise_id IS NULL THEN 2 WHEN ${this.sql.jsonTrue('ev.result', 'techSme', 'eligible')} THEN 0 ELSE 1 END`,
          gaps,
          'COALESCE(e.tech_sme_score, -1) DESC',
        ],
      },
      high_tech: {
        where: "e.state IN ('startup', 'tech_sme') AND e.colour IN ('blue', 'red')",
        order: [
          "CASE WHEN e.colour = 'blue' THEN 0 ELSE 1 END",
          unevaluatedLast,
          gaps,
          'COALESCE(e.gap_count, 2147483647)',
        ],
      },
      leader: { where: "e.state = 'high_tech'", order: [unevaluatedLast, gaps] },
    };
    const { where, order } = spec[tier];
    const inDistrict = query.district !== undefined ? 'AND e.district = :district' : '';
    const params = { district: query.district, limit: query.limit ?? 20 };
    const [rows, total] = await Promise.all([
      this.sql.rows(
        `SELECT e.id AS id, e.name AS name, e.uscc AS uscc, e.district AS district, e.state AS state,
                e.colour AS colour, e.tech_sme_score AS tech_sme_score, e.gap_count AS gap_count,
                e.caseworker_id AS caseworker_id, ev.result AS result, ev.evaluated_at AS evaluated_at
         FROM enterprises e LEFT JOIN enterprise_evaluations ev ON ev.enterprise_id = e.id
         WHERE ${where} ${inDistrict}
         ORDER BY ${[...order, 'e.name', 'e.id'].join(', ')}
         LIMIT :limit`,
        params,
      ),
      this.sql.rows(`SELECT COUNT(*) AS n FROM enterprises e WHERE ${where} ${inDistrict}`, params),
    ]);
    const items = rows.map((r) => {
      const result = typeof r.result === 'string' ? JSON.parse(r.result) : (r.result ?? null);
      const tierGaps: Gap[] = result ? (result.gaps as Gap[]).filter((g) => g.tier === tier) : [];
      const section = { tech_sme: 'techSme', high_tech: 'highTech', leader: 'leader' }[tier];
      return {
        enterpriseId: r.id as string,
        name: r.name as string,
        uscc: r.uscc as string,
        district: r.district as string,
        tier: r.state as string,
        colour: r.colour as string,
        techSmeScore: r.tech_sme_score === null ? null : num(r.tech_sme_score),
        caseworkerId: (r.caseworker_id as string | null) ?? null,
        evaluated: result !== null,
        eligible: result ? ((result[section]?.eligible ?? null) as boolean | null) : null,
        gapCount: result ? tierGaps.length : null,
        gaps: tierGaps.map((g) => ({
          tier: g.tier,
          code: g.code,
          message: g.message,
          messageZh: g.messageZh,
          actual: g.actual,
          required: g.required,
        })),
        evaluatedAt: r.evaluated_at ? isoTime(r.evaluated_at) : null,
      };
    });
    return {
      targetTier: tier,
      district: query.district ?? null,
      definition: CANDIDATE_DEFINITIONS[tier],
      items,
      total: num(total[0]?.n),
    };
  }
}

function grantTotals(
  list: { count: number; amount: number; paidCount: number; paidAmount: number; budget: number; budgetUsed: number }[],
) {
  const sum = (k: 'count' | 'amount' | 'paidCount' | 'paidAmount' | 'budget' | 'budgetUsed') =>
    list.reduce((s, p) => s + p[k], 0);
  const budget = sum('budget');
  const budgetUsed = sum('budgetUsed');
  return {
    count: sum('count'),
    amount: sum('amount'),
    paidCount: sum('paidCount'),
    paidAmount: sum('paidAmount'),
    budget,
    budgetUsed,
    budgetUsedRate: rate4(budgetUsed, budget),
  };
}

/** A raw timestamp as ISO: PostgreSQL gives a Date, SQLite the UTC text TypeORM wrote (`2026-11-21 06:00:00.000`). */
export function isoTime(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`).toISOString();
}
