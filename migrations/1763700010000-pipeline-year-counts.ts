import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from './dialect';

/**
 * The rest of the pipeline summary as trigger-kept counters (see 1763700008000-targets.ts for why counters, triggers
 * and append-only deltas): one delta table `pipeline_year_counts (district, year, metric, k1, k2, n, amount)` holding
 * - `funnel` (k1 = tier): enterprises with a first certification (kind 'first') of the tier issued in the year. An
 *   enterprise counts once per tier and year even with two 'first' rows there (two recordings racing past the history
 *   check of CertificationsService.issueIn): an inserted first row adds 1 only when no other first row of its
 *   enterprise, tier and year exists. On PostgreSQL a transaction-level advisory lock per (enterprise, tier) bucket
 *   serialises that check, so two concurrent transactions cannot both count;
 * - `applications` (k1 = target tier, k2 = state): applications by the China calendar year (UTC+8) of created_at;
 * - `grants` (k1 = programme code, k2 = state, amount = SUM(amount)): grants by period.
 * Each row counts in its enterprise's district. A district change (PATCH /api/enterprises/:id) moves the enterprise's
 * contributions: on PostgreSQL the move locks the enterprise FOR UPDATE before reading its rows, and the writers of
 * those rows read the district FOR KEY SHARE, so a write racing a move is counted in the district it ends up in.
 * Certifications are only ever inserted (revocation and expiry change status, which the funnel does not read); their
 * deletes and updates are not tracked.
 */

const PG_APP_YEAR = (x: string) => `EXTRACT(YEAR FROM (${x}.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::int`;
const SQLITE_APP_YEAR = (x: string) => `CAST(strftime('%Y', ${x}.created_at, '+8 hours') AS INTEGER)`;
const SQLITE_CERT_YEAR = (x: string) => `CAST(substr(${x}.issued_on, 1, 4) AS INTEGER)`;

const INSERT = 'INSERT INTO pipeline_year_counts (district, year, metric, k1, k2, n, amount)';

/** Per table: year, keys and amount of one row (alias x), and the columns whose change moves it. */
const TRACKED = {
  applications: {
    metric: 'applications',
    pgYear: PG_APP_YEAR('x'),
    sqliteYear: (x: string) => SQLITE_APP_YEAR(x),
    k1: (x: string) => `${x}.target_tier`,
    k2: (x: string) => `${x}.state`,
    amount: () => '0',
    columns: ['enterprise_id', 'created_at', 'target_tier', 'state'],
  },
  grants: {
    metric: 'grants',
    pgYear: 'x.period',
    sqliteYear: (x: string) => `${x}.period`,
    k1: (x: string) => `${x}.programme_code`,
    k2: (x: string) => `${x}.state`,
    amount: (x: string) => `COALESCE(${x}.amount, 0)`,
    columns: ['enterprise_id', 'period', 'programme_code', 'state', 'amount'],
  },
} as const;

type Tracked = keyof typeof TRACKED;

/** PostgreSQL: insert the deltas of signed rows `(enterprise_id, year, k1, k2, n, amount)`, in each one's district. */
function pgDeltas(metric: string, rows: string): string {
  return `WITH d AS (
      SELECT enterprise_id, year, k1, k2, SUM(n) AS n, SUM(amount) AS amount FROM (${rows}) r
      GROUP BY enterprise_id, year, k1, k2 HAVING SUM(n) <> 0 OR SUM(amount) <> 0
    ), e AS (SELECT id, district FROM enterprises WHERE id IN (SELECT enterprise_id FROM d) FOR KEY SHARE)
    ${INSERT}
    SELECT e.district, d.year, '${metric}', d.k1, d.k2, SUM(d.n), SUM(d.amount) FROM d JOIN e ON e.id = d.enterprise_id
    GROUP BY e.district, d.year, d.k1, d.k2 HAVING SUM(d.n) <> 0 OR SUM(d.amount) <> 0`;
}

