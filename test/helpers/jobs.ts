import { TestApp } from './test-app';

/** Polls GET /api/jobs/:id until the job finishes (bounded), draining the outbox so it gets queued. */
export async function waitForJob(t: TestApp, jobId: string, token = t.adminToken, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await t.drainOutbox();
    const res = await t.http.get(`/api/jobs/${jobId}`, token);
    const job = res.json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${res.body}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
