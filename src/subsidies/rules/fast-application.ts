/**
 * 快申快享: what an enterprise is asked to file when a rule needs facts the bureau does not have. Every absent fact
 * comes from annual indicators, so the answer is a list of years to file. Pure.
 */
import type { TriggerFacts } from './programme-facts';

const NEEDS_YEAR_BEFORE = [
  'indicators.previous.',
  'indicators.rdIncrease',
  'indicators.rdGrowth',
  'indicators.revenueGrowth',
];

export interface DataRequest {
  /** Accounting years to file (PUT /api/enterprises/:id/indicators/:year). */
  years: number[];
  facts: string[];
  message: string;
  messageZh: string;
}

export function dataRequest(missing: readonly string[], trigger: Pick<TriggerFacts, 'year'>): DataRequest {
  const years = new Set<number>();
  for (const name of missing) {
    if (NEEDS_YEAR_BEFORE.some((prefix) => name.startsWith(prefix))) years.add(trigger.year - 1);
    if (name.startsWith('indicators.') || name.startsWith('grading.') || name === 'enterprise.techSmeScore')
      if (!NEEDS_YEAR_BEFORE.some((prefix) => name.startsWith(prefix))) years.add(trigger.year);
  }
  const sorted = [...years].sort();
  const list = sorted.join(', ');
  return {
    years: sorted,
    facts: [...missing],
    message: sorted.length
      ? `Please file the annual indicators of ${list} so the subsidy can be decided.`
      : `Please supply: ${missing.join(', ')}.`,
    messageZh: sorted.length ? `请填报${sorted.join('、')}年度指标，以便核定补贴。` : `请补充：${missing.join('、')}。`,
  };
}
