import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, LessThan } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import { SYSTEM_ACTOR } from '../auth/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { AnnualIndicatorsEntity } from '../indicators/annual-indicators.entity';
import { JobHandler } from '../jobs/job-handler.decorator';
import { declareJobNames } from '../jobs/job-names';
import { JobRecords } from '../jobs/job-records.service';
import { declareRepeatableJob } from '../jobs/worker-runtime.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { appendOutbox } from '../outbox/outbox-writer';
import { TransitionService } from '../state/transition.service';
import { CertificationEntity } from './certification.entity';
import { CertificationsService } from './certifications.service';
import { NoticeEntity, NoticeKind } from './notice.entity';
import { RevocationEntity } from './revocation.entity';
import { syncTierDown } from './tier-sync';

export const SWEEP_JOB = 'tier.sweep';
declareJobNames(SWEEP_JOB);
// 01:00 every day, China time whatever the server's time zone; one schedule however many workers register it.
declareRepeatableJob({ name: SWEEP_JOB, key: 'tier.sweep.daily', cron: '0 1 * * *', tz: 'Asia/Shanghai' });

/** HTE guideline: the annual development report (年度发展情况报表) for the previous year is due by 31 May. */
const ANNUAL_REPORT_DUE = '05-31';
/** TSME: last year's entries re-evaluate by 31 March to stay in the database. */
const TECH_SME_REEVALUATION_DUE = '03-31';
/** HTE art. 19: two missed annual reports in total is a ground for cancellation (proposed, never automatic). */
const MISSED_REPORTS_FOR_REVOCATION = 2;

export interface SweepSummary {
  asOf: string;
  expired: number;
  tierChanges: number;
  renewalReminders: number;
  techSmeReminders: number;
  missingReports: number;
  revocationSuggestions: number;
}

/**
 * The daily sweep for one date: expires lapsed certifications (tier falls to the next one still held), reminds
 * high-tech enterprises in their expiry year and last year's tech SMEs, flags missing annual reports and suggests
 * revocation after two. Every step is keyed by date and row state, so running it twice for a day changes nothing.
 */
