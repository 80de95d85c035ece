import { HIGH_TECH_PANEL, PanelRules } from './panel.rules';
import type { TargetTier } from './application.machine';

/**
 * Bureau-specific settings of the procedure, read from the environment once. Defaults follow DOMAIN.md sections 4 and 9
 * and the issue: acceptance within 5 working days, review within 15, notice 10 working days, no required documents.
 */
export interface ApplicationSettings {
  acceptanceDays: number;
  reviewDays: number;
  noticeDays: number;
  requiredDocuments: Record<TargetTier, string[]>;
  panel: Record<'high_tech' | 'leader', PanelRules>;
  /** 高新技术企业认定管理工作指引: the innovation score must be above 70 (71 with whole points). */
  passMark: number;
  /** Certificate numbers we issue: the province code in GR numbers, the division code in tech SME numbers. */
  provinceCode: string;
  divisionCode: string;
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const int = (raw: string | undefined, fallback: number) => (raw && /^\d+$/.test(raw) ? Number(raw) : fallback);

export function applicationSettings(env: NodeJS.ProcessEnv = process.env): ApplicationSettings {
  return {
    acceptanceDays: int(env.DEADLINE_ACCEPTANCE_DAYS, 5),
    reviewDays: int(env.DEADLINE_REVIEW_DAYS, 15),
    noticeDays: int(env.NOTICE_WORKING_DAYS, 10),
    requiredDocuments: {
      tech_sme: list(env.REQUIRED_DOCUMENTS_TECH_SME),
      high_tech: list(env.REQUIRED_DOCUMENTS_HIGH_TECH),
      leader: list(env.REQUIRED_DOCUMENTS_LEADER),
    },
    panel: {
      high_tech: HIGH_TECH_PANEL,
      // Leader panels are region-configured; the default is the high-tech rule.
      leader: {
        size: int(env.LEADER_PANEL_SIZE, HIGH_TECH_PANEL.size),
        technicalShare: HIGH_TECH_PANEL.technicalShare,
        minFinance: int(env.LEADER_PANEL_MIN_FINANCE, HIGH_TECH_PANEL.minFinance),
      },
    },
    passMark: 71,
    provinceCode: env.CERT_PROVINCE_CODE || '35',
    divisionCode: env.CERT_DIVISION_CODE || '350100',
  };
}

/** The scoring rubric pinned with each submission (HTE guideline: IP 30, conversion 30, R&D management 20, growth 20). */
export const RUBRIC = { ip: 30, conversion: 30, rdManagement: 20, growth: 20 } as const;
