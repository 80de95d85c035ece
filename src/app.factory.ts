import multipart from '@fastify/multipart';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { registerBodyParsers } from './common/body-parsers';
import { applyHeapPolicy } from './common/heap-policy';
import { createPino, PinoNestLogger } from './common/pino-logger';
import { createValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { registerWebConsole } from './web/web-console';
import { SECURITY_HEADERS } from './common/security-headers';

/** Largest JSON body accepted; uploads have their own limits. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface CreateAppOptions {
  /** Where the JSON log lines go (stdout by default); tests capture them here. */
  logDestination?: DestinationStream;
}

/** Builds the HTTP application exactly as production runs it; the e2e tests boot this same function. */
export async function createApp(
  config: AppConfig,
  extraModules: Type[] = [],
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  applyHeapPolicy(config.heapGrowingPercent);
  const logger = createPino(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, extraModules), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Body parsing is ours (registerBodyParsers): JSON and multipart only, no urlencoded or text/plain.
    bodyParser: false,
  });
  app.useSecurityHeaders(SECURITY_HEADERS);
  registerBodyParsers(app.getHttpAdapter().getInstance());
  // Registered on Fastify itself (not through the adapter, which would load the plugin lazily with import()).
  await app
    .getHttpAdapter()
    .getInstance()
    .register(multipart, { limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 20 } });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('enterprise-cultivation')
      .setDescription('Tiered cultivation of technology enterprises: registry, grading, tiers, reviews and subsidies.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await registerWebConsole(app); // the web console (web/dist) at /, when built
  return app;
}
