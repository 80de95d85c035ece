import { Injectable } from '@nestjs/common';
import { initialTransition } from 'xstate';
import type { MachineDefinition, StoredSnapshot } from './machine-definition';

/** Every persisted machine, by id. Modules register theirs at start; an unknown id is a programming error. */
@Injectable()
export class MachineRegistry {
  private readonly definitions = new Map<string, MachineDefinition>();

  register(definition: MachineDefinition) {
    const existing = this.definitions.get(definition.id);
    if (existing && existing !== definition) throw new Error(`Machine ${definition.id} is registered twice`);
    this.definitions.set(definition.id, definition);
  }

  get(id: string): MachineDefinition {
    const definition = this.definitions.get(id);
    if (!definition) throw new Error(`Machine ${id} is not registered`);
    return definition;
  }

  /** The columns a new row starts with: the machine's initial snapshot for the given input. */
  initialColumns(id: string, input?: Record<string, unknown>) {
    const definition = this.get(id);
    const [snapshot] = initialTransition(definition.machine, input as never);
    const stored: StoredSnapshot = { value: snapshot.value, context: snapshot.context };
    return {
      state: String(snapshot.value),
      snapshot: stored,
      machineId: definition.id,
      machineVersion: definition.version,
      version: 1,
    };
  }
}
