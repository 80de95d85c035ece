import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, validationFailed } from '../common/domain-error';
import type { FieldError } from '../common/field-errors';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import type { PutTargetsDto } from './pipeline.dto';
import {
  ALL_DISTRICTS,
  FINAL_APPLICATION_STATES,
  PENDING_GRANT_STATES,
  percent2,
  PROJECTION_NOTE,
  TARGET_DEFINITIONS,
  TARGET_METRICS,
  type TargetMetric,
} from './pipeline.rules';
import { num, PipelineSql } from './pipeline-sql';
import { instantRange } from './report-period';
import { TargetEntity, TargetSetEntity } from './target.entity';

/** Per metric, per district: a figure. A region-wide (`*`) figure is the sum over districts. */
export type DistrictFigures = Record<TargetMetric, Map<string, number>>;

/** Arbitrary first key of the advisory lock that serialises writers of one year's targets on PostgreSQL. */
const TARGETS_LOCK = 70_0800;

const emptyFigures = (): DistrictFigures =>
  Object.fromEntries(TARGET_METRICS.map((m) => [m, new Map<string, number>()])) as DistrictFigures;

export function figureFor(figures: DistrictFigures, metric: TargetMetric, district: string): number {
  const map = figures[metric];
  if (district !== ALL_DISTRICTS) return map.get(district) ?? 0;
  let total = 0;
  for (const value of map.values()) total += value;
  return total;
}

const view = (t: TargetEntity) => ({
  district: t.district,
  metric: t.metric,
  value: t.value,
  updatedBy: t.updatedBy,
  updatedAt: new Date(t.updatedAt).toISOString(),
});

const byMetricThenDistrict = (a: TargetEntity, b: TargetEntity) =>
  TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric) || a.district.localeCompare(b.district, 'zh');

/**
 * Yearly targets (指标任务) per district and metric, and their progress: what has been achieved (`actual`, defined
 * per metric in TARGET_DEFINITIONS) and what the pipeline could still add (`projection`).
 */
