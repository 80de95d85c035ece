import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { discoverMethods } from '../common/discover-methods';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobContext } from './job-queue';
import { declaredJobNames } from './job-names';

type Handler = (data: Record<string, unknown>, context: JobContext) => Promise<unknown>;

/** Finds every @JobHandler method at start and refuses to boot on a duplicate, a stray, or a job with no handler. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Handler>();

  constructor(
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

  handle(name: string, data: Record<string, unknown>, context: JobContext) {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    return handler(data, context);
  }

  names() {
    return [...this.handlers.keys()].sort();
  }
}
