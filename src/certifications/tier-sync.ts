import { EntityManager, MoreThanOrEqual } from 'typeorm';
import type { Actor } from '../auth/actor';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { TIER_MACHINE_ID, tierRank, type Tier } from '../enterprises/tier.machine';
import { TransitionService } from '../state/transition.service';
import { CertificationEntity } from './certification.entity';
import { heldTier } from './certification.rules';

/**
 * After a certification stops being active, brings the tier machine down to the highest tier still held (a high-tech
 * enterprise whose tech SME entry is still valid becomes tech_sme, otherwise startup). Nothing to do when the lapsed
 * certification was not the one the tier rested on, or the enterprise has exited.
 */
export async function syncTierDown(
  manager: EntityManager,
  transitions: TransitionService,
  enterpriseId: string,
  cause: { type: 'EXPIRED' } | { type: 'REVOKED'; fraud: boolean },
  certificationId: string,
  on: string,
  actor: Actor,
) {
  const enterprise = await manager.findOne(EnterpriseEntity, {
    where: { id: enterpriseId },
    select: { id: true, state: true },
  });
  if (!enterprise || enterprise.state === 'exited') return null;
  // Held on `on`: an active row past its validity is a lapse the sweep has not reached yet (it expires them one per
  // transaction), not a tier to fall back to.
  const certifications = await manager.find(CertificationEntity, {
    where: { enterpriseId, status: 'active', validUntil: MoreThanOrEqual(on) },
  });
  const fallback = heldTier(certifications);
  if (tierRank(fallback) >= tierRank(enterprise.state as Tier)) return null;
  return transitions.applyIn(manager, {
    machineId: TIER_MACHINE_ID,
    entityId: enterpriseId,
    event: { ...cause, fallback, certificationId, on },
    actor,
  });
}
