/**
 * The cn-2026 rule set: tech SME (科技型中小企业评价办法 2017), high-tech (高新技术企业认定管理办法 2016 and its work
 * guideline) and the region-defined leader tier and colour grade. Pure: same facts, config and context, same result.
 */
import type { RegionConfig } from '../region-config';
import type { Check, Colour, EvaluationContext, EvaluationResult, GradingFacts } from '../types';
import { pickColour } from './colour.rules';
import { derive, holdsHighTechStatus } from './derived';
import { buildGaps } from './gaps';
import { growthPoints } from './growth.rules';
import { evaluateTechSme } from './tech-sme.rules';
import { evaluateHighTech } from './high-tech.rules';
import { compileLeader, evaluateLeader } from './leader.rules';
import { CN_2026_DEFAULT_CONFIG, RULE_SET_ID } from './params';

export { CN_2026_DEFAULT_CONFIG, RULE_SET_ID as CN_2026_ID } from './params';

/**
 * Evaluates one enterprise. `config` is assumed valid (validateRegionConfig); `context.tier` is the tier a stored
 * enterprise holds, which counts as holding high-tech status for green, gaps and the leader's certificate check.
 */
export function evaluateCn2026(
  facts: GradingFacts,
  config: RegionConfig = CN_2026_DEFAULT_CONFIG,
  context?: EvaluationContext,
): EvaluationResult {
  const d = derive(facts, context);
  const tierHeld = context?.tier === 'high_tech' || context?.tier === 'leader';
  const techSme = evaluateTechSme(facts, d);
  const highTech = evaluateHighTech(facts, d, growthPoints(d));
  const leaderRules = compileLeader(config.leader);
  const leader = evaluateLeader(facts, d, leaderRules, tierHeld);
  const colour = pickColour(config.colours, {
    holdsHighTech: d.holdsHighTech,
    techSmeEligible: techSme.eligible,
    highTechChecks: highTech.checks,
    leaderChecks: leader.checks,
  });
  const gaps = buildGaps({ facts, d, techSme, highTech, leader, leaderRules });
  return { ruleSet: RULE_SET_ID, techSme, highTech, leader, colour, gaps };
}

/**
 * The colour of an enterprise with no indicators on file: only whether it holds high-tech status is known (a
 * certificate recorded from past records, or the tier). Every other condition counts as unmet here, not unknown: an
 * unknown would let a "no condition unmet" rule (blue) match an enterprise nothing is known about.
 */
export function colourWithoutIndicators(
  holding: { highTechIssuedOn: string | null; asOf: string },
  config: RegionConfig = CN_2026_DEFAULT_CONFIG,
  context?: EvaluationContext,
): Colour {
  const certificate = holding.highTechIssuedOn ? { issuedOn: holding.highTechIssuedOn } : null;
  const notKnown: Check[] = [{ code: 'indicators', status: 'unmet', actual: null, required: null }];
  return pickColour(config.colours, {
    holdsHighTech: holdsHighTechStatus(certificate, holding.asOf, context).holdsHighTech,
    techSmeEligible: false,
    highTechChecks: notKnown,
    leaderChecks: notKnown,
  });
}
