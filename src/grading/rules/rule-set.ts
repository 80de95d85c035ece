/**
 * Rule sets by id. A stored evaluation records the id it ran under, so a new policy year is a new rule set beside the
 * old one (never an edit of it), and old results stay explainable.
 */
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from './cn-2026';
import type { RegionConfig } from './region-config';
import type { EvaluationContext, EvaluationResult, GradingFacts } from './types';

export interface RuleSet {
  id: string;
  evaluate(facts: GradingFacts, config: RegionConfig, context?: EvaluationContext): EvaluationResult;
  defaultConfig: RegionConfig;
}

export const ruleSets: Readonly<Record<string, RuleSet>> = Object.freeze({
  'cn-2026': { id: 'cn-2026', evaluate: evaluateCn2026, defaultConfig: CN_2026_DEFAULT_CONFIG },
});

export const currentRuleSetId = 'cn-2026';
