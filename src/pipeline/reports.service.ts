import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { validationFailed } from '../common/domain-error';
import { CERTIFIED_TIERS, type CertifiedTier, percent2, rate4, TARGET_METRICS } from './pipeline.rules';
import { num, PipelineSql } from './pipeline-sql';
import { instantRange, parsePeriod, type Period, periodView, previousPeriod, sameLastYear } from './report-period';
import {
  columnHeaders,
  delta,
  type Lang,
  type MovementFigures,
  type PeriodFigures,
  reportRows,
  rowValues,
  type TargetFigure,
  toCsv,
  XLSX_TYPE,
} from './report-table';
import { districtsOf, figureFor, TargetsService } from './targets.service';

export const REPORT_DEFINITIONS = {
  movements:
    'recognitions: certifications issued in the period (issued_on), by tier and kind (first / renewal); expiries: ' +
    'certifications now expired whose last valid day (valid_until) is in the period (renewed ones are superseded, not ' +
    'expired); revocations: certifications revoked with a revocation date in the period; exits: enterprises that ' +
    'exited the region in the period (EXITED in the audit log)',
  applications:
    'submitted: applications submitted for the first time in the period (SUBMIT from draft); decided: applications ' +
    'that reached recognised or rejected in the period; passRate = recognised / decided, 4 places',
  grants:
    'matched: grants created in the period (every match, whatever its state now), count and whole yuan; paid: grants ' +
    'now in state paid whose payment date (paid_on) is in the period',
  targets:
    "progress of each of the period's year's targets from 1 January to the period's last day (year to date), by the " +
    'definitions of GET /api/targets/:year/progress; the comparison periods show their own year to their last day',
};

const zeroByTier = () => Object.fromEntries(CERTIFIED_TIERS.map((t) => [t, 0])) as Record<CertifiedTier, number>;

