import { Client } from 'pg';
import { DataSource, In } from 'typeorm';
import { JobRecordEntity } from '../../src/jobs/job-record.entity';
import { OutboxRelay } from '../../src/outbox/outbox-relay.service';
import { TestApp } from '../helpers/test-app';

/**
 * On PostgreSQL every e2e file resets the `public` schema of its database, so files running in parallel workers need
 * databases of their own: `<database>_<suffix>`, created on first use. On SQLite (in memory) nothing changes.
 */
export async function ownDatabase(suffix: string): Promise<Record<string, string>> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) return {};
  const parsed = new URL(url);
  const name = `${parsed.pathname.slice(1)}_${suffix}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // Two workers creating it at once: the other one won.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
  parsed.pathname = `/${name}`;
  return { DATABASE_URL: parsed.toString() };
}

export type Counts = Record<string, number>;

/** Row counts of every table the app maps, in one query (cheap enough to take around every single request). */
export function rowCounter(t: TestApp): () => Promise<Counts> {
  const dataSource = t.app.get(DataSource);
  const tables = [...new Set(dataSource.entityMetadatas.map((m) => m.tableName))].sort();
  const sql = 'SELECT ' + tables.map((name, i) => `(SELECT COUNT(*) FROM "${name}") AS c${i}`).join(', ');
  return async () => {
    const [row] = await dataSource.query(sql);
    const counts: Counts = {};
    tables.forEach((name, i) => (counts[name] = Number(row[`c${i}`])));
    return counts;
  };
}

export function diffCounts(before: Counts, after: Counts): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const table of Object.keys(after))
    if (after[table] !== before[table]) diff[table] = after[table] - before[table];
  return diff;
}

/**
 * Waits until the side effects of accepted requests are done: outbox drained and no job queued or running (one query
 * per look, a look every 5 ms). Answers the jobs still unfinished at the deadline (an accepted request whose job never
 * ends is a finding too); they are marked failed so the next wait does not count them again.
 */
export async function settle(t: TestApp, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const dataSource = t.app.get(DataSource);
  const relay = t.app.get(OutboxRelay);
  const sql =
    'SELECT (SELECT COUNT(*) FROM "outbox_events" WHERE "processed_at" IS NULL) AS pending, ' +
    `(SELECT COUNT(*) FROM "job_records" WHERE "status" IN ('queued', 'running')) AS open`;
  for (;;) {
    const [row] = await dataSource.query(sql);
    if (Number(row.pending) === 0 && Number(row.open) === 0) return [];
    if (Date.now() > deadline) {
      const jobs = dataSource.getRepository(JobRecordEntity);
      const open = await jobs.find({ where: { status: In(['queued', 'running']) } });
      if (open.length)
        await jobs.update({ id: In(open.map((j) => j.id)) }, { status: 'failed', error: 'abandoned by the test' });
      return [
        `${row.pending} outbox rows pending`,
        ...open.map((j) => `${j.name} ${j.id} ${JSON.stringify(j.params)}`),
      ];
    }
    if (Number(row.pending)) relay.nudge();
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every audit row as stored, keyed by id (compared field by field before and after the attempts). */
export async function auditRows(t: TestApp): Promise<Map<string, Record<string, unknown>>> {
  const rows: Record<string, unknown>[] = await t.app.get(DataSource).query('SELECT * FROM "audit_events"');
  return new Map(rows.map((row) => [String(row.id), normalise(row)]));
}

const normalise = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v == null ? null : String(v)]),
  );
