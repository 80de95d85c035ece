/**
 * Issue 6: what PostgreSQL alone needs for the subsidy work the app does, as set-based SQL over the same tables, so
 * the report can show the app's time as a multiple of it.
 *
 * - Batch: the four default programmes of `year` (`high_tech_first`, `high_tech_renewal`, `tech_sme_new`,
 *   `rd_growth`), starting, as the benchmark starts the app, from none of their grants (deleted inside the transaction,
 *   untimed), one statement each: the events of the period (recognitions issued in the year, not revoked, of the
 *   programme's kind and tier; filings of the year with the year before), the rule in SQL's three-valued logic (an
 *   unknown condition is a `needs_data` grant, as in the app), the amount (fixed, or 1% of the R&D increase rounded
 *   down and capped), one grant per enterprise skipping those that have one, eligible while the running total fits
 *   the budget in enterprise id order and waitlisted after, then the grant rows, their audit events, the reservation
 *   and one outbox row per programme. All inside one transaction that is rolled back: nothing stays.
 * - Simulation: `rd_growth` (the programme that reads the most) decided the same way, aggregated to what the
 *   simulation answers: matched, needs data and total cost, overall and by district, tier and colour.
 *
 * The rule numbers come from DEFAULT_PROGRAMMES (src/subsidies/rules/default-programmes.ts). Self-contained: no side
 * effects after it returns.
 */
import type { Pool } from 'pg';
import { DEFAULT_PROGRAMMES, type DefaultProgramme } from '../src/subsidies/rules/default-programmes';

const NOTE =
  'one INSERT … SELECT per default programme (events of the period, the rule in three-valued SQL, the amount, one ' +
  'grant per enterprise, eligible by running total within the budget, else waitlisted; with the audit rows, the ' +
  'reservation and an outbox row), in a transaction rolled back afterwards; the simulation is one aggregate over ' +
  '`rd_growth` with GROUPING SETS. Simplified: the four programmes run one after the other in one transaction (the ' +
  'app runs four jobs with a page per transaction and job progress), a waitlist left by earlier runs is not ' +
  'consulted, a filing is read with json_to_record (a number written as a string would count), and the JSON ' +
  'written (trigger, facts, conditions) is shorter than the app’s';

const programme = (code: string): DefaultProgramme => {
  const p = DEFAULT_PROGRAMMES.find((d) => d.code === code);
  if (!p) throw new Error(`default programme ${code} not found`);
  return p;
};

/** `{"==": [{"var": "event.tier"}, "high_tech"]}` → the tier a recognition programme pays. */
function tierOf(p: DefaultProgramme): string {
  const [, tier] = (p.rule as { '==': [unknown, string] })['=='];
  return tier;
}

/** rd_growth: revenue ≥ R and increase × A ≥ previous × B; amount increase / D, capped. */
function growthNumbers() {
  const p = programme('rd_growth');
  const [revenue, growth] = (p.rule as { and: [any, any] }).and;
  const minRevenue = Number(revenue['>='][1]);
  const [left, right] = growth['>='];
  const numbers = {
    minRevenue,
    increaseFactor: Number(left['*'][1]),
    previousFactor: Number(right['*'][1]),
    divisor: Number((p.amount.formula as { '/': [unknown, number] })['/'][1]),
    cap: Number(p.amount.cap),
  };
  if (Object.values(numbers).some((n) => !Number.isFinite(n))) throw new Error('rd_growth rule changed shape');
  return numbers;
}

