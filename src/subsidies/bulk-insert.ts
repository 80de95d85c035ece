import { EntityManager } from 'typeorm';

/** A column of a bulk insert: its name and, for PostgreSQL's `unnest`, its array element type. */
export interface BulkColumn {
  name: string;
  pg: 'varchar' | 'text' | 'int' | 'bigint' | 'boolean' | 'timestamptz';
}

/** Rows per statement on SQLite (bind variables stay below its limit of 32,766). */
const SQLITE_ROWS = 500;

/**
 * Inserts many rows in one statement per chunk, skipping rows whose unique key is taken (`ON CONFLICT DO NOTHING`).
 * A batch run writes up to 2,000 grants and their audit events per transaction (on SQLite through here; PostgreSQL
 * writes them in one statement of grant.writer.ts); TypeORM's insert builder spends seconds per hundred thousand rows
 * on parameter bookkeeping, this spends nothing. Values are plain: strings,
 * numbers, booleans, Dates, null; JSON columns are passed as already-stringified text.
 * PostgreSQL: `INSERT … SELECT * FROM unnest($1::type[], …)`, one array per column. SQLite: multi-row VALUES, with
 * booleans as 0/1 and times as TypeORM writes them (`YYYY-MM-DD HH:MM:SS.SSS`, UTC).
 */
export async function bulkInsert(
  manager: EntityManager,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly unknown[][],
  options: { onConflictDoNothing?: boolean; returning?: string } = {},
): Promise<unknown[]> {
  if (!rows.length) return [];
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const tail =
    (options.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : '') +
    (options.returning ? ` RETURNING "${options.returning}"` : '');
  const returned = (result: unknown) =>
    options.returning && Array.isArray(result)
      ? result.map((r) => (r as Record<string, unknown>)[options.returning!])
      : [];
  if (manager.connection.options.type === 'postgres') {
    const arrays = columns.map((_, i) => rows.map((row) => pgValue(row[i])));
    const unnest = columns.map((c, i) => `$${i + 1}::${c.pg}[]`).join(', ');
    return returned(
      await manager.query(`INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${unnest})${tail}`, arrays),
    );
  }
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const out: unknown[] = [];
  for (let i = 0; i < rows.length; i += SQLITE_ROWS) {
    const chunk = rows.slice(i, i + SQLITE_ROWS);
    const result = await manager.query(
      `INSERT INTO "${table}" (${names}) VALUES ${chunk.map(() => tuple).join(', ')}${tail}`,
      chunk.flatMap((row) => row.map(sqliteValue)),
    );
    out.push(...returned(result));
  }
  return out;
}

function pgValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
