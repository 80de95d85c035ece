import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** Certification applications (a machine), their panel members, reviewers' conflicts, deadlines and attachments. */
export class Applications1763700006000 implements MigrationInterface {
  name = 'Applications1763700006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    const enterpriseFk = {
      columnNames: ['enterprise_id'],
      referencedTableName: 'enterprises',
      referencedColumnNames: ['id'],
    };
    const applicationFk = {
      columnNames: ['application_id'],
      referencedTableName: 'applications',
      referencedColumnNames: ['id'],
    };
    await queryRunner.createTable(
      new Table({
        name: 'applications',
        columns: [
          c.id(),
          c.uuid('enterprise_id'),
          c.varchar('target_tier', 16),
          c.uuid('assignee_id', true),
          c.date('notice_ends_on', true),
          c.json('evaluation', true),
          c.uuid('created_by', true),
          c.uuid('certification_id', true),
          c.varchar('state', 40),
          c.json('snapshot'),
          c.varchar('machine_id', 40),
          c.int('machine_version'),
          c.int('version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'ix_applications_enterprise',
            columnNames: ['enterprise_id', 'target_tier', 'state'],
          }),
          new TableIndex({ name: 'ix_applications_queue', columnNames: ['state', 'target_tier', 'updated_at'] }),
          new TableIndex({ name: 'ix_applications_assignee', columnNames: ['assignee_id', 'state'] }),
        ],
        foreignKeys: [enterpriseFk],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'application_reviewers',
        columns: [
          { ...c.uuid('application_id'), isPrimary: true },
          { ...c.uuid('reviewer_id'), isPrimary: true },
          c.varchar('expertise', 16),
          c.varchar('status', 16),
          c.timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_application_reviewers_reviewer', columnNames: ['reviewer_id', 'status'] }),
        ],
        foreignKeys: [applicationFk],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'reviewer_conflicts',
        columns: [c.id(), c.uuid('reviewer_id'), c.uuid('enterprise_id'), c.text('reason'), c.timestamp('created_at')],
        uniques: [{ name: 'uq_reviewer_conflict', columnNames: ['reviewer_id', 'enterprise_id'] }],
        indices: [new TableIndex({ name: 'ix_reviewer_conflicts_enterprise', columnNames: ['enterprise_id'] })],
        foreignKeys: [enterpriseFk],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'application_deadlines',
        columns: [
          c.id(),
          c.uuid('application_id'),
          c.varchar('kind', 20),
          c.varchar('status', 16),
          c.date('started_on'),
          c.date('due_on', true),
          c.int('remaining_days', true),
          c.date('met_on', true),
          c.timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_deadlines_open', columnNames: ['status', 'due_on'] })],
        uniques: [{ name: 'uq_deadline_kind', columnNames: ['application_id', 'kind'] }],
        foreignKeys: [applicationFk],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'application_attachments',
        columns: [
          c.id(),
          c.uuid('application_id'),
          c.varchar('document_type', 60),
          c.varchar('filename', 255),
          c.varchar('content_type', 100),
          c.int('size'),
          c.varchar('sha256', 64),
          c.varchar('storage_path', 500),
          c.uuid('uploaded_by', true),
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_attachments_application', columnNames: ['application_id'] })],
        foreignKeys: [applicationFk],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'application_attachments',
      'application_deadlines',
      'reviewer_conflicts',
      'application_reviewers',
      'applications',
    ])
      await queryRunner.dropTable(table);
  }
}
