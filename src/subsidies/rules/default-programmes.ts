/**
 * The four programmes seeded on first start (DOMAIN.md section 8; amounts from published local policies, each bureau
 * edits its own). They run for the current year with a budget of 10,000,000 each, which the manager then sets.
 */
import type { AmountSpec, TriggerSpec } from './programme.rules';

export interface DefaultProgramme {
  code: string;
  name: string;
  description: string;
  trigger: TriggerSpec;
  rule: unknown;
  amount: AmountSpec;
}

export const DEFAULT_BUDGET = 10_000_000;

export const DEFAULT_PROGRAMMES: readonly DefaultProgramme[] = [
  {
    code: 'high_tech_first',
    name: '首次认定高新技术企业奖励',
    description: 'First high-tech recognition: 300,000.',
    trigger: { event: 'tier.recognised', kind: 'first' },
    rule: { '==': [{ var: 'event.tier' }, 'high_tech'] },
    amount: { fixed: 300_000 },
  },
  {
    code: 'high_tech_renewal',
    name: '重新认定高新技术企业奖励',
    description: 'High-tech re-recognition: 100,000.',
    trigger: { event: 'tier.recognised', kind: 'renewal' },
    rule: { '==': [{ var: 'event.tier' }, 'high_tech'] },
    amount: { fixed: 100_000 },
  },
  {
    code: 'tech_sme_new',
    name: '首次入库科技型中小企业奖励',
    description: 'First entry into the tech SME database (新入库), counted in the year of entry: 10,000.',
    trigger: { event: 'tier.recognised', kind: 'first' },
    rule: { '==': [{ var: 'event.tier' }, 'tech_sme'] },
    amount: { fixed: 10_000 },
  },
  {
    code: 'rd_growth',
    name: '研发投入增长奖励',
    description:
      'Annual indicators filed: revenue >= 20,000,000 and R&D growth >= 8% over the year before; 1% of the R&D ' +
      'increase, capped at 2,000,000. Growth is compared exactly: increase × 100 >= previous × 8.',
    trigger: { event: 'indicators.filed' },
    rule: {
      and: [
        { '>=': [{ var: 'indicators.revenue' }, 20_000_000] },
        {
          '>=': [
            { '*': [{ var: 'indicators.rdIncrease' }, 100] },
            { '*': [{ var: 'indicators.previous.rdExpense' }, 8] },
          ],
        },
      ],
    },
    amount: { formula: { '/': [{ var: 'indicators.rdIncrease' }, 100] }, cap: 2_000_000 },
  },
];
