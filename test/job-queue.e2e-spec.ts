import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { BullJobQueue } from '../src/jobs/bull.queue';
import { InProcessJobQueue } from '../src/jobs/in-process.queue';
import { JobQueue } from '../src/jobs/job-queue';
import { declareJobNames } from '../src/jobs/job-names';
import { Logger } from '@nestjs/common';
import { bootTestApp } from './helpers/test-app';

// The drivers log each planned failure; the assertions say what matters.
Logger.overrideLogger(false);

const waitFor = async (check: () => boolean, timeoutMs = 10000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

type Driver = { name: string; make: () => { queue: JobQueue; close: () => Promise<void> } };

const drivers: Driver[] = [
  {
    name: 'in-process',
    make: () => {
      const queue = new InProcessJobQueue();
      return { queue, close: () => queue.close() };
    },
  },
];
if (process.env.REDIS_URL)
  drivers.push({
    name: 'bull',
    make: () => {
      const bull = new Bull(`contract-${randomUUID()}`, process.env.REDIS_URL!);
      return { queue: new BullJobQueue(bull), close: () => bull.obliterate({ force: true }).then(() => bull.close()) };
    },
  });

/** The same semantics from both drivers: the rest of the code never knows which one runs. */
describe.each(drivers)('job queue contract: $name driver', ({ make }) => {
  let queue: JobQueue;
  let close: () => Promise<void>;
  const seen: { name: string; data: Record<string, unknown>; attempt: number; at: number }[] = [];
  let failUntil = new Map<string, number>();

  beforeAll(() => {
    ({ queue, close } = make());
    queue.process(async (name, data, context) => {
      seen.push({ name, data, attempt: context.attempt, at: Date.now() });
      const failures = failUntil.get(String(data.key)) ?? 0;
      if (context.attempt <= failures) throw new Error(`planned failure ${context.attempt}`);
    }, 4);
  });
  afterAll(() => close());
  beforeEach(() => {
    seen.length = 0;
    failUntil = new Map();
  });

  it('runs named jobs with their data', async () => {
    await queue.add('report.build', { key: 'a', period: '2026-Q2' });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ name: 'report.build', data: { key: 'a', period: '2026-Q2' }, attempt: 1 });
  });

  it('retries a failing job with growing (exponential) delays', async () => {
    failUntil.set('r', 2);
    await queue.add('flaky', { key: 'r' }, { attempts: 4, backoffMs: 100 });
    await waitFor(() => seen.length === 3);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(90);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(180);
  });

  it('delays a job', async () => {
    const start = Date.now();
    await queue.add('later', { key: 'd' }, { delayMs: 300 });
    await waitFor(() => seen.length === 1);
    expect(seen[0].at - start).toBeGreaterThanOrEqual(280);
  });

  it('de-duplicates by job id', async () => {
    const jobId = randomUUID();
    await Promise.all([1, 2, 3].map(() => queue.add('once', { key: 'o' }, { jobId })));
    await waitFor(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    await queue.add('once', { key: 'o' }, { jobId });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.name === 'once')).toHaveLength(1);
  });

  it('adds jobs in bulk, each de-duplicated by its job id like a single add', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await queue.add('bulk', { key: 'b0' }, { jobId: a });
    await queue.addBulk!([
      { name: 'bulk', data: { key: 'b1' }, options: { jobId: a } },
      { name: 'bulk', data: { key: 'b2' }, options: { jobId: b } },
      { name: 'bulk', data: { key: 'b3' }, options: { jobId: b } },
    ]);
    await waitFor(() => seen.filter((s) => s.name === 'bulk').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      seen
        .filter((s) => s.name === 'bulk')
        .map((s) => s.data.key)
        .sort(),
    ).toEqual(['b0', 'b2']);
  });

  it('runs repeatable jobs on a schedule, once per key however often registered', async () => {
    await queue.addRepeatable('tick', { key: 't' }, { key: 'tick-every', everyMs: 250 });
    await queue.addRepeatable('tick', { key: 't' }, { key: 'tick-every', everyMs: 250 });
    await new Promise((r) => setTimeout(r, 1200));
    const ticks = seen.filter((s) => s.name === 'tick').length;
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(ticks).toBeLessThanOrEqual(6);
  });

  it('replaces a schedule registered again under its key with another cron or time zone', async () => {
    await queue.addRepeatable('moved', { key: 'm' }, { key: 'moved-schedule', cron: '* * * * * *' });
    await waitFor(() => seen.some((s) => s.name === 'moved'));
    // Once a year, in China time: the every-second schedule must stop.
    await queue.addRepeatable('moved', { key: 'm' }, { key: 'moved-schedule', cron: '0 0 1 1 *', tz: 'Asia/Shanghai' });
    await new Promise((r) => setTimeout(r, 2000)); // a run already queued may still start
    const before = seen.filter((s) => s.name === 'moved').length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(seen.filter((s) => s.name === 'moved').length).toBe(before);
  });

  it('runs a cron schedule read in a named time zone (both queues hand it to their cron parser)', async () => {
    await queue.addRepeatable(
      'zoned',
      { key: 'z' },
      { key: 'zoned-every-second', cron: '* * * * * *', tz: 'Asia/Shanghai' },
    );
    await waitFor(() => seen.some((s) => s.name === 'zoned'));
    expect(seen.find((s) => s.name === 'zoned')!.data).toEqual({ key: 'z' });
  });
});

describe('start-up check of job handlers', () => {
  it('refuses to start when a declared job has no handler', async () => {
    declareJobNames('test.orphan-job');
    await expect(bootTestApp()).rejects.toThrow(/job test.orphan-job has no handler/);
  });
});
