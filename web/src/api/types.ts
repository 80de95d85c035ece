/** Shapes of the API's answers, as the controllers and views in `src/` return them. */
export type Role = 'admin' | 'manager' | 'caseworker' | 'reviewer' | 'enterprise';
export type Tier = 'startup' | 'tech_sme' | 'high_tech' | 'leader';
export type Colour = 'orange' | 'red' | 'blue' | 'green';
export type CheckStatus = 'met' | 'unmet' | 'unknown';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface User {
  id: string;
  username: string;
  role: Role;
  displayName: string | null;
  expertise: 'technical' | 'finance' | null;
  enterpriseId: string | null;
  active: boolean;
  version: number;
  createdAt: string;
}

export interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

export interface Enterprise {
  id: string;
  uscc: string;
  name: string;
  district: string;
  registeredOn: string;
  industry: string | null;
  address: string | null;
  contact: Contact | null;
  tier: Tier | 'exited';
  colour: Colour | null;
  techSmeScore: number | null;
  gapCount: number | null;
  caseworkerId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type Reported = number | boolean | null;

export interface Check {
  code: string;
  status: CheckStatus;
  actual: Reported;
  required: Reported;
}

export interface Gap {
  tier: 'tech_sme' | 'high_tech' | 'leader';
  code: string;
  message: string;
  messageZh: string;
  actual: Reported;
  required: Reported;
}

export interface EvaluationResult {
  ruleSet: string;
  techSme: {
    eligible: boolean;
    route: 'direct' | 'score' | null;
    score: number;
    scores: { techStaff: number; rdInvestment: number; ipResults: number };
    failed: string[];
  };
  highTech: {
    eligible: boolean | null;
    checks: Check[];
    innovationScore: {
      ip: number | null;
      conversion: number | null;
      rdManagement: number | null;
      growth: number;
      total: number | null;
    };
  };
  leader: { eligible: boolean | null; checks: Check[] };
  colour: Colour;
  gaps: Gap[];
  regionConfigVersion?: number;
}

export interface StoredEvaluation {
  enterpriseId: string;
  ruleSet: string;
  regionConfigVersion: number;
  asOf: string;
  evaluatedAt: string;
  facts: Record<string, unknown>;
  result: EvaluationResult;
}

export interface Declarations {
  majorViolation?: boolean;
  restrictedIndustry?: boolean;
  dishonestyList?: boolean;
  superDeductionExcluded?: boolean;
}

export interface AnnualIndicators {
  employees: number;
  techStaff: number;
  totalAssets: number;
  totalLiabilities: number;
  totalCosts: number;
  revenue: number;
  rdExpense: number;
  domesticRdExpense: number;
  netAssets: number;
  totalIncome?: number;
  highTechRevenue?: number;
  mainBusinessRevenue?: number;
  ip: { classI: number; classII: number };
  supportedField: boolean;
  innovation?: { ip: number; conversion: number; rdManagement: number };
  declarations: Declarations;
  directQualifications: string[];
}

export interface IndicatorsView extends AnnualIndicators {
  enterpriseId: string;
  year: number;
  version: number;
  updatedAt: string;
}

export interface Certification {
  id: string;
  enterpriseId: string;
  tier: Exclude<Tier, 'startup'>;
  number: string;
  issuedOn: string;
  validUntil: string;
  status: 'active' | 'expired' | 'revoked' | 'superseded';
  kind: 'first' | 'renewal';
  source: 'application' | 'record';
  applicationId: string | null;
}

export interface HistoryItem {
  at: string;
  date: string;
  cause: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
  certificationId: string | null;
  kind: string | null;
  fraud: boolean | null;
  reason: string | null;
}

export interface Deadline {
  kind: 'acceptance' | 'review';
  status: 'open' | 'paused' | 'met' | 'cancelled';
  startedOn: string;
  dueOn: string | null;
  remainingDays: number | null;
  metOn: string | null;
  overdue: boolean;
}

export interface ApplicationSummary {
  id: string;
  enterpriseId: string;
  targetTier: Exclude<Tier, 'startup'>;
  state: string;
  allowedEvents: string[];
  noticeEndsOn: string | null;
  overdue: boolean;
  version: number;
  updatedAt: string;
}

export interface PanelMember {
  reviewerId: string | null;
  expertise: 'technical' | 'finance';
  status: 'pending' | 'scored' | 'declined';
}

export interface ExpertScore {
  ip: number;
  conversion: number;
  rdManagement: number;
  growth: number | null;
  comment: string;
}

export interface PanelResult {
  ip: number;
  conversion: number;
  rdManagement: number;
  growth: number;
  total: number;
  totals: Record<string, number>;
  mean: number;
  flagged: string[];
}

export interface Objection {
  name?: string;
  contact?: string;
  reason: string;
  on: string;
  resolution: { upheld: boolean; reason: string; by: string } | null;
}

export interface ApplicationDetail extends ApplicationSummary {
  ruleSet: string | null;
  regionConfigVersion: number | null;
  pinned: {
    rubric: { ip: number; conversion: number; rdManagement: number; growth: number; passMark: number };
    requiredDocuments: string[];
    submittedOn: string;
    computedGrowth: number;
    unknownChecks: string[];
  } | null;
  evaluation: EvaluationResult | null;
  panel: PanelMember[];
  scores: Record<string, ExpertScore>;
  result: PanelResult | null;
  decision: { approve: boolean; reason: string; by: string | null; calibrationNote: string | null } | null;
  returnReason: string | null;
  objections: Objection[];
  deadlines: Deadline[];
  certificationId: string | null;
  createdAt: string;
}

export interface Attachment {
  id: string;
  applicationId: string;
  documentType: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface Notification {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage extends Page<Notification> {
  unread: number;
}

export interface Job {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  done: number;
  failed: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Need {
  id: string;
  category: string;
  text: string;
  status: string;
  outcome: string | null;
  version: number;
}

export interface Visit {
  id: string;
  visitedOn: string;
  kind: string;
  notes: string;
  needs: Need[];
}

export interface VisitsPage extends Page<Visit> {
  due: { id: string; reason: string; dueOn: string; status: string }[];
}

export interface MyEnterprise {
  enterprise: Enterprise;
  visitsDue: { id: string; reason: string; dueOn: string; overdue: boolean }[];
  openNeeds: number;
  openApplications: number;
  attention: 'overdue' | 'visit_due' | 'ok';
}

export interface Grant {
  id: string;
  enterpriseId: string;
  programmeId: string;
  programmeCode: string;
  programmeVersion: number;
  programmeName: string | null;
  period: number;
  amount: number | null;
  state: string;
  reserved: boolean;
  why: {
    trigger: unknown;
    conditions: unknown;
    facts: Record<string, unknown> | null;
    missing: string[] | null;
  };
  payee: { accountName: string; bankName: string; accountNumber: string } | null;
  approvedBy: string | null;
  paymentReference: string | null;
  paidOn: string | null;
  reason: string | null;
  version: number;
  createdAt: string;
}

export interface Programme {
  id: string;
  code: string;
  version: number;
  name: string;
  description: string | null;
  region: string;
  districts: string[] | null;
  period: number;
  trigger: { event: string; kind: string | null };
  rule: unknown;
  amount: { fixed?: number; formula?: unknown; cap?: number };
  budget: number;
  reserved?: number;
  status: 'draft' | 'active' | 'closed';
}

export interface FactDefinition {
  name: string;
  type: string;
  source: string;
  description: string;
  triggers?: string[];
}

export interface Bucket {
  count?: number;
  matched?: number;
  needsData?: number;
  cost?: number;
  [key: string]: unknown;
}

export interface Simulation {
  enterprisesConsidered: number;
  triggered: number;
  matched: number;
  needsData: number;
  notMatched: number;
  totalCost: number;
  needsDataKnownCost: number;
  budget: {
    budget: number;
    remaining: number;
    use: number | null;
    exceeded: boolean;
    withinBudget: { count: number; cost: number };
    waitlisted: { count: number; cost: number };
  };
  byDistrict: Record<string, Bucket>;
  byTier: Record<string, Bucket>;
  byColour: Record<string, Bucket>;
  missingFacts: Record<string, number>;
  durationMs: number;
}

export interface CalendarOverride {
  date: string;
  workday: boolean;
  note: string | null;
}

export interface AuditEvent {
  id: string;
  entityType: string;
  entityId: string;
  event: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
  /** Who acted, by name; null for the system (sweeps, jobs). */
  actor: { username: string; displayName: string | null } | null;
  at: string;
  payload: Record<string, unknown>;
}
