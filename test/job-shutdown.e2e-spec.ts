import { Injectable, Logger, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/auth/actor';
import { REGRADE_JOB } from '../src/grading/regrade.processor';
import { InProcessJobQueue } from '../src/jobs/in-process.queue';
import { JobHandler } from '../src/jobs/job-handler.decorator';
import { declareJobNames } from '../src/jobs/job-names';
import { JobRecordEntity } from '../src/jobs/job-record.entity';
import { JobRecords } from '../src/jobs/job-records.service';
import { bootTestApp, TestApp } from './helpers/test-app';

Logger.overrideLogger(false);

const SLOW_JOB = 'test.slow';
declareJobNames(SLOW_JOB);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job a person started that takes a while (a bulk regrade, an import, a batch run). */
@Injectable()
class SlowJob {
  constructor(private readonly records: JobRecords) {}
  @JobHandler(SLOW_JOB)
  async run(data: Record<string, unknown>) {
    const record = await this.records.forHandler(String(data.jobRecordId));
    if (!record) return;
    await this.records.update(record.id, { status: 'running', total: 1 });
    await sleep(800);
    await this.records.update(record.id, { status: 'completed', done: 1 });
  }
}

@Module({ providers: [SlowJob] })
class SlowJobModule {}

const embedded = !process.env.REDIS_URL && !process.env.DATABASE_URL?.startsWith('postgres');
const itEmbedded = embedded ? it : it.skip;

/** Jobs across a stop: the in-process queue lets running jobs finish, and a start resumes interrupted records. */
describe('jobs across a stop and a start', () => {
  it('in-process queue: close() waits for the jobs still running (WorkerRuntime relies on it before the DB closes)', async () => {
    const queue = new InProcessJobQueue();
    let finished = false;
    let started = false;
    queue.process(async () => {
      started = true;
      await sleep(300);
      finished = true;
    }, 1);
    await queue.add('x', {});
    while (!started) await sleep(5);
    await queue.close();
    expect(finished).toBe(true);
  });

  itEmbedded(
    'embedded mode: a job running when the process stops gracefully is finished (or resumed) after the restart',
    async () => {
      const file = `/tmp/ec-job-shutdown-${randomUUID()}.sqlite`;
      const env = { DATABASE_URL: `sqlite:${file}` };
      let t: TestApp | null = await bootTestApp(env, [SlowJobModule]);
      try {
        const record = await t.app.get(JobRecords).start(SLOW_JOB, {}, SYSTEM_ACTOR);
        const repo = () => t!.app.get(DataSource).getRepository(JobRecordEntity);
        const deadline = Date.now() + 5000;
        while ((await repo().findOneByOrFail({ id: record.id })).status !== 'running' && Date.now() < deadline)
          await sleep(20);
        await t.close(); // SIGTERM: a graceful stop while the job runs
        t = null;
        await sleep(1200);
        t = await bootTestApp(env, [SlowJobModule]);
        const until = Date.now() + 10_000;
        let status = '';
        while (Date.now() < until) {
          status = (await repo().findOneByOrFail({ id: record.id })).status;
          if (status === 'completed' || status === 'failed') break;
          await sleep(100);
        }
        expect(status).toBe('completed');
      } finally {
        if (t) await t.close();
        rmSync(file, { force: true });
      }
    },
    40_000,
  );

  itEmbedded(
    'embedded mode: a job record left `running` by a crashed process is resumed by the next start',
    async () => {
      const file = `/tmp/ec-job-shutdown-${randomUUID()}.sqlite`;
      const env = { DATABASE_URL: `sqlite:${file}` };
      let t: TestApp = await bootTestApp(env, [SlowJobModule]);
      const id = randomUUID();
      try {
        const at = new Date(Date.now() - 10 * 60_000);
        // What a process killed mid-regrade leaves behind (the in-process queue died with it).
        await t.app
          .get(DataSource)
          .getRepository(JobRecordEntity)
          .insert({
            id,
            name: REGRADE_JOB,
            status: 'running',
            total: 0,
            done: 0,
            failed: 0,
            params: { district: null, asOf: '2026-11-21' },
            result: null,
            error: null,
            createdBy: null,
            createdAt: at,
            updatedAt: at,
          } as JobRecordEntity);
        await t.close();
        t = await bootTestApp(env, [SlowJobModule]);
        const until = Date.now() + 10_000;
        let status = '';
        while (Date.now() < until) {
          status = (await t.app.get(DataSource).getRepository(JobRecordEntity).findOneByOrFail({ id })).status;
          if (status === 'completed' || status === 'failed') break;
          await sleep(100);
        }
        expect(status).toBe('completed');
      } finally {
        await t.close();
        rmSync(file, { force: true });
      }
    },
    40_000,
  );
});
