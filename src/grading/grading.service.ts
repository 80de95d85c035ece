import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../common/domain-error';
import { chinaToday, GradingFactsDto, toGradingFacts } from './dto/grading-facts.dto';
import { EnterpriseEvaluationEntity } from './enterprise-evaluation.entity';
import { GradeRow, GradingRepository } from './grading.repository';
import { RegionConfigService, VersionedRegionConfig } from './region-config.service';
import { ruleSets } from './rules/rule-set';
import { TIERS, Tier } from '../enterprises/tier.machine';
import { storedFacts } from './stored-facts';

/** Grades facts (the self check-up, 政策体检) and stored enterprises; writes the colour beside each enterprise. */
@Injectable()
export class GradingService {
  constructor(
    private readonly regionConfig: RegionConfigService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async evaluate(dto: GradingFactsDto) {
    const config = await this.regionConfig.current();
    const facts = toGradingFacts(dto, chinaToday());
    return { ...ruleSets[config.ruleSet].evaluate(facts, config.config), regionConfigVersion: config.version };
  }

  /**
   * Re-grades a batch of enterprises inside the caller's transaction: one read per table, the pure evaluation, one
   * bulk write. An enterprise with no indicators on file has no stored evaluation, and is seed stock (orange) unless
   * it holds high-tech status (green by default: a certificate recorded from past records needs no indicators).
   */
  async regradeIn(manager: EntityManager, ids: string[], config?: VersionedRegionConfig, asOf = chinaToday()) {
    const rules = config ?? (await this.regionConfig.current(manager));
    const ruleSet = ruleSets[rules.ruleSet];
    const repository = new GradingRepository(manager);
    const evaluations: EnterpriseEvaluationEntity[] = [];
    const grades: GradeRow[] = [];
    const ungraded: string[] = [];
    const now = new Date();
    for (const input of await repository.load(ids)) {
      const facts = storedFacts(input.registeredOn, input.years, input.highTechIssuedOn, asOf);
      const tier = (TIERS as readonly string[]).includes(input.state) ? (input.state as Tier) : undefined;
      if (!facts) {
        ungraded.push(input.id);
        const holding = { highTechIssuedOn: input.highTechIssuedOn, asOf };
        const colour = ruleSet.colourWithoutIndicators(holding, rules.config, { tier });
        grades.push({ id: input.id, colour, techSmeScore: null, gapCount: null });
        continue;
      }
      const result = ruleSet.evaluate(facts, rules.config, { tier });
      evaluations.push({
        enterpriseId: input.id,
        ruleSet: ruleSet.id,
        regionConfigVersion: rules.version,
        asOf: facts.asOf,
        facts,
        result,
        evaluatedAt: now,
      });
      grades.push({
        id: input.id,
        colour: result.colour,
        techSmeScore: result.techSme.score,
        gapCount: result.gaps.length,
      });
    }
    await repository.save(evaluations, grades, ungraded);
    return grades;
  }

  /** Evaluates a stored enterprise without writing (an application pins this at submission); null without indicators. */
  async evaluateStoredIn(manager: EntityManager, enterpriseId: string, asOf = chinaToday()) {
    const rules = await this.regionConfig.current(manager);
    const input = await new GradingRepository(manager).loadOne(enterpriseId);
    if (!input) return null;
    const facts = storedFacts(input.registeredOn, input.years, input.highTechIssuedOn, asOf);
    if (!facts) return null;
    const tier = (TIERS as readonly string[]).includes(input.state) ? (input.state as Tier) : undefined;
    const result = ruleSets[rules.ruleSet].evaluate(facts, rules.config, { tier });
    return { ruleSet: rules.ruleSet, regionConfigVersion: rules.version, facts, result };
  }

  async storedEvaluation(enterpriseId: string) {
    const row = await this.dataSource.getRepository(EnterpriseEvaluationEntity).findOne({ where: { enterpriseId } });
    if (!row) throw notFound('evaluation of enterprise', enterpriseId);
    return {
      enterpriseId,
      ruleSet: row.ruleSet,
      regionConfigVersion: row.regionConfigVersion,
      asOf: row.asOf,
      evaluatedAt: new Date(row.evaluatedAt).toISOString(),
      facts: row.facts,
      result: row.result,
    };
  }
}
