import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { appendOutbox } from '../outbox/outbox-writer';
import { MachineRegistry } from '../state/machine-registry';
import { BudgetLedger } from './budget.ledger';
import { BulkColumn, bulkInsert } from './bulk-insert';
import { GrantEntity, GrantTrigger } from './grant.entity';
import { GRANT_MACHINE_ID, GrantOutcome } from './grant.machine';
import { ProgrammeEntity } from './programme.entity';
import type { Decision } from './rules/rule-evaluation';

/** One decided candidate, ready to become a grant. */
export interface Evaluated {
  enterpriseId: string;
  trigger: GrantTrigger;
  decision: Decision;
  /** Waitlist order key: when the triggering event happened (a batch: when it was started). */
  queuedAt: Date;
}

export interface WriteContext {
  initiatedBy: string | null;
}

export interface WriteSummary {
  eligible: number;
  waitlisted: number;
  needsData: number;
  /** Matches that already had a grant for this programme, enterprise and period (a repeat: nothing written). */
  existing: number;
  /** Amount reserved by this write. */
  reserved: number;
  /** The programme was closed or replaced before the write; nothing was written. */
  stopped: boolean;
  grantIds: string[];
}

/** Columns written when a grant is created (the rest start as NULL). */
const GRANT_COLUMNS: BulkColumn[] = [
  { name: 'id', pg: 'varchar' },
  { name: 'programme_id', pg: 'varchar' },
  { name: 'programme_code', pg: 'varchar' },
  { name: 'programme_version', pg: 'int' },
  { name: 'period', pg: 'int' },
  { name: 'enterprise_id', pg: 'varchar' },
  { name: 'amount', pg: 'bigint' },
  { name: 'reserved', pg: 'boolean' },
  { name: 'queued_at', pg: 'timestamptz' },
  { name: 'certification_id', pg: 'varchar' },
  { name: 'trigger', pg: 'text' },
  { name: 'facts', pg: 'text' },
  { name: 'conditions', pg: 'text' },
  { name: 'missing', pg: 'text' },
  { name: 'initiated_by', pg: 'varchar' },
  { name: 'state', pg: 'varchar' },
  { name: 'snapshot', pg: 'text' },
  { name: 'machine_id', pg: 'varchar' },
  { name: 'machine_version', pg: 'int' },
  { name: 'version', pg: 'int' },
  { name: 'created_at', pg: 'timestamptz' },
  { name: 'updated_at', pg: 'timestamptz' },
];

const grantValues = (g: GrantEntity): unknown[] => [
  g.id,
  g.programmeId,
  g.programmeCode,
  g.programmeVersion,
  g.period,
  g.enterpriseId,
  g.amount,
  g.reserved,
  g.queuedAt,
  g.certificationId,
  JSON.stringify(g.trigger),
  JSON.stringify(g.facts),
  JSON.stringify(g.conditions),
  JSON.stringify(g.missing),
  g.initiatedBy,
  g.state,
  JSON.stringify(g.snapshot),
  g.machineId,
  g.machineVersion,
  g.version,
  g.createdAt,
  g.updatedAt,
];

const AUDIT_COLUMNS: BulkColumn[] = [
  { name: 'id', pg: 'varchar' },
  { name: 'entity_type', pg: 'varchar' },
  { name: 'entity_id', pg: 'varchar' },
  { name: 'event', pg: 'varchar' },
  { name: 'from_state', pg: 'varchar' },
  { name: 'to_state', pg: 'varchar' },
  { name: 'actor_id', pg: 'varchar' },
  { name: 'at', pg: 'timestamptz' },
  { name: 'payload', pg: 'text' },
];

const emptySummary = (): WriteSummary => ({
  eligible: 0,
  waitlisted: 0,
  needsData: 0,
  existing: 0,
  reserved: 0,
  stopped: false,
  grantIds: [],
});

/**
 * Turns decisions into grants inside the caller's transaction, never twice and never past the budget:
 * lock the programme row → drop enterprises that already have a grant of this code and period → reserve the amounts
 * (one conditional UPDATE for the lot; one per grant, in queue order, when the lot does not fit) → insert with
 * ON CONFLICT DO NOTHING against the unique key, RETURNING what went in → give back the reservation of any row the key
 * refused (every writer holds the programme lock, so this is a second line of defence) → audit (the same rows
 * appendAudit writes, in one statement) → one outbox row announcing the new grants (notifications).
 */
@Injectable()
export class GrantWriter {
  constructor(
    private readonly ledger: BudgetLedger,
    private readonly machines: MachineRegistry,
  ) {}

  async write(
    manager: EntityManager,
    programme: ProgrammeEntity,
    evaluated: Evaluated[],
    context: WriteContext,
  ): Promise<WriteSummary> {
    const summary = emptySummary();
    const wanted = firstPerEnterprise(evaluated.filter((e) => e.decision.outcome !== 'no_match'));
    if (!wanted.length) return summary;
    const locked = await this.ledger.lock(manager, programme.id);
    if (!locked || locked.status !== 'active' || locked.supersededBy) return { ...summary, stopped: true };

    const taken = new Set(
      (
        await manager
          .getRepository(GrantEntity)
          .createQueryBuilder('g')
          .select('g.enterprise_id', 'enterpriseId')
          .where('g.programme_code = :code AND g.period = :period', { code: programme.code, period: programme.period })
          .andWhere('g.enterprise_id IN (:...ids)', { ids: wanted.map((w) => w.enterpriseId) })
          .getRawMany<{ enterpriseId: string }>()
      ).map((g) => g.enterpriseId),
    );
    const fresh = wanted
      .filter((w) => !taken.has(w.enterpriseId))
      .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || (a.enterpriseId < b.enterpriseId ? -1 : 1));
    summary.existing = wanted.length - fresh.length;
    if (!fresh.length) return summary;