/** The grant rows of one programme from `decided` (enterprise_id, outcome, amount, trigger, facts, certification_id). */
const WRITE_GRANTS = `
, fresh AS (
  SELECT d.*, SUM(CASE WHEN d.outcome = 'match' THEN d.amount ELSE 0 END) OVER (ORDER BY d.enterprise_id) AS running
  FROM decided d
  WHERE d.outcome <> 'no_match'
    AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.programme_code = $2 AND g.enterprise_id = d.enterprise_id AND g.period = $3)
), chosen AS (
  SELECT f.*, CASE WHEN f.outcome = 'needs_data' THEN 'needs_data'
                   WHEN f.running <= (SELECT budget - reserved FROM programmes WHERE id = $1) THEN 'eligible'
                   ELSE 'waitlisted' END AS state
  FROM fresh f
), inserted AS (
  INSERT INTO grants (id, programme_id, programme_code, programme_version, period, enterprise_id, amount, reserved,
    queued_at, certification_id, trigger, facts, conditions, missing, initiated_by, state, snapshot, machine_id,
    machine_version, version, created_at, updated_at)
  SELECT gen_random_uuid()::varchar, $1, $2, $4, $3, r.enterprise_id, r.amount, r.state = 'eligible', now(),
    r.certification_id, r.trigger::text, r.facts::text, '[]', r.missing::text, NULL, r.state,
    json_build_object('value', r.state, 'context', json_build_object('outcome', r.state, 'initiatedBy', NULL))::text,
    'grant', 1, 1, now(), now()
  FROM chosen r
  ON CONFLICT DO NOTHING
  RETURNING id, enterprise_id, amount, reserved, state, trigger, missing
), audited AS (
  INSERT INTO audit_events (id, entity_type, entity_id, event, from_state, to_state, actor_id, at, payload)
  SELECT gen_random_uuid()::varchar, 'grant', i.id, 'MATCHED', NULL, i.state, NULL, now(),
    json_build_object('programmeId', $1::varchar, 'programmeCode', $2::varchar, 'programmeVersion', $4::int,
      'enterpriseId', i.enterprise_id, 'period', $3::int, 'amount', i.amount, 'trigger', i.trigger::json,
      'missing', i.missing::json)::text
  FROM inserted i
), reserved AS (
  UPDATE programmes SET reserved = reserved + (SELECT COALESCE(SUM(amount), 0) FROM inserted WHERE reserved)
  WHERE id = $1
)
INSERT INTO outbox_events (id, topic, aggregate_type, aggregate_id, payload, created_at, attempts)
SELECT gen_random_uuid()::varchar, 'grants.matched', 'programme', $1,
  json_build_object('grantIds', json_agg(i.id))::text, now(), 0
FROM inserted i WHERE i.state <> 'waitlisted'
HAVING COUNT(*) > 0`;

/** Recognitions of the period ($3) of one kind ($5) and tier ($6), the earliest per enterprise, paying $7. */
const RECOGNITION_BATCH = `
WITH decided AS (
  SELECT DISTINCT ON (c.enterprise_id) c.enterprise_id, 'match'::text AS outcome, $7::bigint AS amount,
    c.id AS certification_id,
    json_build_object('type', 'tier.recognised', 'year', $3::int, 'date', c.issued_on, 'tier', c.tier,
      'kind', c.kind, 'issuedOn', c.issued_on, 'certificationId', c.id) AS trigger,
    json_build_object('event.tier', c.tier) AS facts, '[]'::json AS missing
  FROM certifications c
  JOIN enterprises e ON e.id = c.enterprise_id AND e.state <> 'exited'
  WHERE c.issued_on >= make_date($3, 1, 1) AND c.issued_on <= make_date($3, 12, 31) AND c.status <> 'revoked'
    AND c.kind = $5 AND c.tier = $6
  ORDER BY c.enterprise_id, c.issued_on, c.id
)${WRITE_GRANTS}`;

/**
 * rd_growth's decision per filing of the year ($3), with the year before: revenue ≥ $5 and increase × $6 ≥
 * previous × $7 (NULL when a fact is absent: SQL's AND is the same three-valued `and`), amount increase / $8 rounded
 * down, at least 0, at most $9. (The simulation numbers its parameters from $1: see `renumber`.) Each filing is
 * parsed once (`json_to_record`, materialised), not once per condition that reads it.
 */
