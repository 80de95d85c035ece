import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { types as pgTypes } from 'pg';
import type { DatabaseConfig } from '../config/app-config';
import { ALL_MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from './entities';

// DATE columns are calendar dates (ISO strings) in this domain; pg would otherwise turn them into local-midnight Dates.
pgTypes.setTypeParser(1082, (value: string) => value);
// BIGINT (int8) holds whole yuan and counts, all far below 2^53; numbers are what the domain code expects.
pgTypes.setTypeParser(20, (value: string) => Number(value));

/**
 * The one description of how to reach the database, used by the app, the migration command and the tests.
 * `synchronize` is never on: the schema comes only from `migrations/`.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: database.url, extra: { max: 20, connectionTimeoutMillis: 5000 } };
  }
  if (database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: database.path !== ':memory:',
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  };
}
