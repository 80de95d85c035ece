/**
 * Pure rules of recognitions: how long each lasts, which tier an enterprise holds, and the bar periods after a
 * revocation (DOMAIN.md sections 3, 4 and 5). No framework imports.
 */
import { addDays, addYears } from '../grading/rules/dates';
import { tierRank, type Tier } from '../enterprises/tier.machine';

export type CertifiedTier = Exclude<Tier, 'startup'>;

export interface CertificationFacts {
  id: string;
  tier: CertifiedTier;
  issuedOn: string;
  validUntil: string;
  status: 'active' | 'expired' | 'revoked' | 'superseded';
  revocation?: { fraud: boolean; revokedOn: string } | null;
}

/** HTE art. 9: a high-tech certificate is valid for three years from its date. */
export const HIGH_TECH_VALIDITY_YEARS = 3;
/** TSME art. 13: a tech SME registration (入库登记) holds for the year it was granted in. */
export const TECH_SME_VALID_THROUGH = 'registration year';
/** TSME art. 15: an entry removed from the database cannot re-enter in the same year; fraud bars it for 3 years. */
export const FRAUD_BAR_YEARS = 3;

/** Last day (inclusive) a recognition holds. `leaderYears` is the region's setting (default 3). */
export function validUntil(tier: CertifiedTier, issuedOn: string, leaderYears: number): string {
  if (tier === 'tech_sme') return `${issuedOn.slice(0, 4)}-12-31`;
  const years = tier === 'high_tech' ? HIGH_TECH_VALIDITY_YEARS : leaderYears;
  return addDays(addYears(issuedOn, years), -1);
}

export const isActiveOn = (c: Pick<CertificationFacts, 'issuedOn' | 'validUntil'>, asOf: string) =>
  c.issuedOn <= asOf && asOf <= c.validUntil;

/** The tier is always the highest tier whose certification is active. */
export function heldTier(certifications: CertificationFacts[]): Tier {
  let best: Tier = 'startup';
  for (const c of certifications) if (c.status === 'active' && tierRank(c.tier) > tierRank(best)) best = c.tier;
  return best;
}

export interface Bar {
  tier: CertifiedTier;
  /** Last barred day (inclusive); the enterprise may be recognised again the day after. */
  until: string;
  reason: 'fraud' | 'revoked_this_year';
}

const ALL_TIERS: CertifiedTier[] = ['tech_sme', 'high_tech', 'leader'];

/** The bars in force on `asOf`: fraud bars every tier for 3 years; a revoked tech SME entry bars that year. */
export function barsOn(certifications: CertificationFacts[], asOf: string): Bar[] {
  const bars: Bar[] = [];
  for (const c of certifications) {
    if (c.status !== 'revoked' || !c.revocation) continue;
    const { fraud, revokedOn } = c.revocation;
    if (fraud) {
      const until = addDays(addYears(revokedOn, FRAUD_BAR_YEARS), -1);
      if (asOf <= until) for (const tier of ALL_TIERS) bars.push({ tier, until, reason: 'fraud' });
    } else if (c.tier === 'tech_sme') {
      const until = `${revokedOn.slice(0, 4)}-12-31`;
      if (asOf <= until) bars.push({ tier: 'tech_sme', until, reason: 'revoked_this_year' });
    }
  }
  return bars;
}

/** The bar that stops a recognition of `tier` on `asOf` (the one ending last), if any. */
export function barFor(certifications: CertificationFacts[], tier: CertifiedTier, asOf: string): Bar | null {
  return barsOn(certifications, asOf)
    .filter((b) => b.tier === tier)
    .reduce<Bar | null>((latest, b) => (!latest || b.until > latest.until ? b : latest), null);
}

/** First recognition of a tier, or re-recognition: any earlier certification of the same tier makes it a renewal. */
export function recognitionKind(certifications: CertificationFacts[], tier: CertifiedTier): 'first' | 'renewal' {
  return certifications.some((c) => c.tier === tier) ? 'renewal' : 'first';
}

/** Default number shapes as published; bureaus override them (`CERT_FORMAT_*`). */
export const DEFAULT_NUMBER_FORMATS: Record<CertifiedTier, string> = {
  // 入库登记编号: 4-digit year, 6-digit division code, one letter, 7-digit serial (2025440111A0032458).
  tech_sme: '^(?<year>\\d{4})\\d{6}[A-Z]\\d{7}$',
  // 高新技术企业证书编号: GR, 4-digit year, 2-digit province, 6-digit serial (GR202313000812).
  high_tech: '^GR(?<year>\\d{4})\\d{2}\\d{6}$',
  // Leader designations are region-defined: letters, digits and dashes.
  leader: '^[A-Z0-9-]{4,40}$',
};

/** Why a number does not fit its tier's format, or null. A `year` group must match the issue year. */
export function numberProblem(tier: CertifiedTier, number: string, issuedOn: string, formats = DEFAULT_NUMBER_FORMATS) {
  const match = new RegExp(formats[tier]).exec(number);
  if (!match) return `number does not have the shape of a ${tier} number (${formats[tier]})`;
  const year = match.groups?.year;
  if (year && year !== issuedOn.slice(0, 4)) return `number is from ${year} but issuedOn is in ${issuedOn.slice(0, 4)}`;
  return null;
}
