/**
 * A small closed-loop HTTP load generator (autocannon and wrk are not installed), run by bench/run.ts as a separate
 * process: `concurrency` loops over keep-alive connections, each sending the next URL of a rotating list as soon as
 * its previous answer is read. Bounded by time and by count; requests of the warm-up are sent but not recorded.
 * Input: one JSON argument (LoadSpec). Output: one LoadResult sent over IPC (or printed when run alone).
 */
import http from 'node:http';
import { percentile } from './common';

export interface LoadSpec {
  port: number;
  token: string;
  paths: string[];
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  warmupMs: number;
}

export interface LoadResult {
  requests: number;
  /** Requests sent during the warm-up (not in the latencies). */
  warmupRequests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  firstError?: string;
}

function get(agent: http.Agent, spec: LoadSpec, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { agent, host: '127.0.0.1', port: spec.port, path, headers: { authorization: `Bearer ${spec.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  let warmup = 0;
  let next = 0;
  const begin = performance.now();
  const measureFrom = begin + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  let measuredStart = Infinity;
  let measuredEnd = measureFrom;
  const loop = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end || sent >= spec.maxRequests) return;
      const path = spec.paths[next++ % spec.paths.length];
      const recorded = now >= measureFrom;
      if (recorded) sent++;
      else warmup++;
      const t0 = performance.now();
      let ok = false;
      try {
        const res = await get(agent, spec, path);
        ok = res.status === 200;
        if (!ok && !firstError) firstError = `${res.status} ${path}: ${res.body.slice(0, 200)}`;
      } catch (error) {
        if (!firstError) firstError = `${path}: ${String(error)}`;
      }
      const t1 = performance.now();
      if (recorded) {
        measuredStart = Math.min(measuredStart, t0);
        measuredEnd = Math.max(measuredEnd, t1);
        if (ok) latencies.push(t1 - t0);
        else errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const seconds = Math.max(1e-9, (measuredEnd - measuredStart) / 1000);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: latencies.length + errors,
    warmupRequests: warmup,
    errors,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    mean: round(latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length)),
    ...(firstError ? { firstError } : {}),
  };
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  runLoad(spec).then(
    (result) => {
      if (process.send) process.send(result, () => process.exit(0));
      else console.log(JSON.stringify(result));
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
