import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { applyHeapPolicy } from './common/heap-policy';
import { createPino, PinoNestLogger } from './common/pino-logger';
import { ConfigError, loadConfig } from './config/app-config';
import { startFailure } from './config/start-failure';

/** A worker process: consumes the Bull queue, relays the outbox and keeps schedules; serves no HTTP. */
async function main() {
  const config = loadConfig(process.env, 'worker');
  if (config.role === 'api') throw new ConfigError(['PROCESS_ROLE: the worker entry point cannot run as api']);
  if (config.embedded)
    throw new ConfigError(['DATABASE_URL: a separate worker needs PostgreSQL; on SQLite `npm start` runs the jobs']);
  applyHeapPolicy(config.heapGrowingPercent);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createPino(config.logLevel)),
  });
  app.enableShutdownHooks();
}

main().catch((error) => {
  console.error(startFailure(error));
  process.exit(1);
});
