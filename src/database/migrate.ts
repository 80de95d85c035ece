import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { DatabaseConfig, loadConfig } from '../config/app-config';
import { startFailure } from '../config/start-failure';
import { dataSourceOptions } from './data-source-options';

/** Applies pending migrations and closes the connection; the names of those applied. */
export async function applyMigrations(database: DatabaseConfig): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  try {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * `npm run migration:run`: applies pending migrations to DATABASE_URL and exits. Only the database is read from the
 * environment: migrating needs no JWT secret (a placeholder satisfies the check; nothing is signed here).
 */
async function main() {
  const env = { ...process.env, JWT_SECRET: process.env.JWT_SECRET || 'x'.repeat(32) };
  const applied = await applyMigrations(loadConfig(env).database);
  console.log(JSON.stringify({ applied }));
}

if (require.main === module)
  main().catch((error) => {
    console.error(startFailure(error));
    process.exit(1);
  });
