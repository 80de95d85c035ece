import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for the registry list's usual filters sorted by name (GET /api/enterprises over 1,000,000 rows): with the
 * filter columns first and the sort columns after, a page is read in index order instead of sorting every match.
 * Totals come from the pipeline counters, so no COUNT over the matches is needed either.
 */
export class ListIndexes1763700009000 implements MigrationInterface {
  name = 'ListIndexes1763700009000';

  private readonly indexes = [
    new TableIndex({ name: 'ix_enterprises_tier_colour_name', columnNames: ['state', 'colour', 'name', 'id'] }),
    new TableIndex({ name: 'ix_enterprises_colour_district_name', columnNames: ['colour', 'district', 'name', 'id'] }),
    new TableIndex({
      name: 'ix_enterprises_tier_colour_district_name',
      columnNames: ['state', 'colour', 'district', 'name', 'id'],
    }),
  ];

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of this.indexes) await queryRunner.createIndex('enterprises', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of this.indexes) await queryRunner.dropIndex('enterprises', index.name!);
  }
}
