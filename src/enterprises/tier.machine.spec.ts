import { initialTransition, transition } from 'xstate';
import { migrateTierSnapshot, tierMachine, TierEvent } from './tier.machine';

const run = (events: TierEvent[]) => {
  let [snapshot] = initialTransition(tierMachine);
  const emitted: string[] = [];
  for (const event of events) {
    if (!snapshot.can(event)) throw new Error(`refused ${event.type} in ${String(snapshot.value)}`);
    const [next, actions] = transition(tierMachine, snapshot, event);
    snapshot = next;
    for (const a of actions as { type: string; params?: any }[])
      if (a.type === 'xstate.emit') emitted.push(a.params.event.type);
  }
  return { state: String(snapshot.value), emitted, snapshot };
};

describe('tier machine', () => {
  it('climbs in any order and emits a recognition each time', () => {
    expect(run([{ type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' }]).state).toBe('tech_sme');
    const r = run([
      { type: 'RECOGNISED', tier: 'high_tech', kind: 'first' },
      { type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' },
    ]);
    expect(r.state).toBe('high_tech');
    expect(r.emitted).toEqual(['tier.recognised', 'tier.recognised']);
  });

  it('keeps the tier on renewal and falls to the fallback on expiry or revocation', () => {
    expect(
      run([
        { type: 'RECOGNISED', tier: 'high_tech', kind: 'first' },
        { type: 'RECOGNISED', tier: 'high_tech', kind: 'renewal' },
      ]).state,
    ).toBe('high_tech');
    const expired = run([
      { type: 'RECOGNISED', tier: 'high_tech', kind: 'first' },
      { type: 'EXPIRED', fallback: 'tech_sme' },
    ]);
    expect(expired.state).toBe('tech_sme');
    expect(expired.emitted).toEqual(['tier.recognised', 'tier.expired']);
    expect(
      run([
        { type: 'RECOGNISED', tier: 'leader', kind: 'first' },
        { type: 'REVOKED', fallback: 'startup', fraud: true },
      ]).state,
    ).toBe('startup');
  });

  it('refuses to fall upwards or to lapse from startup', () => {
    const [start] = initialTransition(tierMachine);
    expect(start.can({ type: 'EXPIRED', fallback: 'startup' })).toBe(false);
    const { snapshot } = run([{ type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' }]);
    expect(snapshot.can({ type: 'EXPIRED', fallback: 'high_tech' })).toBe(false);
    expect(snapshot.can({ type: 'EXPIRED', fallback: 'startup' })).toBe(true);
  });

  it('exits and is reinstated, and nothing else happens while exited', () => {
    const { snapshot, state } = run([{ type: 'EXITED', reason: 'moved out' }]);
    expect(state).toBe('exited');
    expect(snapshot.can({ type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' })).toBe(false);
    expect(
      run([
        { type: 'EXITED', reason: 'x' },
        { type: 'REINSTATED', tier: 'startup' },
      ]).state,
    ).toBe('startup');
  });

  it('records the date the current tier began, and upgrades v1 snapshots (no tierSince) on load', () => {
    const r = run([{ type: 'RECOGNISED', tier: 'high_tech', kind: 'first', on: '2025-11-20' }]);
    expect(r.snapshot.context.tierSince).toBe('2025-11-20');
    const renewal = transition(tierMachine, r.snapshot, {
      type: 'RECOGNISED',
      tier: 'high_tech',
      kind: 'renewal',
      on: '2028-11-01',
    })[0];
    expect(renewal.context.tierSince).toBe('2025-11-20');
    const v1 = { value: 'tech_sme', context: {} };
    const upgraded = migrateTierSnapshot(v1, 1);
    expect(upgraded).toEqual({ value: 'tech_sme', context: { tierSince: null } });
    const restored = tierMachine.resolveState(upgraded as never);
    expect(restored.can({ type: 'EXPIRED', fallback: 'startup' })).toBe(true);
  });
});
