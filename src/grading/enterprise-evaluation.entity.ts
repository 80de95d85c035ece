import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EvaluationResult, GradingFacts } from './rules/types';

/** The latest evaluation of an enterprise, with the facts it read and the rule versions it ran under (provenance). */
@Entity('enterprise_evaluations')
export class EnterpriseEvaluationEntity {
  @PrimaryColumn({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ name: 'rule_set', type: 'varchar', length: 20 })
  ruleSet: string;

  @Column({ name: 'region_config_version', type: 'integer' })
  regionConfigVersion: number;

  @Column({ name: 'as_of', type: 'date' })
  asOf: string;

  @Column({ type: 'simple-json' })
  facts: GradingFacts;

  @Column({ type: 'simple-json' })
  result: EvaluationResult;

  @Column({ name: 'evaluated_at' })
  evaluatedAt: Date;
}
