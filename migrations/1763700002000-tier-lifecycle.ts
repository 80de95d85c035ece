import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** Revocation proposals (a machine: two people decide) and the notices the daily sweep raises. */
export class TierLifecycle1763700002000 implements MigrationInterface {
  name = 'TierLifecycle1763700002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'revocations',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.uuid('certification_id'),
          c.text('reason'),
          c.bool('fraud', false),
          c.uuid('proposed_by', true),
          c.uuid('decided_by', true),
          c.varchar('state', 40),
          c.json('snapshot'),
          c.varchar('machine_id', 40),
          c.int('machine_version'),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_revocations_enterprise', columnNames: ['enterprise_id', 'state'] }),
          new TableIndex({ name: 'ix_revocations_state', columnNames: ['state', 'created_at'] }),
          new TableIndex({ name: 'ix_revocations_certification', columnNames: ['certification_id', 'state'] }),
        ],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
          { columnNames: ['certification_id'], referencedTableName: 'certifications', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notices',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.varchar('kind', 40),
          c.varchar('period', 20),
          c.json('payload'),
          c.timestamp('created_at'),
        ],
        // One notice of a kind per enterprise and period: running the sweep twice adds nothing.
        uniques: [{ name: 'uq_notices_kind_period', columnNames: ['enterprise_id', 'kind', 'period'] }],
        indices: [new TableIndex({ name: 'ix_notices_kind', columnNames: ['kind', 'period'] })],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notices');
    await queryRunner.dropTable('revocations');
  }
}
