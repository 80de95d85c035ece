import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { preparedQuery } from '../database/prepared-query';

/**
 * A row written together with a transition. With `conflictOn` (the properties of a unique key) a row that already
 * exists is updated (an upsert, keeping its primary key), or left as it is with `onConflict: 'ignore'`.
 */
export interface RowWrite {
  entity: EntityTarget<ObjectLiteral>;
  row: ObjectLiteral;
  conflictOn?: string[];
  onConflict?: 'update' | 'ignore';
  /**
   * One row per row that a query over `from` finds (an INSERT … SELECT), instead of the one `row`: so a write whose
   * rows depend on other tables (a notification for every caseworker) needs no read before it. `columns` maps
   * properties to SQL expressions over `from` (`NEW_ID` for a fresh uuid); the other properties come from `row`.
   */
  forEach?: {
    from: string;
    where: (param: (value: unknown) => string, postgres: boolean) => string;
    columns: Record<string, string | typeof NEW_ID>;
  };
}

/** A fresh random uuid (version 4) for each row of a `forEach` write. */
export const NEW_ID = Symbol('new uuid');

const NEW_ID_SQL = {
  postgres: 'gen_random_uuid()::text',
  // SQLite has no uuid function: the same 36-character version 4 layout from random bytes.
  sqlite:
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || " +
    "substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))",
};

interface Column {
  name: string;
  property: string;
  value: unknown;
}

/**
 * Writes a transition: the version-checked UPDATE of the machine's row plus the rows that go with it (audit, outbox,
 * anything the caller adds), and returns the row as written, or null when the version check lost (nothing written).
 * On PostgreSQL it is one statement (data-modifying CTEs hanging off `upd`, so a lost race inserts nothing); SQLite
 * has no data-modifying CTEs, so there it is the UPDATE … RETURNING and then one statement per row.
 * Column names and values come from the entity metadata and the driver's conversions (simple-json as text, dates,
 * transformers), as TypeORM's own builders would write them. No casts: PostgreSQL types each parameter from the
 * column it is assigned to, also in INSERT … SELECT (a `timestamp` cast would drop the offset of a `timestamptz`).
 *
 * The row as written is `current` (the row as read) with `values` set and the version raised: the version check
 * proves no one changed the row in between, so it returns only the version and the database sends back, and the
 * driver parses, none of the row's wide columns (the machine snapshot, an application's evaluation).
 */
export async function writeTransition(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  current: ObjectLiteral & { id: string; version: number },
  values: ObjectLiteral,
  writes: RowWrite[],
): Promise<ObjectLiteral | null> {
  const postgres = manager.dataSource.options.type === 'postgres';
  const meta = manager.dataSource.getMetadata(entity);
  const text = tableText(manager, meta);
  const { params, param } = placeholders(manager);
  const id = text.quoted(text.column('id').databaseName);
  const version = text.quoted(text.column('version').databaseName);
  const set = columns(manager, meta, values).map((c) => `${text.quoted(c.name)} = ${param(c.value)}`);
  const update =
    `UPDATE ${text.table} SET ${set.join(', ')}, ${version} = ${version} + 1 ` +
    `WHERE ${id} = ${param(current.id)} AND ${version} = ${param(current.version)} RETURNING ${version}`;
  let raw: ObjectLiteral[];
  if (postgres) {
    const inserts = writes.map((w, i) => `w${i} AS (${insert(manager, w, param, 'upd')})`);
    const sql = `WITH upd AS (${update})${inserts.map((s) => `, ${s}`).join('')} SELECT ${version} FROM upd`;
    raw = await preparedQuery(manager, sql, params);
  } else {
    raw = await manager.query(update, params);
    if (raw.length)
      for (const w of writes) {
        params.length = 0;
        await manager.query(insert(manager, w, param), params);
      }
  }
  if (!raw.length) return null;
  const written = meta.create() as ObjectLiteral;
  for (const column of meta.columns) {
    // A property set to undefined is written as NULL (`columns`), and reads back as null.
    const value =
      column.propertyName in values ? (column.getEntityValue(values) ?? null) : column.getEntityValue(current);
    column.setEntityValue(written, value);
  }
  written.version = current.version + 1;
  return written;
}

/**
 * One `RowWrite` on its own, outside a transition (a notification sent by a job): returns how many rows it inserted
 * (a row left alone by `onConflict: 'ignore'` is not counted).
 */
export async function writeRows(manager: EntityManager, write: RowWrite): Promise<number> {
  const meta = manager.dataSource.getMetadata(write.entity);
  const { params, param } = placeholders(manager);
  const key = manager.dataSource.driver.escape(meta.primaryColumns[0].databaseName);
  const inserted: unknown[] = await manager.query(`${insert(manager, write, param)} RETURNING ${key}`, params);
  return inserted.length;
}

