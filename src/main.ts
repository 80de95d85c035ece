import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';

/** The API process. Without REDIS_URL it is also the worker (embedded default: one process does everything). */
async function main() {
  const config = loadConfig(process.env, process.env.REDIS_URL ? 'api' : 'all');
  const app = await createApp(config);
  await app.listen({ port: config.port, host: process.env.HOST || '0.0.0.0' });
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