/**
 * Periodic reports (月监测、季分析、年评估): a period's movements, applications, grants and target progress beside the
 * previous period and the same period last year, as JSON, CSV or XLSX.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly sql: PipelineSql,
    private readonly targets: TargetsService,
  ) {}

  parse(label: string): Period {
    const period = parsePeriod(label);
    if (!period)
      throw validationFailed([
        {
          field: 'period',
          reason: 'period must be a month (2026-06), a quarter (2026-Q2) or a year (2026), from 1949 to 2100',
        },
      ]);
    return period;
  }

  /** The report as JSON: each section for the three periods with the changes, and the same figures as rows. */
  async report(label: string, lang: Lang) {
    return (await this.assemble(label, lang)).body;
  }

  private async assemble(label: string, lang: Lang) {
    const current = this.parse(label);
    const periods = { current, previous: previousPeriod(current), lastYear: sameLastYear(current) };
    const keys = (await this.targets.targetsOf(current.year))
      .map((t) => ({ district: t.district, metric: t.metric }))
      .sort(
        (a, b) =>
          TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric) ||
          a.district.localeCompare(b.district, 'zh'),
      );
    const [c, p, l] = await Promise.all([
      this.figures(periods.current, keys),
      this.figures(periods.previous, keys),
      this.figures(periods.lastYear, keys),
    ]);
    const section = <K extends keyof PeriodFigures>(k: K) => ({
      current: c[k],
      previous: p[k],
      lastYear: l[k],
      deltas: { previous: delta(c[k], p[k]), lastYear: delta(c[k], l[k]) },
    });
    const targetDeltas = (other: PeriodFigures) =>
      c.targets.items.map((item, i) => ({
        district: item.district,
        metric: item.metric,
        actual: item.actual - other.targets.items[i].actual,
        percentage: delta(item.percentage, other.targets.items[i].percentage),
      }));
    const body = {
      period: periodView(periods.current),
      previous: periodView(periods.previous),
      lastYear: periodView(periods.lastYear),
      generatedAt: new Date().toISOString(),
      definitions: REPORT_DEFINITIONS,
      movements: section('movements'),
      applications: section('applications'),
      grants: section('grants'),
      targets: {
        year: current.year,
        current: c.targets,
        previous: p.targets,
        lastYear: l.targets,
        deltas: { previous: targetDeltas(p), lastYear: targetDeltas(l) },
      },
      columns: columnHeaders(lang, periods),
      rows: reportRows({ current: c, previous: p, lastYear: l }, lang),
    };
    return { body, periods };
  }

  /** The report as a file: CSV (UTF-8 with BOM) or XLSX (a report sheet and a sheet naming the periods). */
  async file(label: string, format: 'csv' | 'xlsx', lang: Lang) {
    const { body: report, periods } = await this.assemble(label, lang);
    const headers = columnHeaders(lang, periods);
    const base = `report-${report.period.label}`;
    if (format === 'csv')
      return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: toCsv(headers, report.rows) };
    const workbook = new ExcelJS.Workbook();
    workbook.created = new Date(report.generatedAt);
    const sheet = workbook.addWorksheet(lang === 'zh' ? '报表' : 'Report');
    sheet.addRow(headers).font = { bold: true };
    for (const row of report.rows) sheet.addRow(rowValues(row));
    sheet.columns.forEach((col, i) => (col.width = i === 1 ? 28 : i < 4 ? 16 : 20));
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    const about = workbook.addWorksheet(lang === 'zh' ? '说明' : 'About');
    const zh = lang === 'zh';
    about.addRow(zh ? ['项目', '期间', '起', '止'] : ['Item', 'Period', 'From', 'To']).font = { bold: true };
    for (const [name, p] of [
      [zh ? '本期' : 'Current', report.period],
      [zh ? '上期' : 'Previous', report.previous],
      [zh ? '去年同期' : 'Same period last year', report.lastYear],
    ] as const)
      about.addRow([name, p.label, p.from, p.to]);
    about.addRow([]);
    for (const [k, v] of Object.entries(REPORT_DEFINITIONS)) about.addRow([k, v]);
    about.getColumn(1).width = 22;
    about.getColumn(2).width = 16;
    return { filename: `${base}.xlsx`, contentType: XLSX_TYPE, body: Buffer.from(await workbook.xlsx.writeBuffer()) };
  }

  /** Every figure of one period. Target keys are the report year's targets, so the three periods line up. */
  async figures(period: Period, keys: { district: string; metric: (typeof TARGET_METRICS)[number] }[]) {
    const { start, end } = instantRange(period.from, period.to);
    const params = { from: period.from, to: period.to, start, end };
    const hasGrants = await this.sql.hasTable('grants');
    const [issued, expired, revoked, exits, submitted, decided, matched, paid] = await Promise.all([
      this.sql.rows(
        `SELECT tier, kind, COUNT(*) AS n FROM certifications
         WHERE issued_on >= :from AND issued_on <= :to GROUP BY tier, kind`,
        params,
      ),
      this.sql.rows(
        `SELECT tier, COUNT(*) AS n FROM certifications
         WHERE status = 'expired' AND valid_until >= :from AND valid_until <= :to GROUP BY tier`,
        params,
      ),
      // Revocations are few; the date is inside the JSON column, read here rather than with dialect-specific SQL.
      this.sql.rows(`SELECT tier, revocation FROM certifications WHERE status = 'revoked'`),
      this.sql.rows(
        `SELECT COUNT(DISTINCT entity_id) AS n FROM audit_events
         WHERE entity_type = 'enterprise' AND event = 'EXITED' AND at >= :start AND at < :end`,
        params,
      ),
      this.sql.rows(
        `SELECT COUNT(DISTINCT entity_id) AS n FROM audit_events
         WHERE entity_type = 'application' AND event = 'SUBMIT' AND from_state = 'draft' AND at >= :start AND at < :end`,
        params,
      ),
      this.sql.rows(
        `SELECT to_state AS state, COUNT(DISTINCT entity_id) AS n FROM audit_events
         WHERE entity_type = 'application' AND to_state IN ('recognised', 'rejected') AND at >= :start AND at < :end
         GROUP BY to_state`,
        params,
      ),
      hasGrants
        ? this.sql.rows(
            `SELECT COUNT(*) AS n, SUM(amount) AS amount FROM grants WHERE created_at >= :start AND created_at < :end`,
            params,
          )
        : Promise.resolve([]),
      hasGrants
        ? this.sql.rows(
            `SELECT COUNT(*) AS n, SUM(amount) AS amount FROM grants
             WHERE state = 'paid' AND paid_on >= :from AND paid_on <= :to`,
            params,
          )
        : Promise.resolve([]),
    ]);

    const movements: MovementFigures = {
      recognitions: Object.fromEntries(CERTIFIED_TIERS.map((t) => [t, { first: 0, renewal: 0 }])) as Record<
        CertifiedTier,
        { first: number; renewal: number }
      >,
      expiries: zeroByTier(),
      revocations: zeroByTier(),
      exits: num(exits[0]?.n),
    };
    for (const r of issued) {
      const slot = movements.recognitions[r.tier as CertifiedTier];
      if (slot && (r.kind === 'first' || r.kind === 'renewal')) slot[r.kind as 'first' | 'renewal'] = num(r.n);
    }
    for (const r of expired) if (r.tier in movements.expiries) movements.expiries[r.tier as CertifiedTier] = num(r.n);
    for (const r of revoked) {
      const revocation = typeof r.revocation === 'string' ? JSON.parse(r.revocation) : r.revocation;
      const on: string | undefined = revocation?.revokedOn;
      if (on && on >= period.from && on <= period.to && r.tier in movements.revocations)
        movements.revocations[r.tier as CertifiedTier]++;
    }
    const recognised = num(decided.find((r) => r.state === 'recognised')?.n);
    const rejected = num(decided.find((r) => r.state === 'rejected')?.n);

    // Targets: the year of the period, from 1 January to the period's last day.
    const yearTargets = await this.targets.targetsOf(period.year);
    const scope = districtsOf(keys);
    const actual = keys.length ? await this.targets.actuals(period.year, period.to, scope) : null;
    const targetItems: TargetFigure[] = keys.map((k) => {
      const target = yearTargets.find((t) => t.district === k.district && t.metric === k.metric)?.value ?? null;
      const done = actual ? figureFor(actual, k.metric, k.district) : 0;
      return {
        district: k.district,
        metric: k.metric,
        target,
        actual: done,
        percentage: target === null ? null : percent2(done, target),
      };
    });

    const figures: PeriodFigures = {
      movements,
      applications: {
        submitted: num(submitted[0]?.n),
        decided: recognised + rejected,
        recognised,
        rejected,
        passRate: rate4(recognised, recognised + rejected),
      },
      grants: {
        matchedCount: num(matched[0]?.n),
        matchedAmount: num(matched[0]?.amount),
        paidCount: num(paid[0]?.n),
        paidAmount: num(paid[0]?.amount),
      },
      targets: { year: period.year, asOf: period.to, items: targetItems },
    };
    return figures;
  }
}
