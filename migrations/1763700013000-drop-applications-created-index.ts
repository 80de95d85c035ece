import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Drops `ix_applications_created` (1763700008000). It served the pipeline summary's applications of a year, which
 * the year counters (1763700010000) have answered since; no query filters or sorts applications by `created_at`.
 * Every index on applications holds `state`, so every transition writes an entry into each of them: this one cost
 * PostgreSQL about 0.04 ms of a transition's 0.5 ms (pgbench replay of a RETURN, session 7, bench/history.md).
 */
export class DropApplicationsCreatedIndex1763700013000 implements MigrationInterface {
  name = 'DropApplicationsCreatedIndex1763700013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('applications', 'ix_applications_created');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'applications',
      new TableIndex({
        name: 'ix_applications_created',
        columnNames: ['created_at', 'target_tier', 'state', 'enterprise_id'],
      }),
    );
  }
}
