import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { REGRADE_JOB } from '../src/grading/regrade.processor';
import { JobRecordEntity } from '../src/jobs/job-record.entity';
import { JobRecords } from '../src/jobs/job-records.service';
import { waitForJob } from './helpers/jobs';
import { bootTestApp, TestApp } from './helpers/test-app';

/**
 * A job a person started whose record says `queued` but that the queue no longer holds (Redis restarted empty, or
 * the embedded queue went down with its process) is handed to the queue again by the worker, once, by record id.
 */
describe('stranded job records', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  const strand = async (ageMs: number) => {
    const at = new Date(Date.now() - ageMs);
    const record: JobRecordEntity = {
      id: randomUUID(),
      name: REGRADE_JOB,
      status: 'queued',
      total: 0,
      done: 0,
      failed: 0,
      params: { district: null, asOf: '2026-11-21' },
      result: null,
      error: null,
      createdBy: null,
      createdAt: at,
      updatedAt: at,
    };
    // Written straight to the table: no outbox row, so nothing but the requeue can ever start it.
    await t.app.get(DataSource).getRepository(JobRecordEntity).insert(record);
    return record.id;
  };

  it('runs a record the queue lost, and leaves a fresh one to the outbox', async () => {
    const lost = await strand(60_000);
    const fresh = await strand(0);
    const records = t.app.get(JobRecords);
    expect(await records.requeueStranded()).toBe(1);
    const job = await waitForJob(t, lost);
    expect(job.status).toBe('completed');
    const untouched = await t.app.get(DataSource).getRepository(JobRecordEntity).findOneByOrFail({ id: fresh });
    expect(untouched.status).toBe('queued');
    // Requeued twice (a second reconnect): the completed record is not run again.
    expect(await records.requeueStranded(new Date(Date.now() + 60_000))).toBe(1); // only the fresh one by then
    expect((await waitForJob(t, fresh)).status).toBe('completed');
    expect(await records.requeueStranded(new Date(Date.now() + 120_000))).toBe(0);
  });
});
