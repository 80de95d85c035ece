import { readInteger, readList, readText } from '../config/env-reader';
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

/**
 * Read once at start by `loadConfig` (the app's config carries the result as `procedure`); a bad value is a problem
 * there, named, instead of a silent default.
 */
export function applicationSettings(env: NodeJS.ProcessEnv, problems: string[]): ApplicationSettings {
  const leaderSize = readInteger(env, 'LEADER_PANEL_SIZE', HIGH_TECH_PANEL.size, 3, 25, problems);
  return {
    acceptanceDays: readInteger(env, 'DEADLINE_ACCEPTANCE_DAYS', 5, 1, 365, problems),
    reviewDays: readInteger(env, 'DEADLINE_REVIEW_DAYS', 15, 1, 365, problems),
    noticeDays: readInteger(env, 'NOTICE_WORKING_DAYS', 10, 1, 60, problems),
    requiredDocuments: {
      tech_sme: readList(env, 'REQUIRED_DOCUMENTS_TECH_SME'),
      high_tech: readList(env, 'REQUIRED_DOCUMENTS_HIGH_TECH'),
      leader: readList(env, 'REQUIRED_DOCUMENTS_LEADER'),
    },
    panel: {
      high_tech: HIGH_TECH_PANEL,
      // Leader panels are region-configured; the default is the high-tech rule.
      leader: {
        size: leaderSize,
        technicalShare: HIGH_TECH_PANEL.technicalShare,
        minFinance: readInteger(env, 'LEADER_PANEL_MIN_FINANCE', HIGH_TECH_PANEL.minFinance, 0, leaderSize, problems),
      },
    },
    passMark: 71,
    provinceCode: readText(env, 'CERT_PROVINCE_CODE', '35', /^\d{2}$/, 'two digits', problems),
    divisionCode: readText(env, 'CERT_DIVISION_CODE', '350100', /^\d{6}$/, 'six digits', problems),
  };
}

/** The scoring rubric pinned with each submission (HTE guideline: IP 30, conversion 30, R&D management 20, growth 20). */
export const RUBRIC = { ip: 30, conversion: 30, rdManagement: 20, growth: 20 } as const;
