import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, DomainError, forbidden, notFound, validationFailed } from '../common/domain-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { TIER_MACHINE_ID } from '../enterprises/tier.machine';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { RegionConfigService } from '../grading/region-config.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { appendOutbox } from '../outbox/outbox-writer';
import { MachineRegistry } from '../state/machine-registry';
import { TransitionService } from '../state/transition.service';
import { CertificationEntity } from './certification.entity';
import {
  barFor,
  type CertifiedTier,
  heldTier,
  numberProblem,
  recognitionKind,
  validUntil,
} from './certification.rules';
import { ProposeRevocationDto, RecordCertificationDto } from './certification.dto';
import { RevocationEntity } from './revocation.entity';
import { REVOCATION_MACHINE_ID, REVOCATION_MACHINE_VERSION, revocationMachine } from './revocation.machine';
import { syncTierDown } from './tier-sync';

const TIER_EVENTS = ['RECOGNISED', 'EXPIRED', 'REVOKED', 'EXITED', 'REINSTATED'];

export const barred = (tier: string, until: string, reason: string) =>
  new DomainError(409, 'TIER_BARRED', `The enterprise is barred from ${tier} until ${until} (${reason})`, undefined, {
    barredUntil: until,
    reason,
  });

/** Recognitions held, recorded and revoked; every change moves the tier through the tier machine. */
@Injectable()
export class CertificationsService implements OnModuleInit {
  private readonly formats: Record<CertifiedTier, string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machines: MachineRegistry,
    private readonly transitions: TransitionService,
    private readonly regionConfig: RegionConfigService,
    private readonly relay: OutboxRelay,
  ) {
    this.formats = config.certificateFormats;
  }

  onModuleInit() {
    this.machines.register({
      id: REVOCATION_MACHINE_ID,
      version: REVOCATION_MACHINE_VERSION,
      machine: revocationMachine as never,
      entity: RevocationEntity,
      entityType: 'revocation',
    });
  }

  list(enterpriseId: string) {
    return this.dataSource
      .getRepository(CertificationEntity)
      .find({ where: { enterpriseId }, order: { issuedOn: 'DESC' } })
      .then((items) => ({ items: items.map(toCertificationView), total: items.length }));
  }

  /**
   * Records a recognition that already exists (older records, another body). First or renewal follows the
   * enterprise's history; an active one supersedes the previous certificate of its tier and is sent to the tier
   * machine as RECOGNISED, exactly like a recognition from our own review.
   */
  async record(enterpriseId: string, dto: RecordCertificationDto, actor: Actor) {
    const problem = numberProblem(dto.tier, dto.number, dto.issuedOn, this.formats);
    if (problem) throw validationFailed([{ field: 'number', reason: problem }]);
    if (dto.issuedOn > chinaToday())
      throw validationFailed([{ field: 'issuedOn', reason: 'issuedOn must not be in the future' }]);
    const saved = await this.tx.run((manager) => this.issueIn(manager, enterpriseId, dto, null, actor));
    this.relay.nudge();
    return toCertificationView(saved);
  }

  /**
   * Issues a certification inside the caller's transaction: from existing records (`applicationId` null) or from our
   * own review (the application that led to it). First or renewal follows the enterprise's history; an active one
   * supersedes the previous certificate of its tier and is sent to the tier machine as RECOGNISED.
   */
  async issueIn(
    manager: EntityManager,
    enterpriseId: string,
    dto: RecordCertificationDto,
    applicationId: string | null,
    actor: Actor,
  ): Promise<CertificationEntity> {
    const today = chinaToday();
    const leaderYears = (await this.regionConfig.current(manager)).config.leader.certificateValidityYears;
    const enterprise = await manager.findOne(EnterpriseEntity, { where: { id: enterpriseId } });
    if (!enterprise) throw notFound('enterprise', enterpriseId);
    if (await manager.exists(CertificationEntity, { where: { tier: dto.tier, number: dto.number } }))
      throw conflict('CERTIFICATE_NUMBER_TAKEN', `${dto.tier} number ${dto.number} is already recorded`);
    const history = await manager.find(CertificationEntity, { where: { enterpriseId } });
    // First recognition or renewal is decided when a certificate is recorded, and the pipeline's funnel and the
    // subsidies (high_tech_first against high_tech_renewal) rest on it: an older certificate recorded after a newer
    // one would leave the newer one marked first. Past records go in oldest first.
    const newer = history.find((c) => c.tier === dto.tier && c.issuedOn > dto.issuedOn);
    if (newer)
      throw conflict(
        'CERTIFICATE_OUT_OF_ORDER',
        `${dto.tier} ${newer.number} issued on ${newer.issuedOn} is already recorded: record older certificates first`,
        { number: newer.number, issuedOn: newer.issuedOn },
      );
    const bar = barFor(history, dto.tier, dto.issuedOn);
    if (bar) throw barred(dto.tier, bar.until, bar.reason);
    const until = validUntil(dto.tier, dto.issuedOn, leaderYears);
    const active = today <= until;
    const now = new Date();
    const certification: CertificationEntity = {
      id: randomUUID(),
      enterpriseId,
      tier: dto.tier,
      number: dto.number,
      issuedOn: dto.issuedOn,
      validUntil: until,
      status: active ? 'active' : 'expired',
      kind: recognitionKind(history, dto.tier),
      source: applicationId ? 'application' : 'record',
      applicationId,
      revocation: null,
      createdBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const superseded = active
      ? history
          .filter((c) => c.tier === dto.tier && c.status === 'active' && c.issuedOn <= dto.issuedOn)
          .map((c) => c.id)
      : [];
    if (superseded.length)
      await manager.update(CertificationEntity, { id: In(superseded) }, { status: 'superseded', updatedAt: now });
    await manager.insert(CertificationEntity, certification);
    await appendAudit(manager, {
      entityType: 'certification',
      entityId: certification.id,
      event: applicationId ? 'ISSUED' : 'RECORDED',
      to: certification.status,
      actorId: actor.id,
      payload: { ...dto, enterpriseId, applicationId, kind: certification.kind, validUntil: until, superseded },
    });
    if (active)
      await this.transitions.applyIn(manager, {
        machineId: TIER_MACHINE_ID,
        entityId: enterpriseId,
        event: {
          type: 'RECOGNISED',
          tier: dto.tier,
          kind: certification.kind,
          certificationId: certification.id,
          issuedOn: dto.issuedOn,
          on: today,
        },
        actor,
      });
    return certification;
  }

  /** Certifications of an enterprise, for bar and "already holds" checks elsewhere (applications). */
  historyIn(manager: EntityManager, enterpriseId: string) {
    return manager.find(CertificationEntity, { where: { enterpriseId } });
  }

  /** A caseworker proposes revocation (taking up a suggestion of the sweep if there is one). */
  async propose(enterpriseId: string, dto: ProposeRevocationDto, actor: Actor) {
    const result = await this.tx.run(async (manager) => {
      const certification = await this.activeCertification(manager, enterpriseId, dto.certificationId);
      const open = await manager.findOne(RevocationEntity, {
        where: { certificationId: certification.id, state: In(['suggested', 'proposed']) },
      });
      if (open?.state === 'proposed')
        throw conflict(
          'REVOCATION_ALREADY_PROPOSED',
          'A revocation of this certification is already awaiting a decision',
        );
      const revocation =
        open ?? (await this.newRevocation(manager, enterpriseId, certification.id, dto.reason, dto.fraud, actor));
      await this.transitions.applyIn(manager, {
        machineId: REVOCATION_MACHINE_ID,
        entityId: revocation.id,
        event: { type: 'PROPOSE', by: actor.id },
        actor,
        columns: () => ({ reason: dto.reason, fraud: dto.fraud, proposedBy: actor.id }),
      });
      return manager.findOneByOrFail(RevocationEntity, { id: revocation.id });
    });
    return toRevocationView(result);
  }

  /** Used by the sweep: a suggestion only, never a revocation. */
  async newRevocation(
    manager: EntityManager,
    enterpriseId: string,
    certificationId: string,
    reason: string,
    fraud: boolean,
    actor: Actor,
  ) {
    const now = new Date();
    const row = Object.assign(new RevocationEntity(), {
      id: randomUUID(),
      enterpriseId,
      certificationId,
      reason,
      fraud,
      proposedBy: null,
      decidedBy: null,
      ...this.machines.initialColumns(REVOCATION_MACHINE_ID),
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(RevocationEntity, row);
    await appendAudit(manager, {
      entityType: 'revocation',
      entityId: row.id,
      event: 'SUGGESTED',
      to: row.state,
      actorId: actor.id,
      payload: { enterpriseId, certificationId, reason, fraud },
    });
    return row;
  }

  /** A manager other than the proposer decides. Confirming revokes the certification and lowers the tier if needed. */
  async decide(enterpriseId: string, revocationId: string, confirm: boolean, reason: string | undefined, actor: Actor) {
    const result = await this.tx.run(async (manager) => {
      const today = chinaToday();
      const outcome = await this.transitions.applyIn(manager, {
        machineId: REVOCATION_MACHINE_ID,
        entityId: revocationId,
        event: confirm ? { type: 'CONFIRM', by: actor.id } : { type: 'REJECT', by: actor.id, reason: reason ?? '' },
        actor,
        guard: ({ row }) => {
          const revocation = row as RevocationEntity;
          if (revocation.enterpriseId !== enterpriseId) throw notFound('revocation', revocationId);
          if (revocation.proposedBy && revocation.proposedBy === actor.id)
            throw forbidden('SEPARATION_OF_DUTIES', 'The person who proposed a revocation cannot also decide it');
        },
        columns: () => ({ decidedBy: actor.id }),
      });
      if (!confirm) return outcome;
      const revocation = await manager.findOneByOrFail(RevocationEntity, { id: revocationId });
      const certification = await this.activeCertification(manager, enterpriseId, revocation.certificationId);
      await manager.update(
        CertificationEntity,
        { id: certification.id },
        {
          status: 'revoked',
          revocation: {
            reason: revocation.reason,
            fraud: revocation.fraud,
            proposedBy: revocation.proposedBy,
            confirmedBy: actor.id,
            revokedOn: today,
          },
          version: certification.version + 1,
          updatedAt: new Date(),
        },
      );
      await appendAudit(manager, {
        entityType: 'certification',
        entityId: certification.id,
        event: 'REVOKED',
        from: 'active',
        to: 'revoked',
        actorId: actor.id,
        payload: { revocationId, reason: revocation.reason, fraud: revocation.fraud },
      });
      await appendOutbox(manager, [
        {
          topic: 'certification.revoked',
          aggregateType: 'enterprise',
          aggregateId: enterpriseId,
          payload: {
            certificationId: certification.id,
            tier: certification.tier,
            fraud: revocation.fraud,
            revokedOn: today,
          },
        },
      ]);
      await syncTierDown(
        manager,
        this.transitions,
        enterpriseId,
        { type: 'REVOKED', fraud: revocation.fraud },
        certification.id,
        today,
        actor,
      );
      return outcome;
    });
    this.relay.nudge();
    return { id: revocationId, state: result.to, allowedEvents: result.allowedEvents };
  }

  async revocations(enterpriseId: string) {
    const rows = await this.dataSource
      .getRepository(RevocationEntity)
      .find({ where: { enterpriseId }, order: { createdAt: 'DESC' } });
    return { items: rows.map(toRevocationView), total: rows.length };
  }

  /** Deregistration or moving out (EXITED), and coming back (REINSTATED at the tier the certifications still give). */
  async exitOrReinstate(enterpriseId: string, exit: boolean, reason: string, actor: Actor) {
    const result = await this.tx.run(async (manager) => {
      const active = await manager.find(CertificationEntity, { where: { enterpriseId, status: 'active' } });
      return this.transitions.applyIn(manager, {
        machineId: TIER_MACHINE_ID,
        entityId: enterpriseId,
        event: exit
          ? { type: 'EXITED', reason, on: chinaToday() }
          : { type: 'REINSTATED', tier: heldTier(active), on: chinaToday() },
        actor,
        auditPayload: { reason },
      });
    });
    this.relay.nudge();
    return { id: enterpriseId, tier: result.to, version: result.version };
  }

  /** Every tier change with its date, cause, actor and certification (from the audit log, which is append-only). */
  async history(enterpriseId: string) {
    const rows = await this.dataSource.getRepository(AuditEventEntity).find({
      where: { entityType: 'enterprise', entityId: enterpriseId, event: In(TIER_EVENTS) },
      order: { at: 'ASC', id: 'ASC' },
    });
    const items = rows.map((r) => {
      const payload = r.payload;
      return {
        at: new Date(r.at).toISOString(),
        date: payload.on ?? chinaToday(new Date(r.at).getTime()),
        cause: r.event,
        from: r.from,
        to: r.to,
        actorId: r.actorId,
        certificationId: payload.certificationId ?? null,
        kind: payload.kind ?? null,
        fraud: payload.fraud ?? null,
        reason: payload.reason ?? null,
      };
    });
    return { items, total: items.length };
  }

  private async activeCertification(manager: EntityManager, enterpriseId: string, certificationId: string) {
    const certification = await manager.findOne(CertificationEntity, { where: { id: certificationId, enterpriseId } });
    if (!certification) throw notFound('certification', certificationId);
    if (certification.status !== 'active')
      throw conflict(
        'CERTIFICATION_NOT_ACTIVE',
        `Certification ${certificationId} is ${certification.status}, not active`,
      );
    return certification;
  }
}

export function toCertificationView(c: CertificationEntity) {
  const { createdAt, updatedAt, ...rest } = c;
  return { ...rest, createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(updatedAt).toISOString() };
}

export function toRevocationView(r: RevocationEntity) {
  return {
    id: r.id,
    enterpriseId: r.enterpriseId,
    certificationId: r.certificationId,
    reason: r.reason,
    fraud: r.fraud,
    state: r.state,
    proposedBy: r.proposedBy,
    decidedBy: r.decidedBy,
    version: r.version,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}
