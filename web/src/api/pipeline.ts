/** Shapes of `/api/pipeline/*`, `/api/targets/*` (issue 7; src/pipeline). */
export interface PipelineSummary {
  year: number;
  district: string | null;
  asOf: string;
  counts: { tier: string; colour: string; count: number }[];
  totals: {
    enterprises: number;
    byTier: { tier: string; count: number }[];
    byColour: { colour: string; count: number }[];
  };
  exited: { count: number };
  byDistrict?: { district: string; tier: string; colour: string; count: number }[];
  funnel: { year: number; steps: { from: string; to: string; entered: number; stock: number; rate: number | null }[] };
  applications: {
    byTier: { tier: string; total: number; open: number; withdrawn: number; recognised: number; rejected: number; decided: number; passRate: number | null }[];
    total: { total: number; open: number; recognised: number; rejected: number; decided: number; passRate: number | null };
  };
  grants: {
    available: boolean;
    programmes: {
      code: string;
      name: string | null;
      count: number;
      amount: number;
      paidAmount: number;
      budget: number;
      budgetUsed: number;
      budgetRemaining: number;
      budgetUsedRate: number | null;
    }[];
    totals: { count: number; amount: number; paidAmount: number; budget: number; budgetUsed: number; budgetUsedRate: number | null };
  };
}

export interface Candidate {
  enterpriseId: string;
  name: string;
  uscc: string;
  district: string;
  tier: string;
  colour: string;
  techSmeScore: number | null;
  evaluated: boolean;
  eligible: boolean | null;
  gapCount: number | null;
  gaps: { tier: string; code: string; message: string; messageZh: string }[];
}

export interface CandidatesPage {
  targetTier: string;
  items: Candidate[];
  total: number;
  definition: string;
}

export interface TargetProgress {
  year: number;
  asOf: string;
  items: {
    district: string;
    metric: string;
    target: number;
    actual: number;
    percentage: number | null;
    projection: { pipeline: number; projected: number; percentage: number | null };
  }[];
  total: number;
}

export const TARGET_METRICS = ['new_tech_sme', 'new_high_tech', 'new_leader', 'applications', 'grants_amount'] as const;
