import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './dialect';

/** Admin overrides of the working-day calendar (DOMAIN.md section 9); a small table, read whole into memory. */
export class Calendar1763700003000 implements MigrationInterface {
  name = 'Calendar1763700003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'calendar_days',
        columns: [
          { ...c.date('date'), isPrimary: true },
          c.bool('workday'),
          c.text('note', true),
          c.uuid('updated_by', true),
          c.timestamp('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('calendar_days');
  }
}
