import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** The registry (with its tier machine), annual indicators, certifications, stored evaluations and the region's rule overrides. */
export class Enterprises1763700001000 implements MigrationInterface {
  name = 'Enterprises1763700001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'enterprises',
        columns: [
          c.id(),
          c.varchar('uscc', 18),
          c.varchar('name', 200),
          c.varchar('district', 60),
          c.date('registered_on'),
          c.varchar('industry', 100, true),
          c.varchar('address', 300, true),
          c.json('contact', true),
          // The tier machine (state = tier, or `exited`), restored by the transition service.
          c.varchar('state', 40),
          c.json('snapshot'),
          c.varchar('machine_id', 40),
          c.int('machine_version'),
          c.int('version'),
          c.varchar('colour', 10),
          c.int('tech_sme_score', true),
          c.int('gap_count', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_enterprises_uscc', columnNames: ['uscc'] }],
        indices: [
          new TableIndex({ name: 'ix_enterprises_filter', columnNames: ['state', 'colour', 'district'] }),
          new TableIndex({ name: 'ix_enterprises_colour', columnNames: ['colour', 'district'] }),
          new TableIndex({ name: 'ix_enterprises_district', columnNames: ['district', 'name'] }),
          new TableIndex({ name: 'ix_enterprises_name', columnNames: ['name'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'annual_indicators',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.int('year'),
          c.json('data'),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_indicators_enterprise_year', columnNames: ['enterprise_id', 'year'] }],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'enterprise_evaluations',
        columns: [
          { ...c.uuid('enterprise_id'), isPrimary: true },
          c.varchar('rule_set', 20),
          c.int('region_config_version'),
          c.date('as_of'),
          c.json('facts'),
          c.json('result'),
          c.timestamp('evaluated_at'),
        ],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'certifications',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.varchar('tier', 16),
          c.varchar('number', 40),
          c.date('issued_on'),
          c.date('valid_until'),
          c.varchar('status', 16),
          c.varchar('kind', 16),
          c.varchar('source', 16),
          c.uuid('application_id', true),
          c.json('revocation', true),
          c.uuid('created_by', true),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_certifications_number', columnNames: ['tier', 'number'] }],
        indices: [
          new TableIndex({ name: 'ix_certifications_enterprise', columnNames: ['enterprise_id', 'tier', 'status'] }),
          new TableIndex({ name: 'ix_certifications_expiry', columnNames: ['status', 'valid_until'] }),
        ],
        foreignKeys: [
          { columnNames: ['enterprise_id'], referencedTableName: 'enterprises', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'region_configs',
        columns: [
          { ...c.int('version'), isPrimary: true },
          c.varchar('rule_set', 20),
          c.json('config'),
          c.text('note', true),
          c.uuid('created_by', true),
          c.timestamp('created_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'region_configs',
      'certifications',
      'enterprise_evaluations',
      'annual_indicators',
      'enterprises',
    ])
      await queryRunner.dropTable(table);
  }
}
