import 'reflect-metadata';
import cluster from 'node:cluster';
import { runApiPrimary } from './api-cluster';
import { createApp } from './app.factory';
import { loadConfig } from './config/app-config';
import { startFailure } from './config/start-failure';

/**
 * The API process. Without REDIS_URL it is also the worker (embedded default: one process does everything). With
 * API_PROCESSES > 1 this process becomes the primary that forks that many API processes (`api-cluster.ts`).
 */
async function main() {
  const config = loadConfig(process.env, process.env.REDIS_URL ? 'api' : 'all');
  if (config.apiProcesses > 1 && cluster.isPrimary) {
    await runApiPrimary(config);
    return;
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: process.env.HOST || '0.0.0.0' });
}

main().catch((error) => {
  console.error(startFailure(error));
  process.exit(1);
});
