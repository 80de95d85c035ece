import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { appendOutbox } from '../outbox/outbox-writer';
import { MachineRegistry } from '../state/machine-registry';
import { BudgetLedger } from './budget.ledger';
import { BulkColumn, bulkInsert } from './bulk-insert';
import { inList } from './facts.loader';
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
  /**
   * The first and last enterprise id of the page the matches come from, in the database's order: the duplicate check
   * then reads that stretch of the enterprise index instead of probing for each id.
   */
  span?: [string, string];
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

    const taken = await this.taken(manager, programme, wanted, context.span);
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
    const postgres = manager.connection.options.type === 'postgres';
    const inserted = new Set(
      postgres
        ? await insertWithAudit(manager, locked, rows, now, context)
        : ((await bulkInsert(manager, 'grants', GRANT_COLUMNS, rows.map(grantValues), {
            onConflictDoNothing: true,
            returning: 'id',
          })) as string[]),
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
    if (!postgres) await this.audit(manager, written, now, context);
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
   * Enterprises of `wanted` that already have a grant of this code and period. By the page's span of the enterprise
   * index: the grants of a stretch of enterprises are few, and `programme_code || ''` keeps the planner off the
   * programme indexes, which it favours when the table's statistics were taken while it was (nearly) empty (a fresh
   * registry, or a benchmark that empties it) and then scans every grant of the programme for every page.
   */
  private async taken(
    manager: EntityManager,
    programme: ProgrammeEntity,
    wanted: Evaluated[],
    span: [string, string] | undefined,
  ): Promise<Set<string>> {
    const qb = manager
      .getRepository(GrantEntity)
      .createQueryBuilder('g')
      .select('g.enterprise_id', 'enterpriseId')
      .where("g.programme_code || '' = :code AND g.period = :period", {
        code: programme.code,
        period: programme.period,
      });
    if (span)
      qb.andWhere('g.enterprise_id >= :spanFrom AND g.enterprise_id <= :spanTo', {
        spanFrom: span[0],
        spanTo: span[1],
      });
    else
      inList(
        qb,
        'g.enterprise_id',
        'ids',
        wanted.map((w) => w.enterpriseId),
      );
    return new Set((await qb.getRawMany<{ enterpriseId: string }>()).map((g) => g.enterpriseId));
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

  /** SQLite: one audit event per grant, written as one statement (PostgreSQL makes them in the insert). */
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

/**
 * PostgreSQL: the grants and their audit events in one statement. The rows go as one JSON document
 * (`json_to_recordset`), so the JSON columns travel as JSON once instead of as escaped text in arrays, the columns
 * every row shares go once, and the audit events are made from the rows the unique key let in (RETURNING), with the
 * payload `appendAudit` would write (the same keys in the same order, the same JSON text). Answers the inserted ids.
 */
async function insertWithAudit(
  manager: EntityManager,
  programme: ProgrammeEntity,
  rows: GrantEntity[],
  at: Date,
  context: WriteContext,
): Promise<string[]> {
  const document = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      enterprise_id: r.enterpriseId,
      amount: r.amount,
      reserved: r.reserved,
      queued_at: r.queuedAt,
      certification_id: r.certificationId,
      trigger: r.trigger,
      facts: r.facts,
      conditions: r.conditions,
      missing: r.missing,
      state: r.state,
      snapshot: r.snapshot,
      machine_id: r.machineId,
      machine_version: r.machineVersion,
      version: r.version,
    })),
  );
  const result: { id: string }[] = await manager.query(INSERT_WITH_AUDIT, [
    document,
    programme.id,
    programme.code,
    programme.version,
    programme.period,
    context.initiatedBy,
    at.toISOString(),
  ]);
  return result.map((r) => r.id);
}

const INSERT_WITH_AUDIT = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    id varchar, enterprise_id varchar, amount bigint, reserved boolean, queued_at timestamptz,
    certification_id varchar, trigger json, facts json, conditions json, missing json, state varchar, snapshot json,
    machine_id varchar, machine_version int, version int)
), inserted AS (
  INSERT INTO "grants" ("id", "programme_id", "programme_code", "programme_version", "period", "enterprise_id",
    "amount", "reserved", "queued_at", "certification_id", "trigger", "facts", "conditions", "missing", "initiated_by",
    "state", "snapshot", "machine_id", "machine_version", "version", "created_at", "updated_at")
  SELECT x.id, $2::varchar, $3::varchar, $4::int, $5::int, x.enterprise_id, x.amount, x.reserved, x.queued_at,
    x.certification_id, x.trigger::text, x.facts::text, x.conditions::text, x.missing::text, $6::varchar, x.state,
    x.snapshot::text, x.machine_id, x.machine_version, x.version, $7::timestamptz, $7::timestamptz
  FROM input x
  ON CONFLICT DO NOTHING
  RETURNING "id", "enterprise_id", "amount", "trigger", "missing", "state"
), audited AS (
  INSERT INTO "audit_events" ("id", "entity_type", "entity_id", "event", "from_state", "to_state", "actor_id", "at",
    "payload")
  SELECT gen_random_uuid()::varchar, 'grant', i.id, 'MATCHED', NULL, i.state, $6::varchar, $7::timestamptz,
    '{"programmeId":' || to_json($2::varchar)::text || ',"programmeCode":' || to_json($3::varchar)::text ||
    ',"programmeVersion":' || $4::int || ',"enterpriseId":' || to_json(i.enterprise_id)::text ||
    ',"period":' || $5::int || ',"amount":' || COALESCE(i.amount::text, 'null') || ',"trigger":' || i.trigger ||
    ',"missing":' || i.missing || '}'
  FROM inserted i
)
SELECT "id" FROM inserted`;
