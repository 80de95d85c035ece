import { EntityManager, Like } from 'typeorm';
import { CertificationEntity } from '../certifications/certification.entity';
import type { ApplicationSettings } from './application-settings';
import type { TargetTier } from './application.machine';

/**
 * The next number we issue, in the published shapes: high-tech `GR` + year + province + 6-digit serial; tech SME
 * year + division + `A` + 7-digit serial; leader `LJ-` + year + `-` + 4-digit serial. Serials count up per year.
 */
export async function nextCertificateNumber(
  manager: EntityManager,
  tier: TargetTier,
  issuedOn: string,
  settings: ApplicationSettings,
) {
  const year = issuedOn.slice(0, 4);
  const [prefix, width] =
    tier === 'high_tech'
      ? [`GR${year}${settings.provinceCode}`, 6]
      : tier === 'tech_sme'
        ? [`${year}${settings.divisionCode}A`, 7]
        : [`LJ-${year}-`, 4];
  const last = await manager.findOne(CertificationEntity, {
    where: { tier, number: Like(`${prefix}%`) },
    order: { number: 'DESC' },
  });
  const serial = last ? Number(last.number.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(serial).padStart(width, '0')}`;
}
