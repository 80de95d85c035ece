/**
 * The yardstick for `GET /api/enterprises/:id`: NestJS on Fastify with one controller that returns a constant,
 * created the way the app is (Fastify adapter with the same pino logger at the same level, request ids, security
 * headers), but with no guard, pipe, database or serialisation of real data. What the app adds on top is the price of
 * authentication, validation, the database read and the view.
 */
import { randomUUID } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPino, PinoNestLogger } from '../src/common/pino-logger';
import { SECURITY_HEADERS } from '../src/common/security-headers';

const CONSTANT = { id: '00000000-0000-4000-8000-000000000000', name: '厦门示例科技有限公司', colour: 'blue' };

@Controller('bare')
class BareController {
  @Get()
  constant() {
    return CONSTANT;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

export async function createBareApp(): Promise<NestFastifyApplication> {
  const logger = createPino((process.env.LOG_LEVEL as 'warn') || 'warn');
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.useSecurityHeaders(SECURITY_HEADERS);
  app.enableShutdownHooks();
  return app;
}