const GROWTH_DECISIONS = `
filings AS MATERIALIZED (
  SELECT a.enterprise_id, e.district, e.state AS tier, e.colour, x.revenue, x."rdExpense" AS rd,
    y."rdExpense" AS previous_rd
  FROM annual_indicators a
  JOIN enterprises e ON e.id = a.enterprise_id AND e.state <> 'exited'
  CROSS JOIN LATERAL json_to_record(a.data::json) AS x(revenue numeric, "rdExpense" numeric)
  LEFT JOIN annual_indicators b ON b.enterprise_id = a.enterprise_id AND b.year = a.year - 1
  LEFT JOIN LATERAL json_to_record(b.data::json) AS y("rdExpense" numeric) ON true
  WHERE a.year = $3
), judged AS (
  SELECT f.*, (f.revenue >= $5 AND (f.rd - f.previous_rd) * $6 >= f.previous_rd * $7) AS held,
    LEAST(GREATEST(FLOOR((f.rd - f.previous_rd) / $8), 0), $9)::bigint AS formula
  FROM filings f
), decided AS (
  SELECT j.*, j.formula AS amount, NULL::varchar AS certification_id,
    CASE WHEN j.held IS NULL THEN 'needs_data' WHEN j.held AND j.formula > 0 THEN 'match' ELSE 'no_match' END AS outcome,
    json_build_object('type', 'indicators.filed', 'year', $3::int, 'date', CURRENT_DATE) AS trigger,
    json_build_object('indicators.revenue', j.revenue, 'indicators.rdIncrease', j.rd - j.previous_rd,
      'indicators.previous.rdExpense', j.previous_rd) AS facts,
    CASE WHEN j.held IS NULL THEN json_build_array('indicators.previous.rdExpense') ELSE '[]'::json END AS missing
  FROM judged j
)`;

const GROWTH_BATCH = `WITH ${GROWTH_DECISIONS}${WRITE_GRANTS}`;

/** The decisions' parameters $3, $5…$9 as $1…$6, for the simulation, which has no programme row to write to. */
const renumber = (sql: string) =>
  sql.replace(/\$(\d)\b/g, (_, n: string) => `$${{ 3: 1, 5: 2, 6: 3, 7: 4, 8: 5, 9: 6 }[Number(n)]}`);

const GROWTH_SIMULATION = `
WITH ${renumber(GROWTH_DECISIONS)}
SELECT GROUPING(district) AS by_district, GROUPING(tier) AS by_tier, GROUPING(colour) AS by_colour,
  district, tier, colour,
  COUNT(*) FILTER (WHERE outcome = 'match') AS matched,
  COALESCE(SUM(amount) FILTER (WHERE outcome = 'match'), 0) AS cost,
  COUNT(*) FILTER (WHERE outcome = 'needs_data') AS needs_data
FROM decided
WHERE outcome <> 'no_match'
GROUP BY GROUPING SETS ((), (district), (tier), (colour))`;

export async function subsidiesSqlBaseline(
  pool: Pool,
  year: number,
): Promise<{ batchMs: number; simulationMs: number; note: string }> {
  const client = await pool.connect();
  try {
    const { rows: programmes } = await client.query<{ id: string; code: string; version: number }>(
      `SELECT id, code, version FROM programmes WHERE status = 'active' AND period = $1 AND code = ANY($2)`,
      [year, DEFAULT_PROGRAMMES.map((p) => p.code)],
    );
    const growth = growthNumbers();
    await client.query('BEGIN');
    let batchMs: number;
    try {
      // The state the app's batch starts from (the benchmark empties the grants first): no grants of these
      // programmes, nothing reserved. Rolled back with the rest, and not timed.
      await client.query('DELETE FROM grants WHERE programme_id = ANY($1)', [programmes.map((p) => p.id)]);
      await client.query('UPDATE programmes SET reserved = 0 WHERE id = ANY($1)', [programmes.map((p) => p.id)]);
      const started = performance.now();
      for (const p of programmes) {
        const d = programme(p.code);
        const head = [p.id, p.code, year, p.version];
        if (d.trigger.event === 'tier.recognised')
          await client.query(RECOGNITION_BATCH, [...head, d.trigger.kind, tierOf(d), d.amount.fixed]);
        else
          await client.query(GROWTH_BATCH, [
            ...head,
            growth.minRevenue,
            growth.increaseFactor,
            growth.previousFactor,
            growth.divisor,
            growth.cap,
          ]);
      }
      batchMs = performance.now() - started;
    } finally {
      await client.query('ROLLBACK');
    }
    const started = performance.now();
    await client.query(GROWTH_SIMULATION, [
      year,
      growth.minRevenue,
      growth.increaseFactor,
      growth.previousFactor,
      growth.divisor,
      growth.cap,
    ]);
    return { batchMs, simulationMs: performance.now() - started, note: NOTE };
  } finally {
    client.release();
  }
}
