/**
 * Rule sets by id. A stored evaluation records the id it ran under, so a new policy year is a new rule set beside the
 * old one (never an edit of it), and old results stay explainable.
 */
import { CN_2026_DEFAULT_CONFIG, colourWithoutIndicators, evaluateCn2026 } from './cn-2026';
import type { RegionConfig } from './region-config';
import type { Colour, EvaluationContext, EvaluationResult, GradingFacts } from './types';

export interface RuleSet {
  id: string;
  evaluate(facts: GradingFacts, config: RegionConfig, context?: EvaluationContext): EvaluationResult;
  /** The colour of an enterprise with no indicators on file (no evaluation is stored for it). */
  colourWithoutIndicators(
    holding: { highTechIssuedOn: string | null; asOf: string },
    config: RegionConfig,
    context?: EvaluationContext,
  ): Colour;
  defaultConfig: RegionConfig;
}

export const ruleSets: Readonly<Record<string, RuleSet>> = Object.freeze({
  'cn-2026': {
    id: 'cn-2026',
    evaluate: evaluateCn2026,
    colourWithoutIndicators,
    defaultConfig: CN_2026_DEFAULT_CONFIG,
  },
});

export const currentRuleSetId = 'cn-2026';
