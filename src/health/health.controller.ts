import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JOB_QUEUE, JobQueue } from '../jobs/job-queue';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 when the database (and Redis, when configured) answer; 503 otherwise, for load balancers. */
  @Get()
  @Public()
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'up')
      .catch(() => 'down');
    const redis = this.config.redisUrl ? ((await this.queue.isHealthy()) ? 'up' : 'down') : 'not_configured';
    const ok = database === 'up' && redis !== 'down';
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      database: { status: database, kind: this.config.database.kind },
      redis: { status: redis },
      role: this.config.role,
    };
  }
}