/** Parameters in the dialect's placeholders: `$1, $2…` on PostgreSQL, `?` in order on SQLite. */
function placeholders(manager: EntityManager) {
  const postgres = manager.dataSource.options.type === 'postgres';
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return postgres ? `$${params.length}` : '?';
  };
  return { params, param };
}

/**
 * `INSERT INTO t (…) VALUES (…)`, or `SELECT … FROM upd` inside the CTE (`after`: only when the UPDATE wrote a row);
 * a `forEach` write selects from its own table (and `upd`).
 */
function insert(manager: EntityManager, write: RowWrite, param: (value: unknown) => string, after?: string) {
  const meta = manager.dataSource.getMetadata(write.entity);
  const text = tableText(manager, meta);
  const cols = columns(manager, meta, write.row, true);
  const each = write.forEach;
  const postgres = manager.dataSource.options.type === 'postgres';
  const newId = postgres ? NEW_ID_SQL.postgres : NEW_ID_SQL.sqlite;
  const values = cols
    .map((c) => {
      const expression = each?.columns[c.property];
      return expression === undefined ? param(c.value) : expression === NEW_ID ? newId : expression;
    })
    .join(', ');
  const from = [each?.from, after].filter(Boolean).join(', ');
  const where = each ? ` WHERE ${each.where(param, postgres)}` : '';
  const sql =
    `INSERT INTO ${text.table} ${text.insertColumns} ` +
    (from ? `SELECT ${values} FROM ${from}${where}` : `VALUES (${values})`);
  return write.conflictOn ? sql + text.onConflict(write.conflictOn, write.onConflict) : sql;
}

/**
 * The fixed parts of a table's statements (quoted names, the column list, ON CONFLICT clauses), worked out once per
 * entity: every transition builds its statement, and escaping and joining the same names each time showed in the
 * profile.
 */
interface TableText {
  table: string;
  /** `("id", "kind", …)`: every column, in the order `columns(…, true)` gives the values. */
  insertColumns: string;
  quoted(databaseName: string): string;
  column(property: string): ColumnMetadata;
  onConflict(conflictOn: string[], action?: 'update' | 'ignore'): string;
}

const tableTexts = new WeakMap<EntityMetadata, TableText>();

function tableText(manager: EntityManager, meta: EntityMetadata): TableText {
  const cached = tableTexts.get(meta);
  if (cached) return cached;
  const driver = manager.dataSource.driver;
  const names = new Map(meta.columns.map((c) => [c.databaseName, driver.escape(c.databaseName)]));
  const byProperty = new Map(meta.columns.map((c) => [c.propertyName, c]));
  const clauses = new Map<string, string>();
  const quoted = (name: string) => names.get(name) ?? driver.escape(name);
  const text: TableText = {
    table: driver.escape(meta.tableName),
    insertColumns: `(${meta.columns.map((c) => quoted(c.databaseName)).join(', ')})`,
    quoted,
    column(property) {
      const column = byProperty.get(property);
      if (!column) throw new Error(`${meta.name} has no column for property ${property}`);
      return column;
    },
    onConflict(conflictOn, action) {
      const key = `${action ?? 'update'}:${conflictOn.join(',')}`;
      let clause = clauses.get(key);
      if (clause === undefined) {
        const keys = conflictOn.map((p) => text.column(p).databaseName);
        const primary = meta.primaryColumns.map((c) => c.databaseName);
        const overwrite = meta.columns.filter(
          (c) => !keys.includes(c.databaseName) && !primary.includes(c.databaseName),
        );
        clause =
          ` ON CONFLICT (${keys.map(quoted).join(', ')}) ` +
          (action === 'ignore'
            ? 'DO NOTHING'
            : `DO UPDATE SET ${overwrite.map((c) => `${quoted(c.databaseName)} = EXCLUDED.${quoted(c.databaseName)}`).join(', ')}`);
        clauses.set(key, clause);
      }
      return clause;
    },
  };
  tableTexts.set(meta, text);
  return text;
}

/** The given properties (or, for a whole row, every column) as database column names and persisted values. */
function columns(manager: EntityManager, meta: EntityMetadata, values: ObjectLiteral, wholeRow = false): Column[] {
  const driver = manager.dataSource.driver;
  const text = tableText(manager, meta);
  const picked = wholeRow ? meta.columns : Object.keys(values).map((property) => text.column(property));
  return picked.map((column) => ({
    name: column.databaseName,
    property: column.propertyName,
    value: driver.preparePersistentValue(column.getEntityValue(values), column) ?? null,
  }));
}
