import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { BullJobQueue } from './bull.queue';
import { InProcessJobQueue } from './in-process.queue';
import { JOB_QUEUE } from './job-queue';
import { JobRecords } from './job-records.service';
import { JobRegistry } from './job-registry.service';
import { JobsController } from './jobs.controller';

export const QUEUE_NAME = 'cultivation';

/** Picks the job-queue driver from the configuration: Bull on Redis when REDIS_URL is set, in-process otherwise. */
@Global()
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const common = {
      providers: [JobRegistry, JobRecords],
      controllers: [JobsController],
      exports: [JOB_QUEUE, JobRecords, JobRegistry],
    };
    if (!config.redisUrl) {
      return {
        module: JobsModule,
        imports: [DiscoveryModule],
        ...common,
        providers: [...common.providers, { provide: JOB_QUEUE, useFactory: () => new InProcessJobQueue() }],
      };
    }
    // A job whose worker died is handed back once its lock lapses, checked as often as the lock lasts.
    const bullSettings = { lockDuration: config.queueLockMs, stalledInterval: config.queueLockMs };
    return {
      module: JobsModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({ url: config.redisUrl, prefix: config.queuePrefix, settings: bullSettings }),
        BullModule.registerQueue({ name: QUEUE_NAME, settings: bullSettings }),
      ],
      ...common,
      providers: [
        ...common.providers,
        {
          provide: JOB_QUEUE,
          inject: [getQueueToken(QUEUE_NAME)],
          useFactory: (queue: Queue) => new BullJobQueue(queue),
        },
      ],
    };
  }
}
