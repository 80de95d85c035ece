import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { DatabaseConfig, loadConfig } from '../config/app-config';
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

/** `npm run migration:run`: applies pending migrations to DATABASE_URL and exits. */
async function main() {
  const applied = await applyMigrations(loadConfig().database);
  console.log(JSON.stringify({ applied }));
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
