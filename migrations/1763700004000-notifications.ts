import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/** In-app notifications, one row per recipient user, de-duplicated by a key the sender chooses. */
export class Notifications1763700004000 implements MigrationInterface {
  name = 'Notifications1763700004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          c.id(),
          c.uuid('user_id'),
          c.varchar('kind', 60),
          c.varchar('dedupe_key', 200),
          c.json('payload'),
          c.timestamp('created_at'),
          c.timestamp('read_at', true),
        ],
        uniques: [{ name: 'uq_notifications_user_key', columnNames: ['user_id', 'dedupe_key'] }],
        indices: [new TableIndex({ name: 'ix_notifications_user', columnNames: ['user_id', 'read_at', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notifications');
  }
}
