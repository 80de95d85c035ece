import { EntityManager, Like } from 'typeorm';
import { conflict } from '../common/domain-error';
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
  // Only numbers of exactly our shape count: a number recorded from elsewhere may share the prefix (`LJ-2026-A12`
  // passes the leader format), and as text it can sort above every serial of ours.
  const ours = new RegExp(`^${prefix}\\d{${width}}$`);
  let last: string | undefined;
  for (let skip = 0; !last; skip += PAGE) {
    const page = await manager.find(CertificationEntity, {
      where: { tier, number: Like(`${prefix}${'_'.repeat(width)}`) },
      order: { number: 'DESC' },
      select: { id: true, number: true },
      skip,
      take: PAGE,
    });
    last = page.find((c) => ours.test(c.number))?.number;
    if (page.length < PAGE) break;
  }
  const serial = last ? Number(last.slice(prefix.length)) + 1 : 1;
  if (String(serial).length > width)
    throw conflict('CERTIFICATE_SERIALS_EXHAUSTED', `Every ${tier} number ${prefix}${'9'.repeat(width)} is issued`);
  return `${prefix}${String(serial).padStart(width, '0')}`;
}

const PAGE = 50;
