import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { preparedQuery } from './prepared-query';

/**
 * Plain SQL over TypeORM entities, for the few hot reads and writes where building the query with TypeORM costs more
 * than running it: column lists from the entity metadata, values converted by the driver exactly as TypeORM's own
 * reads convert them.
 */

/** `"alias"."column" AS "<prefix>column"` for every column of the entity (a join names the second entity's apart). */
export function selectColumns(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  alias: string,
  prefix = '',
): string {
  const q = (name: string) => manager.dataSource.driver.escape(name);
  return manager.dataSource
    .getMetadata(entity)
    .columns.map((c) => `${q(alias)}.${q(c.databaseName)} AS ${q(prefix + c.databaseName)}`)
    .join(', ');
}

/** A raw row (database column names, after `prefix`) as the entity TypeORM's own reads would return. */
export function hydrate(manager: EntityManager, meta: EntityMetadata, raw: ObjectLiteral, prefix = ''): ObjectLiteral {
  const entity = meta.create() as ObjectLiteral;
  for (const column of meta.columns) {
    const value = raw[prefix + column.databaseName];
    if (value !== undefined)
      column.setEntityValue(entity, manager.dataSource.driver.prepareHydratedValue(value, column));
  }
  return entity;
}

/**
 * Runs a read written with `$1…` placeholders: on PostgreSQL as a named prepared statement (parsed and planned once
 * per connection), on SQLite with its `?` placeholders (each `$n` used once, in order).
 */
export function readRows(manager: EntityManager, sql: string, params: unknown[]): Promise<ObjectLiteral[]> {
  if (manager.dataSource.options.type === 'postgres') return preparedQuery(manager, sql, params);
  return manager.query(sql.replace(/\$\d+/g, '?'), params);
}
