import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { auditRow } from '../src/audit/audit-log';
import { SYSTEM_ACTOR } from '../src/auth/actor';
import { DomainError } from '../src/common/domain-error';
import { TransactionRunner } from '../src/database/transaction-runner';
import { EnterpriseEntity } from '../src/enterprises/enterprise.entity';
import { TIER_MACHINE_ID, TIER_MACHINE_VERSION } from '../src/enterprises/tier.machine';
import { NotificationEntity } from '../src/notifications/notification.entity';
import { OutboxEventEntity } from '../src/outbox/outbox-event.entity';
import { NotificationsService } from '../src/notifications/notifications.service';
import { MachineRegistry } from '../src/state/machine-registry';
import { TransitionRequest, TransitionService } from '../src/state/transition.service';
import { Role, UserEntity } from '../src/users/user.entity';
import { createEnterprise } from './helpers/fixtures';
import { backend, bootTestApp, TestApp } from './helpers/test-app';

describe('one way to change state: the transition service', () => {
  let t: TestApp;
  let transitions: TransitionService;
  let db: DataSource;
  beforeAll(async () => {
    t = await bootTestApp();
    transitions = t.app.get(TransitionService);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  /** The tier machine's EXITED for `entityId`, with `extra` request fields. */
  const exitRequest = (entityId: string, extra: Partial<TransitionRequest> = {}): TransitionRequest => ({
    machineId: TIER_MACHINE_ID,
    entityId,
    event: { type: 'EXITED', reason: 'moved out' },
    actor: SYSTEM_ACTOR,
    ...extra,
  });
  const exit = (entityId: string, extra: Partial<TransitionRequest> = {}) =>
    transitions.apply(exitRequest(entityId, extra));

  it('lets exactly one of 20 concurrent events win; the rest get 409 and the audit log has one entry', async () => {
    const { id } = await createEnterprise(t);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => exit(id)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(DomainError);
      expect(l.reason.status).toBe(409);
      expect(['EVENT_NOT_ALLOWED', 'CONCURRENT_UPDATE']).toContain(l.reason.code);
    }
    const audit = await db
      .getRepository(AuditEventEntity)
      .find({ where: { entityType: 'enterprise', entityId: id, event: 'EXITED' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ from: 'startup', to: 'exited' });
    const row = await db.getRepository(EnterpriseEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({ state: 'exited', version: 2 });
    expect(
      await db.getRepository(OutboxEventEntity).count({ where: { aggregateId: id, topic: 'enterprise.exited' } }),
    ).toBe(1);
  });

  it('keeps working on PostgreSQL when a column is added while its statements are prepared (a rolling deploy)', async () => {
    if (backend() !== 'postgres') return;
    const exitAll = async () => {
      const made = await Promise.all(Array.from({ length: 12 }, () => createEnterprise(t)));
      const results = await Promise.all(made.map((e) => exit(e.id)));
      expect(results.map((r) => r.to)).toEqual(Array(12).fill('exited'));
    };
    await exitAll();
    await db.query('ALTER TABLE enterprises ADD COLUMN rolling_deploy_extra integer');
    try {
      await exitAll();
    } finally {
      await db.query('ALTER TABLE enterprises DROP COLUMN rolling_deploy_extra');
    }
    await exitAll();
  });

  it('refuses a stale version and an event the state does not accept, with codes', async () => {
    const { id } = await createEnterprise(t);
    await expect(exit(id, { expectedVersion: 7 })).rejects.toMatchObject({ status: 409, code: 'STALE_VERSION' });
    await exit(id, { expectedVersion: 1 });
    await expect(exit(id)).rejects.toMatchObject({ status: 409, code: 'EVENT_NOT_ALLOWED' });
    await expect(
      transitions.apply({
        machineId: TIER_MACHINE_ID,
        entityId: '00000000-0000-4000-8000-000000000000',
        event: { type: 'EXITED' },
        actor: SYSTEM_ACTOR,
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('writes nothing when a later step of the transaction fails: state, audit and outbox roll back together', async () => {
    const { id } = await createEnterprise(t);
    await expect(
      exit(id, {
        alsoWrite: async () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    const row = await db.getRepository(EnterpriseEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({ state: 'startup', version: 1 });
    expect(await db.getRepository(AuditEventEntity).count({ where: { entityId: id, event: 'EXITED' } })).toBe(0);
    expect(
      await db.getRepository(OutboxEventEntity).count({ where: { aggregateId: id, topic: 'enterprise.exited' } }),
    ).toBe(0);
  });

  it('stores machine id and version beside the snapshot and reports the allowed events', async () => {
    const { id } = await createEnterprise(t);
    const result = await transitions.apply({
      machineId: TIER_MACHINE_ID,
      entityId: id,
      event: { type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' },
      actor: SYSTEM_ACTOR,
    });
    expect(result).toMatchObject({ from: 'startup', to: 'tech_sme', version: 2 });
    expect(result.allowedEvents.sort()).toEqual(['EXITED', 'EXPIRED', 'RECOGNISED', 'REVOKED']);
    const row = await db.getRepository(EnterpriseEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({
      machineId: TIER_MACHINE_ID,
      machineVersion: TIER_MACHINE_VERSION,
      snapshot: { value: 'tech_sme' },
    });
  });

  /** Extra rows and outbox messages through `writes`, marked so the test can find them. */
  const extraWrites = (id: string, marker: string) => () => ({
    rows: [
      {
        entity: AuditEventEntity,
        row: auditRow({ entityType: 'test', entityId: id, event: marker, actorId: null, payload: { n: 1 } }),
      },
    ],
    outbox: [{ topic: `test.${marker}`, aggregateType: 'test', aggregateId: id, payload: { marker } }],
  });

  it('writes nothing for a lost race: no audit, outbox or extra rows, even outside a transaction', async () => {
    const { id } = await createEnterprise(t);
    const stale = await transitions.load(db.manager, t.app.get(MachineRegistry).get(TIER_MACHINE_ID), id);
    await exit(id);
    // The row was read before the other change committed: only the version-checked write can notice. Run on the
    // bare manager (autocommit), so anything the statement wrote before refusing would stay. SQLite writes a
    // transition in several statements, so there the service refuses to run without a transaction at all.
    const refusal =
      backend() === 'postgres'
        ? { status: 409, code: 'CONCURRENT_UPDATE' }
        : { message: expect.stringContaining('run it in TransactionRunner.run') };
    await expect(
      transitions.applyIn(db.manager, {
        machineId: TIER_MACHINE_ID,
        entityId: id,
        event: { type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' },
        actor: SYSTEM_ACTOR,
        loaded: stale,
        writes: extraWrites(id, 'lost'),
      }),
    ).rejects.toMatchObject(refusal);
    expect(await db.getRepository(AuditEventEntity).count({ where: { entityId: id, event: 'RECOGNISED' } })).toBe(0);
    expect(await db.getRepository(AuditEventEntity).count({ where: { entityId: id, event: 'lost' } })).toBe(0);
    expect(
      await db.getRepository(OutboxEventEntity).count({
        where: { aggregateId: id, topic: In(['test.lost', 'tier.recognised']) },
      }),
    ).toBe(0);
    expect(await db.getRepository(EnterpriseEntity).findOneByOrFail({ id })).toMatchObject({
      state: 'exited',
      version: 2,
    });
  });

  it('returns the row as written and writes the extra rows with it, values as TypeORM itself writes them', async () => {
    const { id } = await createEnterprise(t);
    const at = new Date('2026-03-04T05:06:07.089Z');
    const loaded = await transitions.load(db.manager, t.app.get(MachineRegistry).get(TIER_MACHINE_ID), id);
    const result = await transitions.apply({
      machineId: TIER_MACHINE_ID,
      entityId: id,
      event: { type: 'RECOGNISED', tier: 'tech_sme', kind: 'first' },
      actor: SYSTEM_ACTOR,
      loaded,
      at,
      writes: extraWrites(id, 'won'),
    });
    const row = await db.getRepository(EnterpriseEntity).findOneByOrFail({ id });
    expect(result.row).toEqual(row);
    expect(row).toMatchObject({ state: 'tech_sme', version: 2, updatedAt: at, snapshot: { value: 'tech_sme' } });
    const audit = await db.getRepository(AuditEventEntity).findOneByOrFail({ entityId: id, event: 'RECOGNISED' });
    expect(audit).toMatchObject({ from: 'startup', to: 'tech_sme', at, payload: { tier: 'tech_sme', kind: 'first' } });
    expect(await db.getRepository(AuditEventEntity).findOneByOrFail({ entityId: id, event: 'won' })).toMatchObject({
      entityType: 'test',
      payload: { n: 1 },
      from: null,
    });
    const outbox = await db.getRepository(OutboxEventEntity).find({ where: { id: In(result.outboxIds) } });
    expect(outbox.map((o) => o.topic).sort()).toEqual(['test.won', 'tier.recognised']);
    for (const o of outbox) {
      expect(o.aggregateId).toBe(id);
      expect(o.createdAt).toBeInstanceOf(Date);
      expect(Math.abs(o.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect(outbox.find((o) => o.topic === 'tier.recognised')!.payload).toMatchObject({ at: at.toISOString() });
  });

  it('upserts on a unique key keeping the primary key, or leaves the existing row with onConflict ignore', async () => {
    const { id } = await createEnterprise(t);
    const note = (key: string, text: string): NotificationEntity => ({
      id: randomUUID(),
      userId: id,
      kind: 'test',
      dedupeKey: key,
      payload: { text },
      createdAt: new Date(),
      readAt: null,
    });
    const first = { kept: note('kept', 'old'), updated: note('updated', 'old') };
    await db.getRepository(NotificationEntity).insert([first.kept, first.updated]);
    const onKey = ['userId', 'dedupeKey'];
    await exit(id, {
      writes: () => ({
        rows: [
          { entity: NotificationEntity, row: note('kept', 'new'), conflictOn: onKey, onConflict: 'ignore' as const },
          { entity: NotificationEntity, row: note('updated', 'new'), conflictOn: onKey },
          { entity: NotificationEntity, row: note('fresh', 'new'), conflictOn: onKey, onConflict: 'ignore' as const },
        ],
      }),
    });
    const rows = await db
      .getRepository(NotificationEntity)
      .find({ where: { userId: id }, order: { dedupeKey: 'ASC' } });
    expect(rows.map((r) => [r.dedupeKey, r.payload.text])).toEqual([
      ['fresh', 'new'],
      ['kept', 'old'],
      ['updated', 'new'],
    ]);
    expect(rows.find((r) => r.dedupeKey === 'updated')!.id).toBe(first.updated.id);
    expect(rows.find((r) => r.dedupeKey === 'kept')!.id).toBe(first.kept.id);
  });

  it('writes a row per row a query finds (forEach), without a transaction where the write is one statement', async () => {
    const { id } = await createEnterprise(t);
    const now = new Date();
    const user = (role: Role, active: boolean, enterpriseId: string | null = null) => ({
      id: randomUUID(),
      username: `u-${randomUUID().slice(0, 8)}`,
      passwordHash: 'x',
      role,
      displayName: null,
      expertise: null,
      enterpriseId,
      active,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    const staff = user('enterprise', true, id);
    const left = user('enterprise', false, id);
    const named = user('caseworker', false);
    await db.getRepository(UserEntity).insert([staff, left, named] as UserEntity[]);
    const key = `test:${id}`;
    const had: NotificationEntity = {
      id: randomUUID(),
      userId: staff.id,
      kind: 'test',
      dedupeKey: key,
      payload: { text: 'old' },
      createdAt: now,
      readAt: null,
    };
    await db.getRepository(NotificationEntity).insert(had);
    const notifications = t.app.get(NotificationsService);
    await t.app.get(TransactionRunner).readThenWrite((manager) =>
      transitions.applyIn(
        manager,
        exitRequest(id, {
          writes: () => ({
            rows: [
              notifications.writeFor({ enterpriseId: id, userIds: [named.id, null] }, 'test', key, { text: 'new' })!,
              notifications.writeFor({ roles: ['reviewer'] }, 'test', key, { text: 'new' })!,
            ],
          }),
        }),
      ),
    );
    const rows = await db.getRepository(NotificationEntity).find({ where: { dedupeKey: key } });
    const reviewers = await db.getRepository(UserEntity).find({ where: { role: 'reviewer', active: true } });
    // Active users of the enterprise and the named user (active or not); the one who had the key keeps its old row.
    expect(rows.map((r) => r.userId).sort()).toEqual([staff.id, named.id, ...reviewers.map((r) => r.id)].sort());
    expect(rows.find((r) => r.userId === staff.id)!.payload).toEqual({ text: 'old' });
    expect(rows.find((r) => r.userId === named.id)).toMatchObject({
      kind: 'test',
      payload: { text: 'new' },
      readAt: null,
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const fresh of ids)
      expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await db.getRepository(EnterpriseEntity).findOneByOrFail({ id })).toMatchObject({ state: 'exited' });
  });

  it('refuses a transition with alsoWrite outside a transaction: its writes would not commit together', async () => {
    const { id } = await createEnterprise(t);
    let ran = false;
    const attempt = t.app.get(TransactionRunner).readThenWrite((manager) =>
      transitions.applyIn(
        manager,
        exitRequest(id, {
          alsoWrite: async () => {
            ran = true;
          },
        }),
      ),
    );
    // On SQLite readThenWrite is a transaction, so there the transition runs.
    if (backend() === 'postgres') await expect(attempt).rejects.toThrow('run it in TransactionRunner.run');
    else await expect(attempt).resolves.toMatchObject({ to: 'exited' });
    expect(ran).toBe(backend() !== 'postgres');
  });
});
