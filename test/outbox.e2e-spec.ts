import Bull from 'bull';
import { DataSource, IsNull, Not } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/auth/actor';
import { TransactionRunner } from '../src/database/transaction-runner';
import { TIER_MACHINE_ID } from '../src/enterprises/tier.machine';
import { BullJobQueue } from '../src/jobs/bull.queue';
import { JobQueue } from '../src/jobs/job-queue';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher.service';
import { OutboxEventEntity } from '../src/outbox/outbox-event.entity';
import { OutboxRelay } from '../src/outbox/outbox-relay.service';
import { appendOutbox } from '../src/outbox/outbox-writer';
import { TransitionService } from '../src/state/transition.service';
import { CountingSubscriber, CountingSubscriberModule } from './support/counting-subscriber.module';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, TestApp } from './helpers/test-app';

/** A queue whose backing store is down: Bull on a port nothing listens on, or a driver that refuses. */
function deadQueue(): { queue: JobQueue; close: () => Promise<void> } {
  if (process.env.REDIS_URL) {
    const bull = new Bull('dead', 'redis://127.0.0.1:6399', {
      redis: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
    });
    bull.on('error', () => undefined);
    return { queue: new BullJobQueue(bull), close: () => bull.close().catch(() => undefined) };
  }
  const refusing: JobQueue = {
    add: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6399');
    },
    addRepeatable: async () => undefined,
    process: () => undefined,
    isHealthy: async () => false,
    close: async () => undefined,
  };
  return { queue: refusing, close: async () => undefined };
}

describe('transactional outbox', () => {
  let t: TestApp;
  let counting: CountingSubscriber;
  let db: DataSource;
  beforeAll(async () => {
    // A slow poll, so the test decides when the live relay runs.
    t = await bootTestApp({ OUTBOX_POLL_MS: '60000' }, [CountingSubscriberModule]);
    counting = t.app.get(CountingSubscriber);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function exitEnterprises(n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await createEnterprise(t);
      // applyIn, not apply: the test decides when the relay runs (apply would nudge it).
      await t.app.get(TransactionRunner).run((manager) =>
        t.app.get(TransitionService).applyIn(manager, {
          machineId: TIER_MACHINE_ID,
          entityId: id,
          event: { type: 'EXITED', reason: 'closed' },
          actor: SYSTEM_ACTOR,
        }),
      );
      ids.push(id);
    }
    return ids;
  }

  it('keeps state changes committed while the queue is down and runs each side effect exactly once when it is back', async () => {
    const liveRelay = t.app.get(OutboxRelay);
    await liveRelay.stop();
    const dead = deadQueue();
    const deadRelay = new OutboxRelay(
      dead.queue,
      t.config,
      db,
      t.app.get(TransactionRunner),
      t.app.get(OutboxDispatcher),
    );
    const ids = await exitEnterprises(5);
    expect(await deadRelay.relayOnce()).toBe(0);
    const pending = await db
      .getRepository(OutboxEventEntity)
      .find({ where: { topic: 'enterprise.exited', processedAt: IsNull() } });
    expect(pending.map((e) => e.aggregateId).sort()).toEqual([...ids].sort());
    expect(pending.every((e) => e.enqueuedAt === null)).toBe(true);
    await dead.close();

    liveRelay.start();
    await t.drainOutbox();
    const processed = await db
      .getRepository(OutboxEventEntity)
      .find({ where: { topic: 'enterprise.exited', processedAt: Not(IsNull()) } });
    expect(processed).toHaveLength(5);
    for (const event of processed) expect(counting.effects.get(event.id)).toBe(1);
  });

  it('has no second effect when the same event is relayed or dispatched again', async () => {
    const [id] = await exitEnterprises(1);
    await t.drainOutbox();
    const event = await db
      .getRepository(OutboxEventEntity)
      .findOneByOrFail({ aggregateId: id, topic: 'enterprise.exited' });
    const relay = t.app.get(OutboxRelay);
    // Pretend the job was lost: mark it enqueued long ago, relay again, and dispatch by hand twice.
    await db.getRepository(OutboxEventEntity).update({ id: event.id }, { enqueuedAt: new Date(0) });
    await relay.relayOnce();
    await t.app.get(OutboxDispatcher).dispatch({ outboxId: event.id });
    await t.app.get(OutboxDispatcher).dispatch({ outboxId: event.id });
    await t.drainOutbox();
    expect(counting.effects.get(event.id)).toBe(1);
  });

  it('retries a failing subscriber with backoff until it succeeds, recording the attempts', async () => {
    counting.failNext = 2;
    const [id] = await exitEnterprises(1);
    await t.drainOutbox(30000);
    const event = await db
      .getRepository(OutboxEventEntity)
      .findOneByOrFail({ aggregateId: id, topic: 'enterprise.exited' });
    expect(counting.effects.get(event.id)).toBe(1);
    expect(event.attempts).toBeGreaterThanOrEqual(3);
    expect(event.lastError).toContain('simulated');
  });

  it('marks events of a topic nobody subscribes to processed in the relay, without the queue', async () => {
    const liveRelay = t.app.get(OutboxRelay);
    await liveRelay.stop();
    const dead = deadQueue();
    const tx = t.app.get(TransactionRunner);
    const deadRelay = new OutboxRelay(dead.queue, t.config, db, tx, t.app.get(OutboxDispatcher));
    const [id] = await exitEnterprises(1);
    await tx.run((m) =>
      appendOutbox(m, [{ topic: 'test.nobody-listens', aggregateType: 'test', aggregateId: id, payload: {} }]),
    );
    expect(await deadRelay.relayOnce()).toBe(0);
    const rows = await db.getRepository(OutboxEventEntity).find({ where: { aggregateId: id } });
    const idle = rows.find((r) => r.topic === 'test.nobody-listens')!;
    const exited = rows.find((r) => r.topic === 'enterprise.exited')!;
    expect(idle).toMatchObject({ processedAt: expect.any(Date), enqueuedAt: expect.any(Date), attempts: 1 });
    expect(exited).toMatchObject({ processedAt: null, enqueuedAt: null, attempts: 0 });
    await dead.close();

    liveRelay.start();
    await t.drainOutbox();
    expect(counting.effects.get(exited.id)).toBe(1);
    expect(await db.getRepository(OutboxEventEntity).findOneByOrFail({ id: idle.id })).toMatchObject({
      processedAt: idle.processedAt,
      attempts: 1,
    });
  });
});
