import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { EntityManager, ObjectLiteral, QueryFailedError } from 'typeorm';

const statementNames = new Map<string, string>();

/**
 * Runs a statement on PostgreSQL as a named prepared statement, so each connection parses and plans it once instead
 * of on every call: on the transaction's connection when the manager has one, else on a connection of the pool. For
 * hot statements whose texts are few (the transition write, the enterprise view); their names are remembered. Errors
 * are wrapped as TypeORM wraps its own. A prepared statement must not select `*` from a table another version's
 * migration may widen ("cached plan must not change result type"): name the columns.
 */
export async function preparedQuery(manager: EntityManager, sql: string, params: unknown[]): Promise<ObjectLiteral[]> {
  let name = statementNames.get(sql);
  if (!name) {
    name = `stmt-${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    if (statementNames.size < 1000) statementNames.set(sql, name);
  }
  type Queryable = { query(config: object): Promise<{ rows: ObjectLiteral[] }> };
  const target: Queryable = manager.queryRunner
    ? ((await manager.queryRunner.connect()) as Queryable)
    : (manager.connection.driver as unknown as { master: Pool }).master;
  try {
    return (await target.query({ name, text: sql, values: params })).rows;
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
}
