import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { transition, type AnyEventObject, type AnyMachineSnapshot } from 'xstate';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { appendOutbox, OutboxMessage } from '../outbox/outbox-writer';
import type { MachineDefinition, StoredSnapshot } from './machine-definition';
import { MachineRegistry } from './machine-registry';
import { MachineRow } from './machine-row';
import { eventTypesFrom, restoreSnapshot, toStored } from './snapshot-tools';

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
  /** Further rows the event creates, in the same transaction. */
  alsoWrite?: (manager: EntityManager, result: TransitionResult) => Promise<void>;
  auditPayload?: Record<string, unknown>;
  /** Emulates a clock for machines whose guards read the date; defaults to now. */
  at?: Date;
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
}

/**
 * The one way any persisted machine changes state, in one transaction: load the row, restore the snapshot, refuse an
 * event the state does not accept, compute the next snapshot with xstate's pure `transition`, write it with a
 * version-checked UPDATE, append the audit event and the outbox rows (the machine's `emit` actions).
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

  /** For callers that already hold a transaction (a command that also creates other rows). */
  async applyIn(manager: EntityManager, request: TransitionRequest): Promise<TransitionResult> {
    const definition = this.machines.get(request.machineId);
    const loaded = await this.load(manager, definition, request.entityId);
    const { row, snapshot } = loaded;
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
    const update = await manager
      .createQueryBuilder()
      .update(definition.entity)
      .set({
        ...(request.columns?.(stored) ?? {}),
        state: to,
        snapshot: stored,
        machineVersion: definition.version,
        version: () => 'version + 1',
        updatedAt: now,
      } as never)
      .where('id = :id AND version = :version', { id: row.id, version: row.version })
      .execute();
    if (update.affected !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        `${definition.entityType} ${row.id} was changed by someone else; reload and retry`,
      );

    const { type, ...eventPayload } = request.event;
    await appendAudit(manager, {
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
    const outboxIds = await appendOutbox(manager, messages);
    const result: TransitionResult = {
      entityId: row.id,
      from: row.state,
      to,
      version: row.version + 1,
      snapshot: stored,
      outboxIds,
      allowedEvents: eventTypesFrom(next),
    };
    if (request.alsoWrite) await request.alsoWrite(manager, result);
    return result;
  }

  /** Loads and restores without changing anything (for GET endpoints that show allowed events). */
  async load(manager: EntityManager, definition: MachineDefinition, id: string): Promise<LoadedMachine> {
    const row = (await manager.findOne(definition.entity, { where: { id } })) as MachineRow | null;
    if (!row) throw notFound(definition.entityType, id);
    return { row, definition, snapshot: restoreSnapshot(definition, row.snapshot, row.machineVersion) };
  }
}
