import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In, Not } from 'typeorm';
import type { Actor } from '../auth/actor';
import { OwnershipRegistry } from '../auth/ownership.registry';
import { forbidden, notFound, validationFailed } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { MachineRegistry } from '../state/machine-registry';
import { TransitionRequest, TransitionService } from '../state/transition.service';
import { BudgetLedger } from './budget.ledger';
import { ConfirmGrantDto, EnterpriseGrantsQueryDto, ListGrantsQueryDto, PayGrantDto } from './grant.dto';
import { GrantEntity } from './grant.entity';
import { GRANT_MACHINE_ID, GRANT_MACHINE_VERSION, GrantEvent, grantMachine } from './grant.machine';
import { toGrantView } from './grant.view';
import { ProgrammeEntity } from './programme.entity';

/** States a revocation for fraud cancels (not paid yet) and claws back (paid). */
const UNPAID = ['needs_data', 'waitlisted', 'eligible', 'notified', 'confirmed', 'approved'];

/**
 * Grants after matching: each step is a transition of the grant machine through TransitionService, with the budget
 * released in the same transaction when a reserved grant is cancelled.
 */
@Injectable()
export class GrantsService implements OnModuleInit {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machines: MachineRegistry,
    private readonly transitions: TransitionService,
    private readonly ledger: BudgetLedger,
    private readonly ownership: OwnershipRegistry,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.machines.register({
      id: GRANT_MACHINE_ID,
      version: GRANT_MACHINE_VERSION,
      machine: grantMachine as never,
      entity: GrantEntity,
      entityType: 'grant',
    });
    // A grant belongs to its enterprise: enterprise users reach only their own (another's answers 404).
    this.ownership.register('grant', async (id) => {
      const row = await this.dataSource
        .getRepository(GrantEntity)
        .findOne({ where: { id }, select: { id: true, enterpriseId: true } });
      return row?.enterpriseId ?? null;
    });
  }

  async forEnterprise(enterpriseId: string, query: EnterpriseGrantsQueryDto) {
    return this.page({ enterpriseId, ...(query.state ? { state: query.state } : {}) }, query.page, query.pageSize);
  }

  async list(query: ListGrantsQueryDto) {
    const where: FindOptionsWhere<GrantEntity> = {};
    if (query.programmeId) where.programmeId = query.programmeId;
    if (query.programmeCode) where.programmeCode = query.programmeCode;
    if (query.state) where.state = query.state;
    if (query.period) where.period = query.period;
    if (query.enterpriseId) where.enterpriseId = query.enterpriseId;
    return this.page(where, query.page, query.pageSize);
  }

  private async page(where: FindOptionsWhere<GrantEntity>, page: number, pageSize: number) {
    const [rows, total] = await this.dataSource.getRepository(GrantEntity).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    const names = await this.programmeNames(rows.map((r) => r.programmeId));
    return { items: rows.map((r) => toGrantView(r, names.get(r.programmeId))), total };
  }

  async get(id: string) {
    const row = await this.dataSource.getRepository(GrantEntity).findOne({ where: { id } });
    if (!row) throw notFound('grant', id);
    const names = await this.programmeNames([row.programmeId]);
    return toGrantView(row, names.get(row.programmeId));
  }

  /** A caseworker told the enterprise by other means (it has no user account yet, say). */
  notify(id: string, actor: Actor) {
    return this.step(id, actor, { type: 'NOTIFY', by: actor.id, channel: 'manual' });
  }

  confirm(id: string, dto: ConfirmGrantDto, actor: Actor) {
    const payee = { accountName: dto.accountName, bankName: dto.bankName, accountNumber: dto.accountNumber };
    return this.step(id, actor, { type: 'CONFIRM', by: actor.id, payee }, { columns: () => ({ payee }) });
  }

  /** 四眼原则: the manager who ran the batch that found the grant cannot approve it. */
  approve(id: string, actor: Actor) {
    return this.step(
      id,
      actor,
      { type: 'APPROVE', by: actor.id },
      {
        guard: ({ row }) => {
          if ((row as GrantEntity).initiatedBy && (row as GrantEntity).initiatedBy === actor.id)
            throw forbidden(
              'SEPARATION_OF_DUTIES',
              'The manager who ran the batch that found this grant cannot also approve it',
            );
        },
        columns: () => ({ approvedBy: actor.id, approvedAt: new Date() }),
      },
    );
  }

  /** A payment is recorded after the transfer: its date is neither after today nor before the approval (China time). */
  pay(id: string, dto: PayGrantDto, actor: Actor) {
    const paidOn = dto.paidOn ?? chinaToday();
    if (paidOn > chinaToday()) throw validationFailed([{ field: 'paidOn', reason: 'paidOn must not be after today' }]);
    return this.step(
      id,
      actor,
      { type: 'PAY', by: actor.id, reference: dto.reference, paidOn },
      {
        guard: ({ row }) => {
          const approvedAt = (row as GrantEntity).approvedAt;
          const approvedOn = approvedAt && chinaToday(new Date(approvedAt).getTime());
          if (approvedOn && paidOn < approvedOn)
            throw validationFailed([
              { field: 'paidOn', reason: `paidOn must not be before the approval on ${approvedOn}` },
            ]);
        },
        columns: () => ({ paymentReference: dto.reference, paidOn }),
      },
    );
  }

  async cancel(id: string, reason: string, actor: Actor) {
    await this.tx.run((manager) => this.cancelIn(manager, id, reason, actor));
    this.relay.nudge();
    return this.get(id);
  }

  /** Money paid is recovered; the reservation is not given back (it was spent, recovery is the treasury's). */
  clawBack(id: string, reason: string, actor: Actor) {
    return this.step(id, actor, { type: 'CLAW_BACK', by: actor.id, reason }, { columns: () => ({ reason }) });
  }

  /**
   * Cancels inside the caller's transaction and gives a reserved amount back, which may promote the waitlist. A
   * waitlisted grant holds nothing, but cancelling the head of the queue may let the next one fit: that promotes too.
   */
  async cancelIn(manager: EntityManager, id: string, reason: string, actor: Actor) {
    let released: { code: string; period: number; amount: number } | null = null;
    await this.transitions.applyIn(manager, {
      machineId: GRANT_MACHINE_ID,
      entityId: id,
      event: { type: 'CANCEL', by: actor.id, reason },
      actor,
      guard: ({ row }) => {
        const g = row as GrantEntity;
        released =
          g.reserved || g.state === 'waitlisted'
            ? { code: g.programmeCode, period: g.period, amount: g.reserved ? (g.amount ?? 0) : 0 }
            : null;
      },
      columns: () => ({ reason, reserved: false }),
      alsoWrite: async (m) => {
        const r = released as { code: string; period: number; amount: number } | null;
        if (r) await this.ledger.release(m, r.code, r.period, r.amount, actor);
      },
    });
  }

  /**
   * A certification revoked for fraud (弄虚作假): grants resting on it are cancelled if unpaid and clawed back if
   * paid. A revocation without fraud leaves them: the recognition was valid when they were granted.
   */
  async onRevokedIn(manager: EntityManager, certificationId: string, fraud: boolean, actor: Actor) {
    if (!fraud) return 0;
    const grants = await manager.find(GrantEntity, {
      where: { certificationId, state: Not(In(['cancelled', 'clawed_back'])) },
      order: { id: 'ASC' },
    });
    const reason = `certification ${certificationId} revoked for fraud`;
    for (const g of grants) {
      if (g.state === 'paid')
        await this.transitions.applyIn(manager, {
          machineId: GRANT_MACHINE_ID,
          entityId: g.id,
          event: { type: 'CLAW_BACK', by: actor.id, reason },
          actor,
          columns: () => ({ reason }),
        });
      else if (UNPAID.includes(g.state)) await this.cancelIn(manager, g.id, reason, actor);
    }
    return grants.length;
  }

  private async step(
    id: string,
    actor: Actor,
    event: GrantEvent,
    extra: Pick<TransitionRequest, 'guard' | 'columns'> = {},
  ) {
    await this.transitions.apply({ machineId: GRANT_MACHINE_ID, entityId: id, event, actor, ...extra });
    return this.get(id);
  }

  private async programmeNames(ids: string[]) {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map<string, string>();
    const rows = await this.dataSource
      .getRepository(ProgrammeEntity)
      .find({ where: { id: In(unique) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
