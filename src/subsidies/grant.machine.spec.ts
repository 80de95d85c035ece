import { createActor, initialTransition, transition } from 'xstate';
import { grantMachine, type GrantEvent, type GrantOutcome } from './grant.machine';

const start = (outcome: GrantOutcome, initiatedBy: string | null = 'runner') =>
  initialTransition(grantMachine, { outcome, initiatedBy })[0];

function walk(outcome: GrantOutcome, events: GrantEvent[]) {
  let snapshot = start(outcome);
  const emitted: string[] = [];
  for (const event of events) {
    const [next, actions] = transition(grantMachine, snapshot, event);
    for (const action of actions as { type: string; params?: { event: { type: string } } }[])
      if (action.type === 'xstate.emit') emitted.push(action.params!.event.type);
    snapshot = next;
  }
  return { state: snapshot.value, emitted, snapshot };
}

const payee = { accountName: 'a', bankName: 'b', accountNumber: '12345678' };

describe('grant machine', () => {
  it('starts in the state the match came out as', () => {
    expect(start('eligible').value).toBe('eligible');
    expect(start('waitlisted').value).toBe('waitlisted');
    expect(start('needs_data').value).toBe('needs_data');
  });

  it('runs eligible → notified → confirmed → approved → paid → clawed_back', () => {
    const run = walk('eligible', [
      { type: 'NOTIFY', by: null, channel: 'in_app' },
      { type: 'CONFIRM', by: 'ent', payee },
      { type: 'APPROVE', by: 'other-manager' },
      { type: 'PAY', by: 'other-manager', reference: 'R1', paidOn: '2026-11-21' },
      { type: 'CLAW_BACK', by: null, reason: 'fraud' },
    ]);
    expect(run.state).toBe('clawed_back');
    expect(run.emitted).toEqual(['grant.confirmed', 'grant.paid', 'grant.clawed_back']);
  });

  it('refuses approval by the manager who ran the batch (四眼原则)', () => {
    const { snapshot } = walk('eligible', [
      { type: 'NOTIFY', by: null, channel: 'manual' },
      { type: 'CONFIRM', by: 'ent', payee },
    ]);
    expect(snapshot.can({ type: 'APPROVE', by: 'runner' })).toBe(false);
    expect(snapshot.can({ type: 'APPROVE', by: 'someone-else' })).toBe(true);
  });

  it('promotes from the waitlist, fills needs_data, and cancels anything unpaid', () => {
    expect(walk('waitlisted', [{ type: 'PROMOTE' }])).toMatchObject({ state: 'eligible', emitted: ['grant.matched'] });
    expect(walk('needs_data', [{ type: 'DATA_FILLED', outcome: 'eligible' }]).state).toBe('eligible');
    expect(walk('needs_data', [{ type: 'DATA_FILLED', outcome: 'waitlisted' }]).state).toBe('waitlisted');
    expect(walk('needs_data', [{ type: 'DATA_FILLED', outcome: 'not_eligible' }]).state).toBe('cancelled');
    for (const outcome of ['eligible', 'waitlisted', 'needs_data'] as const)
      expect(walk(outcome, [{ type: 'CANCEL', by: 'm', reason: 'r' }])).toMatchObject({
        state: 'cancelled',
        emitted: ['grant.cancelled'],
      });
    const paid = walk('eligible', [
      { type: 'NOTIFY', by: null, channel: 'in_app' },
      { type: 'CONFIRM', by: 'ent', payee },
      { type: 'APPROVE', by: 'x' },
      { type: 'PAY', by: 'x', reference: 'R', paidOn: '2026-11-21' },
    ]).snapshot;
    expect(paid.can({ type: 'CANCEL', by: 'm', reason: 'r' })).toBe(false);
  });

  it('is pure: an actor and the pure transition agree', () => {
    const actor = createActor(grantMachine, { input: { outcome: 'eligible', initiatedBy: null } }).start();
    actor.send({ type: 'NOTIFY', by: null, channel: 'in_app' });
    expect(actor.getSnapshot().value).toBe('notified');
    actor.stop();
  });
});
