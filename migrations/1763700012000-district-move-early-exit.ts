import { MigrationInterface, QueryRunner } from 'typeorm';
import { pgDistrictMove } from './1763700010000-pipeline-year-counts';

/**
 * The district-move trigger on enterprises (PostgreSQL) returns at once when the statement moved no district. It runs
 * after every UPDATE of enterprises, and most change no district (a regrade's colours and scores, a tier move); its
 * lock query could not know that the moved set was empty (transition tables have no statistics), so it joined the
 * whole table: about 0.7 s for each 1,000-row regrade batch over 1,000,000 enterprises. SQLite's trigger is already
 * `AFTER UPDATE OF district … WHEN OLD.district IS NOT NEW.district`.
 */
export class DistrictMoveEarlyExit1763700012000 implements MigrationInterface {
  name = 'DistrictMoveEarlyExit1763700012000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await replace(
      queryRunner,
      // EXCEPT hashes both sides; the join of the two transition tables (PG_MOVED) is planned as a nested loop, a
      // million id comparisons for a 1,000-row batch. An id of the new rows with another district is a move.
      `IF NOT EXISTS (SELECT id, district FROM pipeline_new EXCEPT SELECT id, district FROM pipeline_old) THEN
            RETURN NULL;
          END IF;
          ${pgDistrictMove()}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await replace(queryRunner, pgDistrictMove());
  }
}

function replace(queryRunner: QueryRunner, body: string) {
  return queryRunner.query(`CREATE OR REPLACE FUNCTION pipeline_year_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          ${body};
          RETURN NULL;
        END $fn$`);
}