    const outcomes = await this.reserveInOrder(manager, locked, fresh);
    const now = new Date();
    const initial = new Map<GrantOutcome, ReturnType<MachineRegistry['initialColumns']>>();
    const columnsFor = (outcome: GrantOutcome) => {
      if (!initial.has(outcome))
        initial.set(
          outcome,
          this.machines.initialColumns(GRANT_MACHINE_ID, { outcome, initiatedBy: context.initiatedBy }),
        );
      return initial.get(outcome)!;
    };
    const rows: GrantEntity[] = fresh.map((w, i) =>
      Object.assign(new GrantEntity(), {
        id: randomUUID(),
        programmeId: locked.id,
        programmeCode: locked.code,
        programmeVersion: locked.version,
        period: locked.period,
        enterpriseId: w.enterpriseId,
        amount: w.decision.amount,
        reserved: outcomes[i] === 'eligible',
        queuedAt: w.queuedAt,
        certificationId: w.trigger.certificationId ?? null,
        trigger: w.trigger,
        facts: w.decision.factsRead,
        conditions: w.decision.conditions,
        missing: w.decision.missing,
        initiatedBy: context.initiatedBy,
        payee: null,
        approvedBy: null,
        approvedAt: null,
        paymentReference: null,
        paidOn: null,
        reason: null,
        ...columnsFor(outcomes[i]),
        createdAt: now,
        updatedAt: now,
      }),
    );
    const inserted = new Set(
      (await bulkInsert(manager, 'grants', GRANT_COLUMNS, rows.map(grantValues), {
        onConflictDoNothing: true,
        returning: 'id',
      })) as string[],
    );
    const lost = rows.filter((r) => !inserted.has(r.id) && r.reserved).reduce((sum, r) => sum + (r.amount ?? 0), 0);
    if (lost > 0)
      await manager
        .createQueryBuilder()
        .update(ProgrammeEntity)
        .set({ reserved: () => 'reserved - :lost' })
        .where('id = :id', { id: locked.id, lost })
        .execute();

    const written = rows.filter((r) => inserted.has(r.id));
    summary.existing += rows.length - written.length;
    for (const r of written) {
      if (r.state === 'eligible') summary.eligible++;
      else if (r.state === 'waitlisted') summary.waitlisted++;
      else summary.needsData++;
      if (r.reserved) summary.reserved += r.amount ?? 0;
    }
    summary.grantIds = written.map((r) => r.id);
    await this.audit(manager, written, now, context);
    const announce = written.filter((r) => r.state !== 'waitlisted').map((r) => r.id);
    if (announce.length)
      await appendOutbox(manager, [
        {
          topic: 'grants.matched',
          aggregateType: 'programme',
          aggregateId: locked.id,
          payload: { grantIds: announce },
        },
      ]);
    return summary;
  }

  /**
   * Eligible while the budget lasts, in queue order; once one does not fit, it and everything after it wait (so
   * does everything while older grants are already waiting). Needs-data matches reserve nothing until filled.
   */
  private async reserveInOrder(manager: EntityManager, programme: ProgrammeEntity, fresh: Evaluated[]) {
    const outcomes: GrantOutcome[] = fresh.map((w) => (w.decision.outcome === 'match' ? 'eligible' : 'needs_data'));
    const matches = outcomes.flatMap((o, i) => (o === 'eligible' ? [i] : []));
    if (!matches.length) return outcomes;
    const waiting = !!(await this.ledger.waitlistHead(manager, programme.code, programme.period));
    const total = matches.reduce((sum, i) => sum + (fresh[i].decision.amount ?? 0), 0);
    if (!waiting && (await this.ledger.reserve(manager, programme.id, total))) return outcomes;
    let full = waiting;
    for (const i of matches) {
      if (!full && (await this.ledger.reserve(manager, programme.id, fresh[i].decision.amount ?? 0))) continue;
      full = true;
      outcomes[i] = 'waitlisted';
    }
    return outcomes;
  }

  /** One audit event per grant, written as one statement (a batch creates up to a thousand at once). */
  private async audit(manager: EntityManager, rows: GrantEntity[], at: Date, context: WriteContext) {
    const events: AuditEventEntity[] = rows.map((r) => ({
      id: randomUUID(),
      entityType: 'grant',
      entityId: r.id,
      event: 'MATCHED',
      from: null,
      to: r.state,
      actorId: context.initiatedBy,
      at,
      payload: {
        programmeId: r.programmeId,
        programmeCode: r.programmeCode,
        programmeVersion: r.programmeVersion,
        enterpriseId: r.enterpriseId,
        period: r.period,
        amount: r.amount,
        trigger: r.trigger,
        missing: r.missing,
      },
    }));
    await bulkInsert(
      manager,
      'audit_events',
      AUDIT_COLUMNS,
      events.map((e) => [
        e.id,
        e.entityType,
        e.entityId,
        e.event,
        e.from,
        e.to,
        e.actorId,
        e.at,
        JSON.stringify(e.payload),
      ]),
    );
  }
}

/** A batch may replay several events of one enterprise (two recognitions in a year): the earliest match counts. */
function firstPerEnterprise(evaluated: Evaluated[]): Evaluated[] {
  const best = new Map<string, Evaluated>();
  for (const e of evaluated) {
    const current = best.get(e.enterpriseId);
    if (!current || (current.decision.outcome === 'needs_data' && e.decision.outcome === 'match'))
      best.set(e.enterpriseId, e);
  }
  return [...best.values()];
}
