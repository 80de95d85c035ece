import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { discoverMethods } from '../common/discover-methods';
import { TransactionRunner } from '../database/transaction-runner';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobRecordEntity } from './job-record.entity';
import { JobContext } from './job-queue';
import { declaredJobNames } from './job-names';

type Handler = (data: Record<string, unknown>, context: JobContext) => Promise<unknown>;

/** Finds every @JobHandler method at start and refuses to boot on a duplicate, a stray, or a job with no handler. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Handler>();
  private readonly logger = new Logger('jobs');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    const problems: string[] = [];
    for (const { key: name, method } of discoverMethods<string>(
      this.discovery,
      this.scanner,
      this.reflector,
      JOB_HANDLER,
    )) {
      if (this.handlers.has(name)) problems.push(`job ${name} has more than one handler`);
      this.handlers.set(name, method as Handler);
    }
    const declared = new Set(declaredJobNames());
    for (const name of declared) if (!this.handlers.has(name)) problems.push(`job ${name} has no handler`);
    for (const name of this.handlers.keys())
      if (!declared.has(name)) problems.push(`job ${name} is handled but not declared`);
    if (problems.length) throw new Error(`Job handler check failed:\n  ${problems.join('\n  ')}`);
  }

  /**
   * Runs a job's handler. A job a person started (`jobRecordId`) that throws is marked failed on its record with the
   * message, whatever the handler was doing, so GET /api/jobs/:id never shows `running` for a job no one is running;
   * the queue may still try it again, and the handler then marks it running.
   */
  async handle(name: string, data: Record<string, unknown>, context: JobContext) {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    try {
      return await handler(data, context);
    } catch (error) {
      if (typeof data.jobRecordId === 'string') {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error, job: data.jobRecordId, name }, 'job failed');
        // A statement that stands alone: on SQLite it must not land inside another request's open transaction.
        await this.tx
          .readThenWrite((m) =>
            m.update(
              JobRecordEntity,
              { id: data.jobRecordId },
              { status: 'failed', error: message, updatedAt: new Date() },
            ),
          )
          .catch(() => undefined);
      }
      throw error;
    }
  }

  names() {
    return [...this.handlers.keys()].sort();
  }
}
