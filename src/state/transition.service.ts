import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { transition, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { auditRow } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { OutboxMessage, outboxRows } from '../outbox/outbox-writer';
import type { MachineDefinition, StoredSnapshot } from './machine-definition';
import { MachineRegistry } from './machine-registry';
import { MachineRow } from './machine-row';
import { eventTypesFrom, restoreSnapshot, toStored } from './snapshot-tools';
import { RowWrite, writeTransition } from './transition-sql';

export type { RowWrite } from './transition-sql';

export interface TransitionRequest {
  machineId: string;
  entityId: string;
  event: AnyEventObject;
  actor: Actor;
  /** When the client says which version it saw (If-Match), a newer row is a 409 before anything is computed. */
  expectedVersion?: number;
  /** Checks that need the loaded row (separation of duties, ownership of nested rows); throw a DomainError to refuse. */
  guard?: (loaded: LoadedMachine, manager: EntityManager) => Promise<void> | void;
  /** Extra columns written with the new state (denormalised fields such as an enterprise's tier). */
  columns?: (next: StoredSnapshot) => Record<string, unknown>;
  /** The row as the caller already read it in this transaction (`restore`), so it is not read a second time. */
  loaded?: LoadedMachine;
  /**
   * Rows and further outbox messages that follow from the new state, written only when the version check wins (on
   * PostgreSQL in the same statement as the UPDATE). Prefer this to `alsoWrite` for plain inserts and upserts.
   */
  writes?: (next: NextState) => Promise<TransitionWrites> | TransitionWrites;
  /** Further rows the event creates, in the same transaction, after the transition is written. */
  alsoWrite?: (manager: EntityManager, result: TransitionResult) => Promise<void>;
  auditPayload?: Record<string, unknown>;
  /** Emulates a clock for machines whose guards read the date; defaults to now. */
  at?: Date;
}

export interface NextState {
  from: string;
  to: string;
  snapshot: StoredSnapshot;
}

export interface TransitionWrites {
  rows?: RowWrite[];
  outbox?: OutboxMessage[];
}

export interface LoadedMachine {
  row: MachineRow;
  definition: MachineDefinition;
  snapshot: AnyMachineSnapshot;
}

export interface TransitionResult {
  entityId: string;
  from: string;
  to: string;
  version: number;
  snapshot: StoredSnapshot;
  outboxIds: string[];
  allowedEvents: string[];
  /**
   * The row as written: the row as read with the new values (`writeTransition`), so callers need not read it again.
   * Columns other writers change without raising the version (an enterprise's colour and score from a regrade, its
   * caseworker) may have moved since the read; read the row again where those matter.
   */
  row: MachineRow;
}

/**
 * The one way any persisted machine changes state, in one transaction: load the row, restore the snapshot, refuse an
 * event the state does not accept, compute the next snapshot with xstate's pure `transition`, write it with a
 * version-checked UPDATE, append the audit event and the outbox rows (the machine's `emit` actions). On PostgreSQL the
 * UPDATE, the audit row, the outbox rows and the caller's `writes` are one statement (`transition-sql.ts`).
 */
@Injectable()
export class TransitionService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly machines: MachineRegistry,
    private readonly relay: OutboxRelay,
  ) {}

  async apply(request: TransitionRequest): Promise<TransitionResult> {
    const result = await this.tx.run((manager) => this.applyIn(manager, request));
    if (result.outboxIds.length) this.relay.nudge();
    return result;
  }

  /**
   * For callers that already hold a transaction (a command that also creates other rows), or that read and then make
   * this transition their only write (`TransactionRunner.readThenWrite`; no `alsoWrite` there).
   */
  async applyIn(manager: EntityManager, request: TransitionRequest): Promise<TransitionResult> {
    // Without a transaction (TransactionRunner.readThenWrite) only PostgreSQL's one-statement write is atomic.
    if (!TransactionRunner.isolated(manager) && (request.alsoWrite || manager.connection.options.type !== 'postgres'))
      throw new Error('This transition writes more than one statement: run it in TransactionRunner.run');
    const definition = this.machines.get(request.machineId);
    const loaded = request.loaded ?? (await this.load(manager, definition, request.entityId));
    const { row, snapshot } = loaded;
    if (loaded.definition !== definition || row.id !== request.entityId)
      throw new Error(`The loaded row is not ${request.machineId} ${request.entityId}`);
    if (request.expectedVersion !== undefined && request.expectedVersion !== row.version)
      throw conflict(
        'STALE_VERSION',
        `${definition.entityType} ${row.id} is at version ${row.version}, not ${request.expectedVersion}`,
        {
          currentVersion: row.version,
        },
      );
    if (request.guard) await request.guard(loaded, manager);
    if (!snapshot.can(request.event))
      throw conflict('EVENT_NOT_ALLOWED', `${request.event.type} is not allowed in state ${row.state}`, {
        state: row.state,
        allowedEvents: eventTypesFrom(snapshot),
      });

    const [next, actions] = transition(definition.machine, snapshot, request.event);
    const stored = toStored(next);
    const to = String(next.value);
    const now = request.at ?? new Date();
    const { type, ...eventPayload } = request.event;
    const audit = auditRow({
      entityType: definition.entityType,
      entityId: row.id,
      event: type,
      from: row.state,
      to,
      actorId: request.actor.id,
      payload: { ...eventPayload, ...(request.auditPayload ?? {}) },
      at: now,
    });
    const messages: OutboxMessage[] = (actions as { type: string; params?: unknown }[])
      .filter((action) => action.type === 'xstate.emit')
      .map((action) => {
        const { type: topic, ...payload } = (action.params as { event: AnyEventObject }).event;
        return {
          topic,
          aggregateType: definition.entityType,
          aggregateId: row.id,
          payload: { ...payload, from: row.state, to, actorId: request.actor.id, at: now.toISOString() },
        };
      });
    const extra = (await request.writes?.({ from: row.state, to, snapshot: stored })) ?? {};
    const outbox = outboxRows([...messages, ...(extra.outbox ?? [])]);
    const updated = await writeTransition(
      manager,
      definition.entity,
      row,
      {
        ...(request.columns?.(stored) ?? {}),
        state: to,
        snapshot: stored,
        machineVersion: definition.version,
        updatedAt: now,
      },
      [
        { entity: AuditEventEntity, row: audit },
        ...outbox.map((o) => ({ entity: OutboxEventEntity, row: o })),
        ...(extra.rows ?? []),
      ],
    );
    if (!updated)
      throw conflict(
        'CONCURRENT_UPDATE',
        `${definition.entityType} ${row.id} was changed by someone else; reload and retry`,
      );

    const result: TransitionResult = {
      entityId: row.id,
      from: row.state,
      to,
      version: row.version + 1,
      snapshot: stored,
      outboxIds: outbox.map((o) => o.id),
      allowedEvents: eventTypesFrom(next),
      row: updated as MachineRow,
    };
    if (request.alsoWrite) await request.alsoWrite(manager, result);
    return result;
  }

  /** Loads and restores without changing anything (for GET endpoints that show allowed events). */
  async load(manager: EntityManager, definition: MachineDefinition, id: string): Promise<LoadedMachine> {
    const row = (await manager.findOne(definition.entity, { where: { id } })) as MachineRow | null;
    if (!row) throw notFound(definition.entityType, id);
    return this.restore(definition, row);
  }

  /** Restores a row the caller read itself (pass it as `loaded`, or use it to list allowed events). */
  restore(definition: MachineDefinition | string, row: MachineRow): LoadedMachine {
    const def = typeof definition === 'string' ? this.machines.get(definition) : definition;
    return { row, definition: def, snapshot: restoreSnapshot(def, row.snapshot, row.machineVersion) };
  }
}
