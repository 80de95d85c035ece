import { EntityManager, In } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { CertificationEntity } from '../certifications/certification.entity';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { AnnualIndicatorsEntity } from '../indicators/annual-indicators.entity';
import { EnterpriseEvaluationEntity } from './enterprise-evaluation.entity';
import type { IndicatorYear } from './stored-facts';

export interface GradingInput {
  id: string;
  registeredOn: string;
  state: string;
  years: IndicatorYear[];
  highTechIssuedOn: string | null;
}

export interface GradeRow {
  id: string;
  colour: string;
  techSmeScore: number | null;
  gapCount: number | null;
}

const LOAD_SQL = `SELECT e.id, e.registered_on::text AS "registeredOn", e.state,
  (SELECT coalesce(json_agg(json_build_object('year', i.year, 'data', i.data::json) ORDER BY i.year), '[]'::json)
     FROM annual_indicators i WHERE i.enterprise_id = e.id) AS years,
  (SELECT max(c.issued_on)::text FROM certifications c
     WHERE c.enterprise_id = e.id AND c.tier = 'high_tech' AND c.status = 'active') AS "highTechIssuedOn"
FROM enterprises e WHERE e.id = ANY($1::varchar[])`;

/** Reads and writes for grading, in as few statements as a batch allows (the bulk regrade runs 100,000 at a time). */
export class GradingRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * The grading input of each enterprise. On PostgreSQL one prepared statement with the indicators and the
   * certificate as subqueries (a SUBMIT loads one applicant inside its transition, the bulk regrade 1,000 at a time);
   * on SQLite one read per table.
   */
  async load(ids: string[]): Promise<GradingInput[]> {
    if (!ids.length) return [];
    if (this.manager.connection.options.type === 'postgres') {
      const rows = (await preparedQuery(this.manager, LOAD_SQL, [ids])) as GradingInput[];
      for (const row of rows) for (const y of row.years) y.year = Number(y.year);
      return rows;
    }
    // Sequential on purpose: inside a transaction the three reads share one connection.
    const enterprises = await this.manager.find(EnterpriseEntity, {
      where: { id: In(ids) },
      select: { id: true, registeredOn: true, state: true },
    });
    // Raw rows: hydrating 3,000 entities per batch costs more than parsing their JSON ourselves.
    const indicators = (
      await this.manager
        .createQueryBuilder(AnnualIndicatorsEntity, 'i')
        .select(['i.enterprise_id AS "enterpriseId"', 'i.year AS "year"', 'i.data AS "data"'])
        .where('i.enterprise_id IN (:...ids)', { ids })
        .getRawMany<{ enterpriseId: string; year: number | string; data: string }>()
    ).map((r) => ({ enterpriseId: r.enterpriseId, year: Number(r.year), data: JSON.parse(r.data) }));
    const certificates = await this.manager.find(CertificationEntity, {
      where: { enterpriseId: In(ids), tier: 'high_tech', status: 'active' },
      select: { enterpriseId: true, issuedOn: true },
      order: { issuedOn: 'DESC' },
    });
    const years = new Map<string, IndicatorYear[]>();
    for (const row of indicators) years.set(row.enterpriseId, [...(years.get(row.enterpriseId) ?? []), row]);
    const certificate = new Map<string, string>();
    for (const c of certificates) if (!certificate.has(c.enterpriseId)) certificate.set(c.enterpriseId, c.issuedOn);
    return enterprises.map((e) => ({
      id: e.id,
      registeredOn: e.registeredOn,
      state: e.state,
      years: years.get(e.id) ?? [],
      highTechIssuedOn: certificate.get(e.id) ?? null,
    }));
  }

  /** One enterprise's input (a SUBMIT evaluates the applicant inside its transition). */
  async loadOne(id: string): Promise<GradingInput | null> {
    return (await this.load([id]))[0] ?? null;
  }

  async save(evaluations: EnterpriseEvaluationEntity[], grades: GradeRow[], ungraded: string[]) {
    if (ungraded.length) await this.manager.delete(EnterpriseEvaluationEntity, { enterpriseId: In(ungraded) });
    if (evaluations.length) await this.upsertEvaluations(evaluations);
    await this.updateGrades(grades);
  }

  /**
   * On PostgreSQL one INSERT … ON CONFLICT with plain parameters: TypeORM's upsert builder spends longer assembling
   * 1,000 rows of JSON than the database spends writing them.
   */
  private async upsertEvaluations(rows: EnterpriseEvaluationEntity[]) {
    if (this.manager.connection.options.type !== 'postgres') {
      await this.manager.upsert(EnterpriseEvaluationEntity, rows, ['enterpriseId']);
      return;
    }
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(
        r.enterpriseId,
        r.ruleSet,
        r.regionConfigVersion,
        r.asOf,
        JSON.stringify(r.facts),
        JSON.stringify(r.result),
        r.evaluatedAt,
      );
      const p = i * 7;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`;
    });
    await this.manager.query(
      `INSERT INTO enterprise_evaluations (enterprise_id, rule_set, region_config_version, as_of, facts, result, evaluated_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (enterprise_id) DO UPDATE SET rule_set = EXCLUDED.rule_set, region_config_version = EXCLUDED.region_config_version,
         as_of = EXCLUDED.as_of, facts = EXCLUDED.facts, result = EXCLUDED.result, evaluated_at = EXCLUDED.evaluated_at`,
      values,
    );
  }

  /** Colour, score and gap count are derived data: written without touching the row's machine version. */
  private async updateGrades(grades: GradeRow[]) {
    if (!grades.length) return;
    if (this.manager.connection.options.type === 'postgres') {
      // Arrays, not a VALUES list: PostgreSQL then looks the rows up by id instead of scanning the table per batch,
      // and unchanged rows are skipped (no index or counter-trigger writes for them).
      await this.manager.query(
        `UPDATE enterprises AS e SET colour = v.colour, tech_sme_score = v.score, gap_count = v.gaps
         FROM unnest($1::varchar[], $2::varchar[], $3::integer[], $4::integer[]) AS v(id, colour, score, gaps)
         WHERE e.id = v.id AND (e.colour, e.tech_sme_score, e.gap_count) IS DISTINCT FROM (v.colour, v.score, v.gaps)`,
        [
          grades.map((g) => g.id),
          grades.map((g) => g.colour),
          grades.map((g) => g.techSmeScore),
          grades.map((g) => g.gapCount),
        ],
      );
      return;
    }
    // SQLite: one prepared statement per row inside the caller's transaction is as fast as a bulk form.
    for (const g of grades)
      await this.manager.query('UPDATE enterprises SET colour = ?, tech_sme_score = ?, gap_count = ? WHERE id = ?', [
        g.colour,
        g.techSmeScore,
        g.gapCount,
        g.id,
      ]);
  }
}
