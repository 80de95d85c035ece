import { dispatchJobId } from './outbox-relay.service';

describe('dispatchJobId', () => {
  const lostBefore = new Date('2026-11-22T10:00:00Z');

  it('is the outbox id the first time and for a row handed over since the redelivery horizon', () => {
    expect(dispatchJobId({ id: 'e1', enqueuedAt: null }, lostBefore)).toBe('e1');
    expect(dispatchJobId({ id: 'e1', enqueuedAt: new Date('2026-11-22T10:01:00Z') }, lostBefore)).toBe('e1');
  });

  it('names the lost delivery for a row older than the horizon, so a job that failed for good does not block it', () => {
    const at = new Date('2026-11-22T09:50:00Z');
    expect(dispatchJobId({ id: 'e1', enqueuedAt: at }, lostBefore)).toBe(`e1:redelivery:${at.getTime()}`);
  });
});
