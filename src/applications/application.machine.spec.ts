import { APPLICATION_STATES, applicationMachine, FINAL_APPLICATION_STATES } from './application.machine';

describe('application machine states', () => {
  it('lists every state of the machine, and the final ones among them', () => {
    const states = Object.keys(applicationMachine.config.states ?? {});
    expect([...APPLICATION_STATES].sort()).toEqual([...states].sort());
    const finals = states.filter((s) => applicationMachine.states[s].type === 'final');
    expect([...FINAL_APPLICATION_STATES].sort()).toEqual(finals.sort());
  });
});