function pgRows(table: Tracked, transition: string, sign: 1 | -1): string {
  const t = TRACKED[table];
  return `SELECT x.enterprise_id, ${t.pgYear} AS year, ${t.k1('x')} AS k1, ${t.k2('x')} AS k2, ${sign} AS n,
    ${sign === 1 ? '' : '-'}${t.amount('x')} AS amount FROM ${transition} x`;
}

/** Every row's contribution per enterprise, for the backfill and a district move (PostgreSQL or SQLite). */
function contributions(pg: boolean, where: string): string {
  const certYear = pg ? 'EXTRACT(YEAR FROM c.issued_on)::int' : SQLITE_CERT_YEAR('c');
  const appYear = pg ? PG_APP_YEAR('a') : SQLITE_APP_YEAR('a');
  return `SELECT enterprise_id, year, 'funnel' AS metric, tier AS k1, '' AS k2, 1 AS n, 0 AS amount FROM (
      SELECT DISTINCT c.enterprise_id, ${certYear} AS year, c.tier FROM certifications c
      WHERE c.kind = 'first' AND ${where.replace(/\$x/g, 'c')}
    ) f
    UNION ALL
    SELECT a.enterprise_id, ${appYear}, 'applications', a.target_tier, a.state, 1, 0 FROM applications a
    WHERE ${where.replace(/\$x/g, 'a')}
    UNION ALL
    SELECT g.enterprise_id, g.period, 'grants', g.programme_code, g.state, 1, COALESCE(g.amount, 0) FROM grants g
    WHERE ${where.replace(/\$x/g, 'g')}`;
}

/** Enterprises whose district an UPDATE statement changed (PostgreSQL, in a trigger with both transition tables). */
export const PG_MOVED = `SELECT o.id, o.district AS old_district, n.district AS new_district
      FROM pipeline_old o JOIN pipeline_new n ON n.id = o.id WHERE o.district IS DISTINCT FROM n.district`;

/**
 * A district move (PostgreSQL): lock the moved enterprises FOR UPDATE first (waiting for writers of their rows that
 * read the old district FOR KEY SHARE), then, in a fresh snapshot, move their contributions from the old to the new
 * district. Exported for 1763700012000, which puts an early exit in front of it.
 */
function pgDistrictMove(): string {
  return `PERFORM 1 FROM enterprises e WHERE e.id IN (SELECT id FROM (${PG_MOVED}) m) ORDER BY e.id FOR UPDATE OF e;
        ${INSERT}
        SELECT CASE WHEN s.sign = 1 THEN m.new_district ELSE m.old_district END, x.year, x.metric, x.k1, x.k2,
               SUM(s.sign * x.n), SUM(s.sign * x.amount)
        FROM (${PG_MOVED}) m
        JOIN LATERAL (${contributions(true, '$x.enterprise_id = m.id')}) x ON true
        CROSS JOIN (VALUES (-1), (1)) s(sign)
        GROUP BY 1, x.year, x.metric, x.k1, x.k2
        HAVING SUM(s.sign * x.n) <> 0 OR SUM(s.sign * x.amount) <> 0`;
}

const PG_FUNCTIONS = [
  'pipeline_funnel_inserted',
  'pipeline_applications_inserted',
  'pipeline_applications_updated',
  'pipeline_applications_deleted',
  'pipeline_grants_inserted',
  'pipeline_grants_updated',
  'pipeline_grants_deleted',
  'pipeline_year_counts_moved',
];

const TRIGGERS: [string, string][] = [
  ['trg_pipeline_funnel_insert', 'certifications'],
  ['trg_pipeline_applications_insert', 'applications'],
  ['trg_pipeline_applications_update', 'applications'],
  ['trg_pipeline_applications_delete', 'applications'],
  ['trg_pipeline_grants_insert', 'grants'],
  ['trg_pipeline_grants_update', 'grants'],
  ['trg_pipeline_grants_delete', 'grants'],
  ['trg_pipeline_year_counts_move', 'enterprises'],
];

