/**
 * The facts a programme's rule and amount formula may read (DOMAIN.md section 8: "the same facts as grading plus tier
 * events, tier, colour and district"). Rules are JSON Logic over one nested object; `{"var": "enterprise.district"}`
 * reads `facts.enterprise.district`. A fact the bureau does not have is absent (not 0, not false): a condition that
 * needs it is `unknown`, and a rule that is unknown because of it becomes a `needs_data` match (快申快享).
 * Pure: no framework imports. `GET /api/programmes/facts` answers this list.
 */

export const TRIGGER_EVENTS = ['tier.recognised', 'indicators.filed', 'manual'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export type FactType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'string[]';

/** Where the loader reads a fact from; only the sources a rule needs are loaded (batch runs, simulation). */
export type FactSource = 'enterprise' | 'grading' | 'indicators' | 'event' | 'grants';

export interface FactDefinition {
  name: string;
  type: FactType;
  source: FactSource;
  description: string;
  /** Present only for these triggers; a rule of another trigger that reads it is rejected when saved. */
  triggers?: readonly TriggerEvent[];
  /** For indicator facts: the keys of the stored filing it is computed from (the loader reads only those). */
  dataKeys?: readonly string[];
}

const RECOGNISED = ['tier.recognised'] as const;

/** Every fact, with its meaning. Money is whole yuan; ratios are plain numbers rounded to 4 decimals. */
export const FACT_VOCABULARY: readonly FactDefinition[] = [
  // The registry row (always on file).
  { name: 'enterprise.district', type: 'string', source: 'enterprise', description: '所属区县, as registered' },
  {
    name: 'enterprise.tier',
    type: 'string',
    source: 'enterprise',
    description: 'tier held now: startup, tech_sme, high_tech, leader or exited',
  },
  {
    name: 'enterprise.colour',
    type: 'string',
    source: 'enterprise',
    description: 'four-colour grade now (四色管理): orange, red, blue or green',
  },
  { name: 'enterprise.registeredOn', type: 'date', source: 'enterprise', description: 'date of registration' },
  {
    name: 'enterprise.ageYears',
    type: 'integer',
    source: 'enterprise',
    description: 'full years from registration to the event date',
  },
  {
    name: 'enterprise.techSmeScore',
    type: 'integer',
    source: 'enterprise',
    description: 'stored tech SME score (0-100); absent while no indicators are on file',
  },

  // Grading facts (DOMAIN.md section 2) of the latest filed years, as the stored evaluation reads them.
  {
    name: 'grading.latestYear',
    type: 'integer',
    source: 'grading',
    description: 'latest accounting year on file (the grading facts below are of that year)',
  },
  {
    name: 'grading.yearsOnFile',
    type: 'integer',
    source: 'grading',
    description: 'accounting years that feed grading (1 to 3)',
  },
  { name: 'grading.employees', type: 'integer', source: 'grading', description: 'employees, latest year' },
  { name: 'grading.techStaff', type: 'integer', source: 'grading', description: 'tech staff, latest year' },
  { name: 'grading.totalAssets', type: 'integer', source: 'grading', description: 'total assets (元), latest year' },
  {
    name: 'grading.totalLiabilities',
    type: 'integer',
    source: 'grading',
    description: 'total liabilities (元), latest year',
  },
  { name: 'grading.totalCosts', type: 'integer', source: 'grading', description: '成本费用总额 (元), latest year' },
  { name: 'grading.revenue', type: 'integer', source: 'grading', description: 'revenue (元), latest year' },
  { name: 'grading.rdExpense', type: 'integer', source: 'grading', description: 'R&D expense (元), latest year' },
  { name: 'grading.netAssets', type: 'integer', source: 'grading', description: 'net assets (元), latest year' },
  {
    name: 'grading.highTechRevenue',
    type: 'integer',
    source: 'grading',
    description: '高新技术产品（服务）收入 (元), latest year; absent when not filed',
  },
  {
    name: 'grading.mainBusinessRevenue',
    type: 'integer',
    source: 'grading',
    description: '主营业务收入 (元), latest year; absent when not filed',
  },
  {
    name: 'grading.revenueTotal',
    type: 'integer',
    source: 'grading',
    description: 'revenue summed over the years that feed grading (元)',
  },
  {
    name: 'grading.rdExpenseTotal',
    type: 'integer',
    source: 'grading',
    description: 'R&D expense summed over the years that feed grading (元)',
  },
  { name: 'grading.ipClassI', type: 'integer', source: 'grading', description: 'class I IP (invention patents …)' },
  { name: 'grading.ipClassII', type: 'integer', source: 'grading', description: 'class II IP (utility models …)' },
  {
    name: 'grading.supportedField',
    type: 'boolean',
    source: 'grading',
    description: 'core technology in the 8 state-supported fields',
  },
  { name: 'grading.majorViolation', type: 'boolean', source: 'grading', description: 'declared a major violation' },
  { name: 'grading.dishonestyList', type: 'boolean', source: 'grading', description: 'on the dishonesty list' },
  {
    name: 'grading.restrictedIndustry',
    type: 'boolean',
    source: 'grading',
    description: 'in a restricted industry',
  },
  {
    name: 'grading.directQualifications',
    type: 'string[]',
    source: 'grading',
    description: 'direct qualifications: national_award_top3, provincial_rd_institution, led_standard',
  },
  {
    name: 'grading.highTechCertified',
    type: 'boolean',
    source: 'grading',
    description: 'holds an active high-tech certificate',
  },

  // The annual filing the event is about: for indicators.filed the filed year; otherwise the latest filing not after
  // the programme's period.
  {
    name: 'indicators.year',
    type: 'integer',
    source: 'indicators',
    dataKeys: [],
    description: 'accounting year of the filing',
  },
  {
    name: 'indicators.revenue',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['revenue'],
    description: 'revenue of that year (元)',
  },
  {
    name: 'indicators.rdExpense',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['rdExpense'],
    description: 'R&D expense of that year (元)',
  },
  {
    name: 'indicators.domesticRdExpense',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['domesticRdExpense'],
    description: 'domestic R&D expense of that year (元)',
  },
  {
    name: 'indicators.netAssets',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['netAssets'],
    description: 'net assets of that year (元)',
  },
  {
    name: 'indicators.totalAssets',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['totalAssets'],
    description: 'total assets of that year (元)',
  },
  {
    name: 'indicators.employees',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['employees'],
    description: 'employees of that year',
  },
  {
    name: 'indicators.techStaff',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['techStaff'],
    description: 'tech staff of that year',
  },
  {
    name: 'indicators.highTechRevenue',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['highTechRevenue'],
    description: 'high-tech revenue of that year (元); absent when not filed',
  },
  {
    name: 'indicators.previous.revenue',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['revenue'],
    description: 'revenue of the year before (元); absent when that year is not on file',
  },
  {
    name: 'indicators.previous.rdExpense',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['rdExpense'],
    description: 'R&D expense of the year before (元); absent when that year is not on file',
  },
  {
    name: 'indicators.rdIncrease',
    type: 'integer',
    source: 'indicators',
    dataKeys: ['rdExpense'],
    description: 'R&D expense minus the year before (元, may be negative); absent without the year before',
  },
  {
    name: 'indicators.rdGrowth',
    type: 'number',
    source: 'indicators',
    dataKeys: ['rdExpense'],
    description: 'R&D growth over the year before (0.08 = 8%); absent without the year before or when it was 0',
  },
  {
    name: 'indicators.revenueGrowth',
    type: 'number',
    source: 'indicators',
    dataKeys: ['revenue'],
    description: 'revenue growth over the year before; absent without the year before or when it was 0',
  },

  // The triggering event.
  {
    name: 'event.type',
    type: 'string',
    source: 'event',
    description: 'tier.recognised, indicators.filed or manual (a batch run)',
  },
  {
    name: 'event.year',
    type: 'integer',
    source: 'event',
    description: 'the period the event counts toward (issue year of a recognition, year of a filing)',
  },
  { name: 'event.date', type: 'date', source: 'event', description: 'the date the event took effect' },
  {
    name: 'event.tier',
    type: 'string',
    source: 'event',
    description: 'tier recognised: tech_sme, high_tech or leader',
    triggers: RECOGNISED,
  },
  {
    name: 'event.kind',
    type: 'string',
    source: 'event',
    description: 'first (首次认定) or renewal (重新认定)',
    triggers: RECOGNISED,
  },
  {
    name: 'event.firstRecognised',
    type: 'boolean',
    source: 'event',
    description: 'first recognition of this tier (first_recognised)',
    triggers: RECOGNISED,
  },
  {
    name: 'event.reRecognised',
    type: 'boolean',
    source: 'event',
    description: 're-recognition of this tier (re_recognised)',
    triggers: RECOGNISED,
  },
  {
    name: 'event.issuedOn',
    type: 'date',
    source: 'event',
    description: 'issue date of the certificate',
    triggers: RECOGNISED,
  },

  // Earlier grants of the enterprise (cancelled ones do not count), other than the one being decided.
  {
    name: 'priorGrants.count',
    type: 'integer',
    source: 'grants',
    description: 'grants of any programme and period, not cancelled',
  },
  { name: 'priorGrants.total', type: 'integer', source: 'grants', description: 'their amounts summed (元)' },
  { name: 'priorGrants.codes', type: 'string[]', source: 'grants', description: 'their programme codes' },
  {
    name: 'priorGrants.sameProgramme',
    type: 'integer',
    source: 'grants',
    description: 'grants of this programme code in other periods',
  },
  {
    name: 'priorGrants.clawedBack',
    type: 'integer',
    source: 'grants',
    description: 'grants clawed back (for example after fraud)',
  },
];

export const FACTS_BY_NAME: ReadonlyMap<string, FactDefinition> = new Map(FACT_VOCABULARY.map((f) => [f.name, f]));

/**
 * JSON Logic operators a rule may use. Left out: `map`, `filter`, `reduce`, `all`, `some`, `none` (their `var` reads
 * the array element, which defeats the fact check), `merge`, `substr` and `log`.
 */
export const ALLOWED_OPERATORS: readonly string[] = [
  'var',
  'missing',
  'missing_some',
  'if',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
];
