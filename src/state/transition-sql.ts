import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { hydrate } from '../database/entity-rows';
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
 * anything the caller adds), and returns the updated row, or null when the version check lost (nothing written).
 * On PostgreSQL it is one statement (data-modifying CTEs hanging off `upd`, so a lost race inserts nothing); SQLite
 * has no data-modifying CTEs, so there it is the UPDATE … RETURNING and then one statement per row.
 * Column names and values come from the entity metadata and the driver's conversions (simple-json as text, dates,
 * transformers), as TypeORM's own builders would write them. No casts: PostgreSQL types each parameter from the
 * column it is assigned to, also in INSERT … SELECT (a `timestamp` cast would drop the offset of a `timestamptz`).
 */
export async function writeTransition(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  key: { id: string; version: number },
  values: ObjectLiteral,
  writes: RowWrite[],
): Promise<ObjectLiteral | null> {
  const postgres = manager.dataSource.options.type === 'postgres';
  const meta = manager.dataSource.getMetadata(entity);
  const q = (name: string) => manager.dataSource.driver.escape(name);
  const { params, param } = placeholders(manager);
  const id = q(meta.findColumnWithPropertyName('id')!.databaseName);
  const version = q(meta.findColumnWithPropertyName('version')!.databaseName);
  const set = columns(manager, meta, values).map((c) => `${q(c.name)} = ${param(c.value)}`);
  const update =
    `UPDATE ${q(meta.tableName)} SET ${set.join(', ')}, ${version} = ${version} + 1 ` +
    `WHERE ${id} = ${param(key.id)} AND ${version} = ${param(key.version)} ` +
    // The entity's columns, not *: a column another version's migration adds must not change a prepared result type.
    `RETURNING ${meta.columns.map((c) => q(c.databaseName)).join(', ')}`;
  if (postgres) {
    const inserts = writes.map((w, i) => `w${i} AS (${insert(manager, w, param, 'upd')})`);
    const sql = `WITH upd AS (${update})${inserts.map((s) => `, ${s}`).join('')} SELECT * FROM upd`;
    const raw = await preparedQuery(manager, sql, params);
    return raw.length ? hydrate(manager, meta, raw[0]) : null;
  }
  const raw: ObjectLiteral[] = await manager.query(update, params);
  if (!raw.length) return null;
  for (const w of writes) {
    params.length = 0;
    await manager.query(insert(manager, w, param), params);
  }
  return hydrate(manager, meta, raw[0]);
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
  const q = (name: string) => manager.dataSource.driver.escape(name);
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
  let sql =
    `INSERT INTO ${q(meta.tableName)} (${cols.map((c) => q(c.name)).join(', ')}) ` +
    (from ? `SELECT ${values} FROM ${from}${where}` : `VALUES (${values})`);
  if (write.conflictOn) {
    const keys = write.conflictOn.map((p) => meta.findColumnWithPropertyName(p)!.databaseName);
    const primary = meta.primaryColumns.map((c) => c.databaseName);
    const overwrite = cols.filter((c) => !keys.includes(c.name) && !primary.includes(c.name));
    sql +=
      ` ON CONFLICT (${keys.map(q).join(', ')}) ` +
      (write.onConflict === 'ignore'
        ? 'DO NOTHING'
        : `DO UPDATE SET ${overwrite.map((c) => `${q(c.name)} = EXCLUDED.${q(c.name)}`).join(', ')}`);
  }
  return sql;
}

/** The given properties (or, for a whole row, every column) as database column names and persisted values. */
function columns(manager: EntityManager, meta: EntityMetadata, values: ObjectLiteral, wholeRow = false): Column[] {
  const driver = manager.dataSource.driver;
  const picked = wholeRow
    ? meta.columns
    : Object.keys(values).map((property) => {
        const column = meta.findColumnWithPropertyName(property);
        if (!column) throw new Error(`${meta.name} has no column for property ${property}`);
        return column;
      });
  return picked.map((column) => ({
    name: column.databaseName,
    property: column.propertyName,
    value: driver.preparePersistentValue(column.getEntityValue(values), column) ?? null,
  }));
}
