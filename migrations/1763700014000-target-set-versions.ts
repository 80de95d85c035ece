import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './dialect';

/**
 * A version per year's set of targets (指标任务), so that `PUT /api/targets/:year` with `If-Match` refuses a set edited
 * meanwhile (409 STALE_VERSION) instead of silently removing another manager's targets: the PUT replaces the whole
 * set, so a stale copy would otherwise undo every change made since it was loaded. One row per year, also when the
 * set has been emptied (its version must keep counting). Years that already have targets start at version 1.
 */
export class TargetSetVersions1763700014000 implements MigrationInterface {
  name = 'TargetSetVersions1763700014000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'target_sets',
        columns: [
          { ...c.int('year'), isPrimary: true },
          c.int('version'),
          c.uuid('updated_by', true),
          c.timestamp('updated_at'),
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO target_sets (year, version, updated_by, updated_at)
       SELECT year, 1, NULL, MAX(updated_at) FROM targets GROUP BY year`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('target_sets');
  }
}
