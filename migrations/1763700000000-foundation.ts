import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** Users, the append-only audit log, the transactional outbox, job records and login throttling. */
export class Foundation1763700000000 implements MigrationInterface {
  name = 'Foundation1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.varchar('username', 64),
          c.varchar('password_hash', 200),
          c.varchar('role', 16),
          c.varchar('display_name', 100, true),
          c.varchar('expertise', 16, true),
          c.uuid('enterprise_id', true),
          c.bool('active', true),
          c.int('version', false, 1),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_users_username', columnNames: ['username'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          c.id(),
          c.varchar('entity_type', 40),
          c.varchar('entity_id', 64),
          c.varchar('event', 60),
          c.varchar('from_state', 40, true),
          c.varchar('to_state', 40, true),
          c.uuid('actor_id', true),
          c.timestamp('at'),
          c.json('payload'),
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_entity', columnNames: ['entity_type', 'entity_id', 'at'] }),
          new TableIndex({ name: 'ix_audit_at', columnNames: ['at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          c.id(),
          c.varchar('topic', 60),
          c.varchar('aggregate_type', 40),
          c.varchar('aggregate_id', 64),
          c.json('payload'),
          c.timestamp('created_at'),
          c.timestamp('enqueued_at', true),
          c.timestamp('processed_at', true),
          c.int('attempts', false, 0),
          c.text('last_error', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_outbox_pending', columnNames: ['processed_at', 'enqueued_at', 'created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'job_records',
        columns: [
          c.id(),
          c.varchar('name', 60),
          c.varchar('status', 16),
          c.int('total', false, 0),
          c.int('done', false, 0),
          c.int('failed', false, 0),
          c.json('params'),
          c.json('result', true),
          c.text('error', true),
          c.uuid('created_by', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { ...c.varchar('throttle_key', 200), isPrimary: true },
          c.int('failures', false, 0),
          c.timestamp('window_started_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['login_failures', 'job_records', 'outbox_events', 'audit_events', 'users'])
      await queryRunner.dropTable(table);
  }
}