@Injectable()
export class TargetsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly sql: PipelineSql,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The year's targets and the set's `version` (0 while the year has never had any): send it back as `If-Match`. */
  async list(year: number) {
    const [rows, set] = await Promise.all([
      this.dataSource.getRepository(TargetEntity).find({ where: { year } }),
      this.dataSource.getRepository(TargetSetEntity).findOneBy({ year }),
    ]);
    const items = rows.sort(byMetricThenDistrict).map(view);
    return { year, version: set?.version ?? 0, items, total: items.length };
  }

  /**
   * Replaces the year's targets by the given set (PUT semantics: a target left out is removed). Only real changes are
   * written and audited (`targets` / year), so sending the same set again changes nothing and keeps the version.
   * `expectedVersion` (If-Match): the version the editor loaded; a set changed since is 409 STALE_VERSION, because
   * replacing it with a stale copy would silently undo another manager's changes.
   */
  async put(year: number, dto: PutTargetsDto, actor: Actor, expectedVersion?: number) {
    const fields: FieldError[] = [];
    const seen = new Map<string, number>();
    dto.targets.forEach((t, i) => {
      if (!t.district.trim()) fields.push({ field: `targets.${i}.district`, reason: 'district must not be blank' });
      const key = `${t.district}\u0000${t.metric}`;
      const first = seen.get(key);
      if (first !== undefined)
        fields.push({
          field: `targets.${i}`,
          reason: `repeats targets.${first} (district ${t.district}, metric ${t.metric}): one value per district and metric`,
        });
      else seen.set(key, i);
    });
    if (fields.length) throw validationFailed(fields);

    const changed = await this.tx.run(async (manager) => {
      if (this.tx.isPostgres) await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [TARGETS_LOCK, year]);
      const set = await manager.findOneBy(TargetSetEntity, { year });
      const version = set?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== version)
        throw conflict('STALE_VERSION', `the targets of ${year} are at version ${version}, not ${expectedVersion}`, {
          version,
        });
      const existing = await manager.find(TargetEntity, { where: { year } });
      const current = new Map(existing.map((t) => [`${t.district}\u0000${t.metric}`, t]));
      const now = new Date();
      let count = 0;
      const audit = (district: string, metric: string, before: number | null, after: number | null) =>
        appendAudit(manager, {
          entityType: 'targets',
          entityId: String(year),
          event: after === null ? 'TARGET_REMOVED' : 'TARGET_SET',
          from: before === null ? null : String(before),
          to: after === null ? null : String(after),
          actorId: actor.id,
          payload: { year, district, metric, before, after },
          at: now,
        });
      for (const t of dto.targets) {
        const key = `${t.district}\u0000${t.metric}`;
        const old = current.get(key);
        current.delete(key);
        if (old && old.value === t.value) continue;
        if (old)
          await manager.update(
            TargetEntity,
            { year, district: t.district, metric: t.metric },
            { value: t.value, updatedBy: actor.id, updatedAt: now },
          );
        else
          await manager.insert(TargetEntity, {
            year,
            district: t.district,
            metric: t.metric,
            value: t.value,
            updatedBy: actor.id,
            createdAt: now,
            updatedAt: now,
          });
        await audit(t.district, t.metric, old ? old.value : null, t.value);
        count++;
      }
      for (const old of current.values()) {
        await manager.delete(TargetEntity, { year, district: old.district, metric: old.metric });
        await audit(old.district, old.metric, old.value, null);
        count++;
      }
      if (count)
        await manager.save(TargetSetEntity, { year, version: version + 1, updatedBy: actor.id, updatedAt: now });
      return count;
    });
    return { ...(await this.list(year)), changed };
  }

  /** Progress of each target of the year (one district's, or all): actual, target, percentage and projection. */
  async progress(year: number, district?: string) {
    const today = chinaToday();
    const currentYear = Number(today.slice(0, 4));
    const asOf = year < currentYear ? `${year}-12-31` : year > currentYear ? `${year}-01-01` : today;
    const targets = (
      await this.dataSource.getRepository(TargetEntity).find({ where: district ? { year, district } : { year } })
    ).sort(byMetricThenDistrict);
    const scope = districtsOf(targets);
    const actual = targets.length ? await this.actuals(year, asOf, scope) : emptyFigures();
    const pipeline = targets.length && year >= currentYear ? await this.pipeline(scope) : emptyFigures();
    const items = targets.map((t) => {
      const done = figureFor(actual, t.metric, t.district);
      const extra = figureFor(pipeline, t.metric, t.district);
      return {
        district: t.district,
        metric: t.metric,
        target: t.value,
        actual: done,
        percentage: percent2(done, t.value),
        projection: { pipeline: extra, projected: done + extra, percentage: percent2(done + extra, t.value) },
        definition: { ...TARGET_DEFINITIONS[t.metric], note: PROJECTION_NOTE },
      };
    });
    return { year, asOf, district: district ?? null, items, total: items.length };
  }

  /** The year's targets as stored (for reports). */
  targetsOf(year: number) {
    return this.dataSource.getRepository(TargetEntity).find({ where: { year } });
  }

  /**
   * Actuals of every metric per district, counted from 1 January of `year` to `upTo` (inclusive); `districts` null
   * means every district. Definitions: TARGET_DEFINITIONS.
   */
  async actuals(year: number, upTo: string, districts: string[] | null): Promise<DistrictFigures> {
    const figures = emptyFigures();
    const from = `${year}-01-01`;
    if (upTo < from) return figures;
    const { start, end } = instantRange(from, upTo);
    const inDistricts = districts ? 'AND e.district IN (:...districts)' : '';
    const params = { from, to: upTo, start, end, districts };
    if (districts && !districts.length) return figures;

    const firsts = await this.sql.rows(
      `SELECT e.district AS district, c.tier AS tier, COUNT(DISTINCT c.enterprise_id) AS n
       FROM certifications c JOIN enterprises e ON e.id = c.enterprise_id
       WHERE c.kind = 'first' AND c.issued_on >= :from AND c.issued_on <= :to ${inDistricts}
       GROUP BY e.district, c.tier`,
      params,
    );
    for (const r of firsts) {
      const metric = `new_${r.tier}` as TargetMetric;
      if (figures[metric]) figures[metric].set(r.district, num(r.n));
    }
    const submitted = await this.sql.rows(
      `SELECT e.district AS district, COUNT(DISTINCT ae.entity_id) AS n
       FROM audit_events ae
       JOIN applications a ON a.id = ae.entity_id
       JOIN enterprises e ON e.id = a.enterprise_id
       WHERE ae.entity_type = 'application' AND ae.event = 'SUBMIT' AND ae.from_state = 'draft'
         AND ae.at >= :start AND ae.at < :end ${inDistricts}
       GROUP BY e.district`,
      params,
    );
    for (const r of submitted) figures.applications.set(r.district, num(r.n));
    if (await this.sql.hasTable('grants')) {
      const paid = await this.sql.rows(
        `SELECT e.district AS district, SUM(g.amount) AS n
         FROM grants g JOIN enterprises e ON e.id = g.enterprise_id
         WHERE g.state = 'paid' AND g.paid_on >= :from AND g.paid_on <= :to ${inDistricts}
         GROUP BY e.district`,
        params,
      );
      for (const r of paid) figures.grants_amount.set(r.district, num(r.n));
    }
    return figures;
  }

  /** What the pipeline could add, per metric and district, today. Definitions: TARGET_DEFINITIONS. */
  async pipeline(districts: string[] | null): Promise<DistrictFigures> {
    const figures = emptyFigures();
    if (districts && !districts.length) return figures;
    const inDistricts = districts ? 'AND e.district IN (:...districts)' : '';
    const params = { districts, final: [...FINAL_APPLICATION_STATES], pending: [...PENDING_GRANT_STATES] };
    const openApplication = (tier: string) =>
      `EXISTS (SELECT 1 FROM applications a WHERE a.enterprise_id = e.id AND a.target_tier = '${tier}'
               AND a.state NOT IN (:...final))`;
    const neverHeld = (tier: string) =>
      `NOT EXISTS (SELECT 1 FROM certifications c WHERE c.enterprise_id = e.id AND c.tier = '${tier}')`;
    const perDistrict = async (metric: TargetMetric, condition: string) => {
      const rows = await this.sql.rows(
        `SELECT e.district AS district, COUNT(*) AS n FROM enterprises e
         WHERE e.state <> 'exited' ${inDistricts} AND ${condition}
         GROUP BY e.district`,
        params,
      );
      for (const r of rows) figures[metric].set(r.district, num(r.n));
    };
    await perDistrict(
      'new_tech_sme',
      `${neverHeld('tech_sme')} AND ((e.state = 'startup' AND EXISTS (SELECT 1 FROM enterprise_evaluations ev
         WHERE ev.enterprise_id = e.id AND ${this.sql.jsonTrue('ev.result', 'techSme', 'eligible')}))
         OR ${openApplication('tech_sme')})`,
    );
    await perDistrict(
      'new_high_tech',
      `${neverHeld('high_tech')} AND (e.colour = 'blue' OR ${openApplication('high_tech')})`,
    );
    await perDistrict('new_leader', `${neverHeld('leader')} AND ${openApplication('leader')}`);
    const drafts = await this.sql.rows(
      `SELECT e.district AS district, COUNT(*) AS n FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
       WHERE a.state = 'draft' AND e.state <> 'exited' ${inDistricts}
       GROUP BY e.district`,
      params,
    );
    for (const r of drafts) figures.applications.set(r.district, num(r.n));
    if (await this.sql.hasTable('grants')) {
      const pending = await this.sql.rows(
        `SELECT e.district AS district, SUM(g.amount) AS n FROM grants g JOIN enterprises e ON e.id = g.enterprise_id
         WHERE g.state IN (:...pending) AND e.state <> 'exited' ${inDistricts}
         GROUP BY e.district`,
        params,
      );
      for (const r of pending) figures.grants_amount.set(r.district, num(r.n));
    }
    return figures;
  }
}

/** The districts whose figures a set of targets needs; null when one of them covers the whole region. */
export function districtsOf(targets: { district: string }[]): string[] | null {
  if (targets.some((t) => t.district === ALL_DISTRICTS)) return null;
  return [...new Set(targets.map((t) => t.district))];
}
