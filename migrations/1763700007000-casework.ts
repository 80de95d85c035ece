import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** One-to-one casework: each enterprise's caseworker, follow-up visits (跟踪回访), the needs raised, visits due. */
export class Casework1763700007000 implements MigrationInterface {
  name = 'Casework1763700007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.addColumn('enterprises', new TableColumn(c.uuid('caseworker_id', true)));
    await queryRunner.createIndex(
      'enterprises',
      new TableIndex({ name: 'ix_enterprises_caseworker', columnNames: ['caseworker_id'] }),
    );
    const enterpriseFk = {
      columnNames: ['enterprise_id'],
      referencedTableName: 'enterprises',
      referencedColumnNames: ['id'],
    };
    await queryRunner.createTable(
      new Table({
        name: 'visits',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.date('visited_on'),
          c.varchar('kind', 20),
          c.text('notes'),
          c.uuid('caseworker_id', true),
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_visits_enterprise', columnNames: ['enterprise_id', 'visited_on'] })],
        foreignKeys: [enterpriseFk],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'visit_needs',
        columns: [
          c.id(),
          c.uuid('visit_id'),
          c.uuid('enterprise_id'),
          c.varchar('category', 30),
          c.text('text'),
          c.varchar('status', 20),
          c.text('outcome', true),
          c.uuid('resolved_by', true),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_needs_enterprise', columnNames: ['enterprise_id', 'status'] })],
        foreignKeys: [
          enterpriseFk,
          { columnNames: ['visit_id'], referencedTableName: 'visits', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'visits_due',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.varchar('reason', 60),
          c.uuid('certification_id', true),
          c.date('due_on'),
          c.varchar('status', 16),
          c.uuid('visit_id', true),
          c.timestamp('created_at'),
        ],
        // One due visit per recognition, however often the event is delivered.
        uniques: [{ name: 'uq_visits_due_cause', columnNames: ['enterprise_id', 'reason', 'certification_id'] }],
        indices: [new TableIndex({ name: 'ix_visits_due_open', columnNames: ['status', 'due_on'] })],
        foreignKeys: [enterpriseFk],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('visits_due');
    await queryRunner.dropTable('visit_needs');
    await queryRunner.dropTable('visits');
    await queryRunner.dropIndex('enterprises', 'ix_enterprises_caseworker');
    await queryRunner.dropColumn('enterprises', 'caseworker_id');
  }
}
