import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { MachineDefinition, StoredSnapshot } from './machine-definition';

/** Restores a stored snapshot with the current definition, upgrading it first if an older version wrote it. */
export function restoreSnapshot(definition: MachineDefinition, stored: StoredSnapshot, storedVersion: number) {
  let upgraded = stored;
  if (storedVersion < definition.version) {
    if (!definition.migrate)
      throw new Error(`Machine ${definition.id} v${definition.version} cannot read a v${storedVersion} snapshot`);
    upgraded = definition.migrate(stored, storedVersion);
  } else if (storedVersion > definition.version) {
    throw new Error(
      `Machine ${definition.id} snapshot v${storedVersion} is newer than this code (v${definition.version})`,
    );
  }
  return (definition.machine as AnyStateMachine).resolveState(upgraded as never);
}

export function toStored(snapshot: AnyMachineSnapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context as Record<string, any> };
}

/** Event types the current state has a transition for (guards aside: those are checked when the event is sent). */
export function eventTypesFrom(snapshot: AnyMachineSnapshot): string[] {
  const nodes = (snapshot as unknown as { _nodes: { ownEvents: string[] }[] })._nodes;
  return [...new Set(nodes.flatMap((node) => node.ownEvents))].filter((type) => !type.startsWith('xstate.'));
}
