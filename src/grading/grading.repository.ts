import { EntityManager, In } from 'typeorm';
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

/** Reads and writes for grading, in as few statements as a batch allows (the bulk regrade runs 100,000 at a time). */
export class GradingRepository {
  constructor(private readonly manager: EntityManager) {}

  async load(ids: string[]): Promise<GradingInput[]> {
    if (!ids.length) return [];
    // Sequential on purpose: inside a transaction the three reads share one connection.
    const enterprises = await this.manager.find(EnterpriseEntity, {
      where: { id: In(ids) },
      select: { id: true, registeredOn: true, state: true },
    });
    const indicators = await this.manager.find(AnnualIndicatorsEntity, {
      where: { enterpriseId: In(ids) },
      select: { enterpriseId: true, year: true, data: true },
    });
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

  async save(evaluations: EnterpriseEvaluationEntity[], grades: GradeRow[], ungraded: string[]) {
    if (ungraded.length) await this.manager.delete(EnterpriseEvaluationEntity, { enterpriseId: In(ungraded) });
    if (evaluations.length) await this.manager.upsert(EnterpriseEvaluationEntity, evaluations, ['enterpriseId']);
    await this.updateGrades(grades);
  }

  /** Colour, score and gap count are derived data: written without touching the row's machine version. */
  private async updateGrades(grades: GradeRow[]) {
    if (!grades.length) return;
    if (this.manager.connection.options.type === 'postgres') {
      const values: unknown[] = [];
      const tuples = grades.map((g, i) => {
        values.push(g.id, g.colour, g.techSmeScore, g.gapCount);
        const p = i * 4;
        return `($${p + 1}::varchar, $${p + 2}::varchar, $${p + 3}::integer, $${p + 4}::integer)`;
      });
      await this.manager.query(
        `UPDATE enterprises AS e SET colour = v.colour, tech_sme_score = v.score, gap_count = v.gaps
         FROM (VALUES ${tuples.join(', ')}) AS v(id, colour, score, gaps) WHERE e.id = v.id`,
        values,
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
