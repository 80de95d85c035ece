/**
 * 四色管理 (DOMAIN.md section 6). No official definition is published, so the mapping is the region's configuration: an
 * ordered list of `{colour, when}` rules over a fixed vocabulary of predicates; the first match wins.
 */
import type { ColourPredicate, ColourRule } from '../region-config';
import type { Check, Colour } from '../types';

/** What the predicates read, already computed by the evaluation. */
export interface ColourInputs {
  holdsHighTech: boolean;
  techSmeEligible: boolean;
  highTechChecks: readonly Check[];
  leaderChecks: readonly Check[];
}

function none(checks: readonly Check[], status: string): boolean {
  for (let i = 0; i < checks.length; i++) if (checks[i].status === status) return false;
  return true;
}

export function predicateHolds(when: ColourPredicate, x: ColourInputs): boolean {
  switch (when) {
    case 'always':
      return true;
    case 'holds_high_tech_or_leader':
      return x.holdsHighTech;
    case 'high_tech_no_unmet':
      return none(x.highTechChecks, 'unmet');
    case 'high_tech_all_met':
      return none(x.highTechChecks, 'unmet') && none(x.highTechChecks, 'unknown');
    case 'tech_sme_eligible':
      return x.techSmeEligible;
    case 'leader_no_unmet':
      return none(x.leaderChecks, 'unmet');
    case 'leader_all_met':
      return none(x.leaderChecks, 'unmet') && none(x.leaderChecks, 'unknown');
    default:
      return false;
  }
}

/**
 * The colour of the first matching rule. Decision: when no rule matches (a configuration without the final `always`
 * rule, which validateRegionConfig rejects), orange, the colour that asks for the most help.
 */
export function pickColour(rules: readonly ColourRule[], x: ColourInputs): Colour {
  for (let i = 0; i < rules.length; i++) if (predicateHolds(rules[i].when, x)) return rules[i].colour;
  return 'orange';
}
