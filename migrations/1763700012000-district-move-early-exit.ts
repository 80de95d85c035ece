import { MigrationInterface, QueryRunner } from 'typeorm';

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
          ${DISTRICT_MOVE}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await replace(queryRunner, DISTRICT_MOVE);
  }
}

function replace(queryRunner: QueryRunner, body: string) {
  return queryRunner.query(`CREATE OR REPLACE FUNCTION pipeline_year_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          ${body};
          RETURN NULL;
        END $fn$`);
}

/**
 * The trigger body migration 1763700010000 installed, as it was then. Written out rather than imported from that
 * migration: a migration is a record of what ran, so a later change to one must not change what another one does.
 */
const DISTRICT_MOVE = `PERFORM 1 FROM enterprises e WHERE e.id IN (SELECT id FROM (SELECT o.id, o.district AS old_district, n.district AS new_district
      FROM pipeline_old o JOIN pipeline_new n ON n.id = o.id WHERE o.district IS DISTINCT FROM n.district) m) ORDER BY e.id FOR UPDATE OF e;
        INSERT INTO pipeline_year_counts (district, year, metric, k1, k2, n, amount)
        SELECT CASE WHEN s.sign = 1 THEN m.new_district ELSE m.old_district END, x.year, x.metric, x.k1, x.k2,
               SUM(s.sign * x.n), SUM(s.sign * x.amount)
        FROM (SELECT o.id, o.district AS old_district, n.district AS new_district
      FROM pipeline_old o JOIN pipeline_new n ON n.id = o.id WHERE o.district IS DISTINCT FROM n.district) m
        JOIN LATERAL (SELECT enterprise_id, year, 'funnel' AS metric, tier AS k1, '' AS k2, 1 AS n, 0 AS amount FROM (
      SELECT DISTINCT c.enterprise_id, EXTRACT(YEAR FROM c.issued_on)::int AS year, c.tier FROM certifications c
      WHERE c.kind = 'first' AND c.enterprise_id = m.id
    ) f
    UNION ALL
    SELECT a.enterprise_id, EXTRACT(YEAR FROM (a.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::int, 'applications', a.target_tier, a.state, 1, 0 FROM applications a
    WHERE a.enterprise_id = m.id
    UNION ALL
    SELECT g.enterprise_id, g.period, 'grants', g.programme_code, g.state, 1, COALESCE(g.amount, 0) FROM grants g
    WHERE g.enterprise_id = m.id) x ON true
        CROSS JOIN (VALUES (-1), (1)) s(sign)
        GROUP BY 1, x.year, x.metric, x.k1, x.k2
        HAVING SUM(s.sign * x.n) <> 0 OR SUM(s.sign * x.amount) <> 0`;
