import type { AnyStateMachine, StateValue } from 'xstate';
import type { MachineRow } from './machine-row';

/** What is stored beside a persisted machine's row: enough to restore the snapshot with the right definition. */
export interface StoredSnapshot {
  value: StateValue;
  context: Record<string, any>;
}

/**
 * A machine that lives in a table. `version` is bumped whenever the definition changes shape; `migrate` upgrades a
 * snapshot written by an older version when it is loaded (rows are never rewritten in bulk).
 */
export interface MachineDefinition {
  id: string;
  version: number;
  machine: AnyStateMachine;
  /** Entity whose rows hold this machine (a MachineRow: state, snapshot, machine_id, machine_version, version). */
  entity: new () => MachineRow;
  /** Name used in the audit log and outbox (`enterprise`, `application`, …). */
  entityType: string;
  migrate?: (snapshot: StoredSnapshot, fromVersion: number) => StoredSnapshot;
}