@Injectable()
export class TierSweepProcessor {
  private readonly logger = new Logger('sweep');

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly certifications: CertificationsService,
    private readonly records: JobRecords,
    private readonly relay: OutboxRelay,
  ) {}

  @JobHandler(SWEEP_JOB)
  async handle(data: Record<string, unknown>) {
    if (!data.jobRecordId) return this.sweep(chinaToday());
    const record = await this.records.forHandler(String(data.jobRecordId));
    if (!record) return;
    await this.records.update(record.id, { status: 'running' });
    const summary = await this.sweep(String(record.params.asOf));
    await this.records.update(record.id, { status: 'completed', result: { ...summary } });
    return summary;
  }

  async sweep(asOf: string): Promise<SweepSummary> {
    const summary: SweepSummary = {
      asOf,
      expired: 0,
      tierChanges: 0,
      renewalReminders: 0,
      techSmeReminders: 0,
      missingReports: 0,
      revocationSuggestions: 0,
    };
    await this.expire(asOf, summary);
    summary.renewalReminders = await this.remindRenewals(asOf);
    summary.techSmeReminders = await this.remindTechSmes(asOf);
    await this.flagMissingReports(asOf, summary);
    this.relay.nudge();
    this.logger.log({ ...summary }, 'sweep done');
    return summary;
  }

  private async expire(asOf: string, summary: SweepSummary) {
    const lapsed = await this.dataSource.getRepository(CertificationEntity).find({
      where: { status: 'active', validUntil: LessThan(asOf) },
      order: { enterpriseId: 'ASC' },
    });
    for (const certification of lapsed) {
      await this.tx.run(async (manager) => {
        // Only the run that flips the row does the rest: a concurrent or repeated sweep finds it already expired.
        const flipped = await manager.update(
          CertificationEntity,
          { id: certification.id, status: 'active' },
          { status: 'expired', version: certification.version + 1, updatedAt: new Date() },
        );
        if (flipped.affected !== 1) return;
        summary.expired++;
        await appendAudit(manager, {
          entityType: 'certification',
          entityId: certification.id,
          event: 'EXPIRED',
          from: 'active',
          to: 'expired',
          actorId: null,
          payload: { asOf, validUntil: certification.validUntil, enterpriseId: certification.enterpriseId },
        });
        await appendOutbox(manager, [
          {
            topic: 'certification.expired',
            aggregateType: 'enterprise',
            aggregateId: certification.enterpriseId,
            payload: {
              certificationId: certification.id,
              tier: certification.tier,
              validUntil: certification.validUntil,
            },
          },
        ]);
        const change = await syncTierDown(
          manager,
          this.transitions,
          certification.enterpriseId,
          { type: 'EXPIRED' },
          certification.id,
          asOf,
          SYSTEM_ACTOR,
        );
        if (change) summary.tierChanges++;
      });
    }
  }

  private async remindRenewals(asOf: string) {
    const year = asOf.slice(0, 4);
    const due = await this.dataSource
      .getRepository(CertificationEntity)
      .createQueryBuilder('c')
      .where("c.tier = 'high_tech' AND c.status = 'active'")
      .andWhere('c.valid_until >= :from AND c.valid_until <= :to', { from: `${year}-01-01`, to: `${year}-12-31` })
      .getMany();
    return this.notify(
      due.map((c) => ({
        enterpriseId: c.enterpriseId,
        kind: 'high_tech_renewal_due',
        period: year,
        payload: { certificationId: c.id, validUntil: c.validUntil },
      })),
    );
  }

  private async remindTechSmes(asOf: string) {
    const year = Number(asOf.slice(0, 4));
    if (asOf.slice(5) > TECH_SME_REEVALUATION_DUE) return 0;
    const lastYear = await this.dataSource
      .getRepository(CertificationEntity)
      .createQueryBuilder('c')
      .where("c.tier = 'tech_sme' AND c.valid_until = :end", { end: `${year - 1}-12-31` })
      .andWhere("c.status IN ('active', 'expired')")
      .andWhere(
        (qb) =>
          'NOT EXISTS ' +
          qb
            .subQuery()
            .select('1')
            .from(CertificationEntity, 'n')
            .where("n.enterprise_id = c.enterprise_id AND n.tier = 'tech_sme' AND n.issued_on >= :start", {
              start: `${year}-01-01`,
            })
            .getQuery(),
      )
      .getMany();
    return this.notify(
      lastYear.map((c) => ({
        enterpriseId: c.enterpriseId,
        kind: 'tech_sme_reevaluation_due',
        period: String(year),
        payload: { due: `${year}-${TECH_SME_REEVALUATION_DUE}` },
      })),
    );
  }

  private async flagMissingReports(asOf: string, summary: SweepSummary) {
    const year = Number(asOf.slice(0, 4));
    if (asOf.slice(5) <= ANNUAL_REPORT_DUE) return;
    const reportYear = year - 1;
    // High-tech enterprises that held their current certificate during the report year.
    const holders = await this.dataSource
      .getRepository(CertificationEntity)
      .createQueryBuilder('c')
      .where("c.tier = 'high_tech' AND c.status = 'active' AND c.issued_on <= :end", { end: `${reportYear}-12-31` })
      .getMany();
    if (!holders.length) return;
    const filed = new Set(
      (
        await this.dataSource.getRepository(AnnualIndicatorsEntity).find({
          where: { enterpriseId: In(holders.map((h) => h.enterpriseId)), year: reportYear },
          select: { enterpriseId: true },
        })
      ).map((r) => r.enterpriseId),
    );
    const missing = holders.filter((h) => !filed.has(h.enterpriseId));
    summary.missingReports = await this.notify(
      missing.map((h) => ({
        enterpriseId: h.enterpriseId,
        kind: 'annual_report_missing',
        period: String(reportYear),
        payload: { certificationId: h.id, due: `${year}-${ANNUAL_REPORT_DUE}` },
      })),
    );
    for (const holder of missing) {
      await this.tx.run(async (manager) => {
        const missed = await manager
          .getRepository(NoticeEntity)
          .createQueryBuilder('n')
          .where("n.enterprise_id = :id AND n.kind = 'annual_report_missing' AND n.period >= :from", {
            id: holder.enterpriseId,
            from: holder.issuedOn.slice(0, 4),
          })
          .getCount();
        if (missed < MISSED_REPORTS_FOR_REVOCATION) return;
        if (await manager.exists(RevocationEntity, { where: { certificationId: holder.id } })) return;
        await this.certifications.newRevocation(
          manager,
          holder.enterpriseId,
          holder.id,
          `两次未按时报送年度发展情况报表 (annual report missing ${missed} times); 高新技术企业认定管理办法 第十九条`,
          false,
          SYSTEM_ACTOR,
        );
        await this.insertNotices(manager, [
          {
            enterpriseId: holder.enterpriseId,
            kind: 'revocation_suggested',
            period: String(reportYear),
            payload: { certificationId: holder.id, missed },
          },
        ]);
        summary.revocationSuggestions++;
      });
    }
  }

  private async notify(
    notices: { enterpriseId: string; kind: NoticeKind; period: string; payload: Record<string, any> }[],
  ) {
    if (!notices.length) return 0;
    return this.tx.run((manager) => this.insertNotices(manager, notices));
  }

  /** Inserts the notices not yet raised (the unique key makes a repeat a no-op); returns how many were new. */
  private async insertNotices(
    manager: EntityManager,
    notices: { enterpriseId: string; kind: NoticeKind; period: string; payload: Record<string, any> }[],
  ) {
    let added = 0;
    for (const n of notices) {
      const exists = await manager.exists(NoticeEntity, {
        where: { enterpriseId: n.enterpriseId, kind: n.kind, period: n.period },
      });
      if (exists) continue;
      await manager.insert(NoticeEntity, { id: randomUUID(), ...n, createdAt: new Date() });
      added++;
    }
    return added;
  }

  notices(enterpriseId: string) {
    return this.dataSource
      .getRepository(NoticeEntity)
      .find({ where: { enterpriseId }, order: { createdAt: 'DESC' } })
      .then((items) => ({
        items: items.map((n) => ({ ...n, createdAt: new Date(n.createdAt).toISOString() })),
        total: items.length,
      }));
  }
}
