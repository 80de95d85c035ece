import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** Subsidy programmes (versioned data) and grants (a machine each), with the keys that stop double payment. */
export class Subsidies1763700005000 implements MigrationInterface {
  name = 'Subsidies1763700005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'programmes',
        columns: [
          c.id(),
          c.varchar('code', 60),
          c.int('version'),
          c.varchar('name', 200),
          c.text('description', true),
          c.varchar('region', 60),
          c.json('districts', true),
          c.int('period'),
          c.varchar('trigger_event', 30),
          c.varchar('trigger_kind', 10, true),
          c.json('rule'),
          c.json('amount'),
          c.bigint('budget'),
          { ...c.bigint('reserved'), default: 0 },
          c.varchar('status', 10),
          c.uuid('superseded_by', true),
          c.uuid('created_by', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // Seeding on several processes at once, or two managers saving a new version: one row per code and version.
        uniques: [{ name: 'uq_programmes_code_version', columnNames: ['code', 'version'] }],
        indices: [
          // At most one draft or active version of a code per period.
          new TableIndex({
            name: 'uq_programmes_open_code_period',
            columnNames: ['code', 'period'],
            isUnique: true,
            where: "status <> 'closed'",
          }),
          new TableIndex({ name: 'ix_programmes_trigger', columnNames: ['status', 'trigger_event', 'period'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'grants',
        columns: [
          c.id(),
          c.uuid('programme_id'),
          c.varchar('programme_code', 60),
          c.int('programme_version'),
          c.int('period'),
          c.uuid('enterprise_id'),
          c.bigint('amount', true),
          c.bool('reserved', false),
          c.timestamp('queued_at'),
          c.uuid('certification_id', true),
          c.json('trigger'),
          c.json('facts'),
          c.json('conditions'),
          c.json('missing'),
          c.uuid('initiated_by', true),
          c.json('payee', true),
          c.uuid('approved_by', true),
          c.timestamp('approved_at', true),
          c.varchar('payment_reference', 100, true),
          c.date('paid_on', true),
          c.text('reason', true),
          c.varchar('state', 40),
          c.json('snapshot'),
          c.varchar('machine_id', 40),
          c.int('machine_version'),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // One grant per programme, enterprise and period, whatever runs twice or in parallel.
        uniques: [
          { name: 'uq_grants_programme_enterprise_period', columnNames: ['programme_code', 'enterprise_id', 'period'] },
        ],
        indices: [
          new TableIndex({ name: 'ix_grants_programme_state', columnNames: ['programme_id', 'state'] }),
          new TableIndex({
            name: 'ix_grants_waitlist',
            columnNames: ['programme_code', 'period', 'state', 'queued_at', 'enterprise_id'],
          }),
          new TableIndex({ name: 'ix_grants_enterprise', columnNames: ['enterprise_id', 'created_at'] }),
          new TableIndex({ name: 'ix_grants_certification', columnNames: ['certification_id'] }),
          new TableIndex({ name: 'ix_grants_state', columnNames: ['state', 'updated_at'] }),
        ],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
          { columnNames: ['programme_id'], referencedTableName: 'programmes', referencedColumnNames: ['id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('grants');
    await queryRunner.dropTable('programmes');
  }
}