export class PipelineYearCounts1763700010000 implements MigrationInterface {
  name = 'PipelineYearCounts1763700010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'pipeline_year_counts',
        columns: [
          {
            name: 'id',
            type: c.pg ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          c.varchar('district', 60),
          c.int('year'),
          c.varchar('metric', 20),
          c.varchar('k1', 60),
          c.varchar('k2', 40),
          c.int('n'),
          c.bigint('amount'),
        ],
        indices: [
          new TableIndex({
            name: 'ix_pipeline_year_counts_group',
            columnNames: ['year', 'district', 'metric', 'k1', 'k2'],
          }),
        ],
      }),
    );
    if (c.pg) await this.pgTriggers(queryRunner);
    else await this.sqliteTriggers(queryRunner);
    // The triggers exist (and on PostgreSQL hold off writers until this transaction commits): count what is there.
    await queryRunner.query(`${INSERT}
      SELECT e.district, x.year, x.metric, x.k1, x.k2, SUM(x.n), SUM(x.amount)
      FROM (${contributions(c.pg, '1 = 1')}) x JOIN enterprises e ON e.id = x.enterprise_id
      GROUP BY e.district, x.year, x.metric, x.k1, x.k2`);
  }

  private async pgTriggers(queryRunner: QueryRunner) {
    const fn = (name: string, body: string) =>
      queryRunner.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          ${body};
          RETURN NULL;
        END $fn$`);
    const trigger = (name: string, event: string, table: string, refs: string, func: string) =>
      queryRunner.query(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} REFERENCING ${refs}
        FOR EACH STATEMENT EXECUTE FUNCTION ${func}()`);

    // Funnel: a first row counts when it is the only first row of its enterprise, tier and year (its own statement's
    // rows included). The advisory locks (in bucket order) make a concurrent transaction wait and then see this one.
    await fn(
      'pipeline_funnel_inserted',
      `PERFORM pg_advisory_xact_lock(1763700010, b) FROM (
          SELECT DISTINCT hashtext(enterprise_id || '|' || tier) & 1023 AS b FROM pipeline_new
          WHERE kind = 'first' ORDER BY b
        ) s;
        ${pgDeltas(
          'funnel',
          `SELECT g.enterprise_id, g.year, g.tier AS k1, '' AS k2, 1 AS n, 0 AS amount FROM (
            SELECT enterprise_id, tier, EXTRACT(YEAR FROM issued_on)::int AS year, COUNT(*) AS k FROM pipeline_new
            WHERE kind = 'first' GROUP BY enterprise_id, tier, EXTRACT(YEAR FROM issued_on)
          ) g
          WHERE (SELECT COUNT(*) FROM certifications c WHERE c.enterprise_id = g.enterprise_id AND c.tier = g.tier
                 AND c.kind = 'first' AND c.issued_on >= make_date(g.year, 1, 1)
                 AND c.issued_on < make_date(g.year + 1, 1, 1)) = g.k`,
        )}`,
    );
    await trigger(
      'trg_pipeline_funnel_insert',
      'INSERT',
      'certifications',
      'NEW TABLE AS pipeline_new',
      'pipeline_funnel_inserted',
    );

    for (const table of Object.keys(TRACKED) as Tracked[]) {
      const metric = TRACKED[table].metric;
      await fn(`pipeline_${table}_inserted`, pgDeltas(metric, pgRows(table, 'pipeline_new', 1)));
      await fn(
        `pipeline_${table}_updated`,
        pgDeltas(metric, `${pgRows(table, 'pipeline_old', -1)} UNION ALL ${pgRows(table, 'pipeline_new', 1)}`),
      );
      await fn(`pipeline_${table}_deleted`, pgDeltas(metric, pgRows(table, 'pipeline_old', -1)));
      await trigger(
        `trg_pipeline_${table}_insert`,
        'INSERT',
        table,
        'NEW TABLE AS pipeline_new',
        `pipeline_${table}_inserted`,
      );
      await trigger(
        `trg_pipeline_${table}_update`,
        'UPDATE',
        table,
        'OLD TABLE AS pipeline_old NEW TABLE AS pipeline_new',
        `pipeline_${table}_updated`,
      );
      await trigger(
        `trg_pipeline_${table}_delete`,
        'DELETE',
        table,
        'OLD TABLE AS pipeline_old',
        `pipeline_${table}_deleted`,
      );
    }

    await fn('pipeline_year_counts_moved', pgDistrictMove());
    await trigger(
      'trg_pipeline_year_counts_move',
      'UPDATE',
      'enterprises',
      'OLD TABLE AS pipeline_old NEW TABLE AS pipeline_new',
      'pipeline_year_counts_moved',
    );
  }

  private async sqliteTriggers(queryRunner: QueryRunner) {
    await queryRunner.query(`CREATE TRIGGER trg_pipeline_funnel_insert AFTER INSERT ON certifications
      WHEN NEW.kind = 'first' AND NOT EXISTS (
        SELECT 1 FROM certifications c WHERE c.enterprise_id = NEW.enterprise_id AND c.tier = NEW.tier
        AND c.kind = 'first' AND substr(c.issued_on, 1, 4) = substr(NEW.issued_on, 1, 4) AND c.id <> NEW.id
      ) BEGIN
        ${INSERT} SELECT district, ${SQLITE_CERT_YEAR('NEW')}, 'funnel', NEW.tier, '', 1, 0
        FROM enterprises WHERE id = NEW.enterprise_id;
      END`);
    for (const table of Object.keys(TRACKED) as Tracked[]) {
      const t = TRACKED[table];
      const row = (x: 'NEW' | 'OLD', sign: 1 | -1) => `${INSERT}
        SELECT district, ${t.sqliteYear(x)}, '${t.metric}', ${t.k1(x)}, ${t.k2(x)}, ${sign},
          ${sign === 1 ? '' : '-'}${t.amount(x)} FROM enterprises WHERE id = ${x}.enterprise_id;`;
      await queryRunner.query(`CREATE TRIGGER trg_pipeline_${table}_insert AFTER INSERT ON ${table} BEGIN
        ${row('NEW', 1)}
      END`);
      await queryRunner.query(`CREATE TRIGGER trg_pipeline_${table}_update AFTER UPDATE ON ${table}
        WHEN ${t.columns.map((col) => `OLD.${col} IS NOT NEW.${col}`).join(' OR ')} BEGIN
        ${row('OLD', -1)}
        ${row('NEW', 1)}
      END`);
      await queryRunner.query(`CREATE TRIGGER trg_pipeline_${table}_delete AFTER DELETE ON ${table} BEGIN
        ${row('OLD', -1)}
      END`);
    }
    const grouped = `SELECT year, metric, k1, k2, SUM(n) AS n, SUM(amount) AS amount
      FROM (${contributions(false, '$x.enterprise_id = NEW.id')}) x GROUP BY year, metric, k1, k2`;
    await queryRunner.query(`CREATE TRIGGER trg_pipeline_year_counts_move AFTER UPDATE OF district ON enterprises
      WHEN OLD.district IS NOT NEW.district BEGIN
        ${INSERT} SELECT OLD.district, year, metric, k1, k2, -n, -amount FROM (${grouped});
        ${INSERT} SELECT NEW.district, year, metric, k1, k2, n, amount FROM (${grouped});
      END`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    for (const [trigger, table] of TRIGGERS)
      await queryRunner.query(
        pg ? `DROP TRIGGER IF EXISTS ${trigger} ON ${table}` : `DROP TRIGGER IF EXISTS ${trigger}`,
      );
    if (pg) for (const fn of PG_FUNCTIONS) await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    await queryRunner.dropTable('pipeline_year_counts');
  }
}
