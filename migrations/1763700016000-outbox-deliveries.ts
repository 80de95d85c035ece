import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './dialect';

/**
 * One row per subscriber that has had its effect for an outbox event, for topics with several subscribers
 * (`tier.recognised`: regrade, casework visit, subsidy matching). Each subscriber runs in its own transaction with its
 * row, so one that fails (a bug, bad data for that one consumer) no longer holds the others back, and a redelivery
 * runs only the ones still owed. A topic with one subscriber keeps the event's own `processed_at` as its claim.
 */
export class OutboxDeliveries1763700016000 implements MigrationInterface {
  name = 'OutboxDeliveries1763700016000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'outbox_deliveries',
        columns: [
          { ...c.uuid('event_id'), isPrimary: true },
          { ...c.varchar('subscriber', 120), isPrimary: true },
          c.timestamp('delivered_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_deliveries');
  }
}
