/**
 * The part of a rule set a region may override. DOMAIN.md sections 5 and 6: leader criteria are region-defined and the
 * colour grade has no official definition, so both are configuration. Stored later as versioned JSON by an admin API,
 * hence plain JSON (numbers, strings, arrays) and a pure validator that names every bad field.
 */
import { decimalToFraction } from './ratio';
import type { Colour } from './types';

/** 科技领军企业 criteria (defaults in cn-2026/params.ts). Fractions are decimals: 0.05 means 5%. */
export interface LeaderCriteria {
  /** Latest revenue, yuan, at least. */
  revenueMin: number;
  /** Two-year compound revenue growth, at least (fraction). */
  revenueGrowthMin: number;
  /** R&D of the latest two years together, yuan, at least. */
  rdTwoYearMin: number;
  /** R&D / revenue in each of the latest two years, at least (fraction). */
  rdRatioMin: number;
  /** Class I IP count, at least. */
  classOneIpMin: number;
  /** mainBusinessRevenue / revenue, at least (fraction). */
  mainBusinessShareMin: number;
  /** totalLiabilities / totalAssets, at most (fraction). */
  debtRatioMax: number;
  /** Years a high-tech certificate counts as held for the `high_tech_certified` check. */
  certificateValidityYears: number;
}

/**
 * The fixed vocabulary a colour rule may test. A closed list (not expressions) so stored configurations stay safe to
 * evaluate and every predicate is tested.
 */
export const COLOUR_PREDICATES = [
  'always',
  /** Valid high-tech certificate at asOf, or the enterprise's tier is high_tech or leader. */
  'holds_high_tech_or_leader',
  /** No high-tech check is unmet (unknowns allowed). */
  'high_tech_no_unmet',
  /** Every high-tech check is met. */
  'high_tech_all_met',
  'tech_sme_eligible',
  /** No leader check is unmet (unknowns allowed). */
  'leader_no_unmet',
  /** Every leader check is met. */
  'leader_all_met',
] as const;
export type ColourPredicate = (typeof COLOUR_PREDICATES)[number];

export const COLOURS: readonly Colour[] = ['orange', 'red', 'blue', 'green'];

/** One colour rule; the list is ordered and the first match wins. */
export interface ColourRule {
  colour: Colour;
  when: ColourPredicate;
}

export interface RegionConfig {
  leader: LeaderCriteria;
  colours: ColourRule[];
}

export interface ConfigFieldError {
  field: string;
  reason: string;
}

type Kind = 'money' | 'count' | 'fraction' | 'growth' | 'years';
const LEADER_FIELDS: Record<keyof LeaderCriteria, Kind> = {
  revenueMin: 'money',
  revenueGrowthMin: 'growth',
  rdTwoYearMin: 'money',
  rdRatioMin: 'fraction',
  classOneIpMin: 'count',
  mainBusinessShareMin: 'fraction',
  debtRatioMax: 'fraction',
  certificateValidityYears: 'years',
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function checkNumber(kind: Kind, v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
  if (kind === 'money' || kind === 'count') {
    return Number.isSafeInteger(v) && v >= 0 ? null : 'must be a non-negative integer';
  }
  if (kind === 'years') return Number.isInteger(v) && v >= 1 && v <= 10 ? null : 'must be an integer from 1 to 10';
  // Shares are at most 1; a growth rate may exceed 100%. Both are compared exactly, so at most 9 decimals.
  if (v < 0 || (kind === 'fraction' && v > 1) || (kind === 'growth' && v > 10)) {
    return kind === 'fraction' ? 'must be a fraction from 0 to 1' : 'must be a fraction from 0 to 10';
  }
  return decimalToFraction(v) ? null : 'must have at most 9 decimals';
}

/** Every problem of a region configuration as `{field, reason}` (empty when valid). Unknown fields are rejected. */
export function validateRegionConfig(json: unknown): ConfigFieldError[] {
  const errors: ConfigFieldError[] = [];
  if (!isObject(json)) return [{ field: '', reason: 'must be an object' }];
  for (const key of Object.keys(json)) {
    if (key !== 'leader' && key !== 'colours') errors.push({ field: key, reason: 'is not a known field' });
  }
  const leader = json.leader;
  if (!isObject(leader)) {
    errors.push({ field: 'leader', reason: 'must be an object' });
  } else {
    for (const key of Object.keys(leader)) {
      if (!(key in LEADER_FIELDS)) errors.push({ field: `leader.${key}`, reason: 'is not a known field' });
    }
    for (const [key, kind] of Object.entries(LEADER_FIELDS)) {
      if (!(key in leader)) {
        errors.push({ field: `leader.${key}`, reason: 'is required' });
        continue;
      }
      const reason = checkNumber(kind, leader[key]);
      if (reason) errors.push({ field: `leader.${key}`, reason });
    }
  }
  const colours = json.colours;
  if (!Array.isArray(colours) || colours.length === 0) {
    errors.push({ field: 'colours', reason: 'must be a non-empty list of {colour, when} rules' });
    return errors;
  }
  for (let i = 0; i < colours.length; i++) {
    const rule: unknown = colours[i];
    if (!isObject(rule)) {
      errors.push({ field: `colours.${i}`, reason: 'must be an object' });
      continue;
    }
    for (const key of Object.keys(rule)) {
      if (key !== 'colour' && key !== 'when')
        errors.push({ field: `colours.${i}.${key}`, reason: 'is not a known field' });
    }
    if (!COLOURS.includes(rule.colour as Colour)) {
      errors.push({ field: `colours.${i}.colour`, reason: `must be one of ${COLOURS.join(', ')}` });
    }
    if (!COLOUR_PREDICATES.includes(rule.when as ColourPredicate)) {
      errors.push({ field: `colours.${i}.when`, reason: `must be one of ${COLOUR_PREDICATES.join(', ')}` });
    }
  }
  // Every enterprise must get a colour, so the list ends with a catch-all.
  const last = colours[colours.length - 1];
  if (isObject(last) && last.when !== 'always') {
    errors.push({
      field: 'colours',
      reason: "the last rule must have when 'always' so every enterprise gets a colour",
    });
  }
  return errors;
}
