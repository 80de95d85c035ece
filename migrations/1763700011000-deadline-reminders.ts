import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Deadline reminders come from a daily sweep over the deadline rows instead of one delayed job per deadline: the row
 * remembers the due date it was reminded for, so a repeated or late sweep reminds once, and a moved due date (a
 * resumed acceptance clock) is reminded again.
 */
export class DeadlineReminders1763700011000 implements MigrationInterface {
  name = 'DeadlineReminders1763700011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'application_deadlines',
      new TableColumn({ name: 'reminded_for', type: 'date', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('application_deadlines', 'reminded_for');
  }
}
