import { readPattern } from '../config/env-reader';
import { CertifiedTier, DEFAULT_NUMBER_FORMATS } from './certification.rules';

/**
 * Number formats per tier, overridable by each bureau (`CERT_FORMAT_TECH_SME`, `CERT_FORMAT_HIGH_TECH`,
 * `CERT_FORMAT_LEADER`). Read once at start by `loadConfig` (the app's config carries them as `certificateFormats`).
 */
export function numberFormats(env: NodeJS.ProcessEnv, problems: string[]): Record<CertifiedTier, string> {
  return {
    tech_sme: readPattern(env, 'CERT_FORMAT_TECH_SME', DEFAULT_NUMBER_FORMATS.tech_sme, problems),
    high_tech: readPattern(env, 'CERT_FORMAT_HIGH_TECH', DEFAULT_NUMBER_FORMATS.high_tech, problems),
    leader: readPattern(env, 'CERT_FORMAT_LEADER', DEFAULT_NUMBER_FORMATS.leader, problems),
  };
}
