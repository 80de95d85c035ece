import { Injectable } from '@nestjs/common';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import type { Gap } from '../grading/rules/types';
import { PipelineCounters } from './pipeline-counters';
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
import { instantRange } from './report-period';

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
 * Performance: the tier x colour x district table comes from trigger-kept counters (a few hundred rows whatever the
 * registry size; see migrations/1763700008000-targets.ts), the funnel from an index on certifications
 * (kind, issued_on, tier, enterprise_id), the applications from one on (created_at, target_tier, state, enterprise_id).
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
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const { start, end } = instantRange(from, to);
    const params = { from, to, start, end, district, year };
    const join =
      district !== undefined ? 'JOIN enterprises e ON e.id = x.enterprise_id AND e.district = :district' : '';

    const [countRows, firsts, applications, grants] = await Promise.all([
      this.counters.read(district),
      this.sql.rows(
        `SELECT x.tier AS tier, COUNT(DISTINCT x.enterprise_id) AS n FROM certifications x ${join}
         WHERE x.kind = 'first' AND x.issued_on >= :from AND x.issued_on <= :to
         GROUP BY x.tier`,
        params,
      ),
      this.sql.rows(
        `SELECT x.target_tier AS tier, x.state AS state, COUNT(*) AS n FROM applications x ${join}
         WHERE x.created_at >= :start AND x.created_at < :end
         GROUP BY x.target_tier, x.state`,
        params,
      ),
      this.grants(year, district),
    ]);

    const tables = countTables(countRows);
    const stock = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<PipelineTier, number>;
    for (const row of tables.totals.byTier) stock[row.tier as PipelineTier] = row.count;
    const entered: Partial<Record<CertifiedTier, number>> = {};
    for (const r of firsts) entered[r.tier as CertifiedTier] = num(r.n);

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
        ...applicationTables(applications.map((r) => ({ tier: r.tier, state: r.state, count: num(r.n) }))),
      },
      grants,
    };
  }

  /** Grants of the year's programmes, per programme code (the subsidies tables are read by name; absent: none). */
  private async grants(year: number, district: string | undefined) {
    const base = { period: year, definition: GRANTS_DEFINITION };
    if (!(await this.sql.hasTable('grants')) || !(await this.sql.hasTable('programmes')))
      return { ...base, available: false, programmes: [], totals: grantTotals([]) };
    const params = { year, district };
    const [programmes, rows] = await Promise.all([
      this.sql.rows(
        'SELECT code, version, name, status, budget, reserved FROM programmes WHERE period = :year ORDER BY code, version',
        params,
      ),
      this.sql.rows(
        `SELECT g.programme_code AS code, g.state AS state, COUNT(*) AS n, SUM(g.amount) AS amount FROM grants g
         ${district !== undefined ? 'JOIN enterprises e ON e.id = g.enterprise_id AND e.district = :district' : ''}
         WHERE g.period = :year
         GROUP BY g.programme_code, g.state`,
        params,
      ),
    ]);
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
