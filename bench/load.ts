/**
 * The load generator, run by the bench as a separate process on loopback: autocannon with `concurrency` keep-alive
 * connections (each sends its next request when the previous answer is read), a warm-up that is sent but not recorded,
 * then a measured run bounded by time and by count. Latencies are recorded per response, so any percentile is exact.
 *
 * Two scenarios:
 * - `paths`: GET requests rotating over a list of paths (list filters, enterprise ids, the pipeline summary);
 * - `transitions`: each connection walks its own applications through SUBMIT, RETURN, SUBMIT, RETURN, SUBMIT,
 *   ACCEPT (a caseworker may send all three), then takes the next unused application from the shared pool, so no two
 *   connections ever touch the same application.
 * Input: a LoadSpec over IPC (or one JSON argument when run alone). Output: one LoadResult over IPC (or printed).
 */
import autocannon from 'autocannon';
import { percentile } from './common';

export interface LoadSpec {
  port: number;
  token: string;
  concurrency: number;
  durationMs: number;
  /** A finite count (the spec travels as JSON, where Infinity would become null). */
  maxRequests: number;
  warmupMs: number;
  scenario: { kind: 'paths'; paths: string[] } | { kind: 'transitions'; applicationIds: string[] };
}

export interface LoadResult {
  requests: number;
  warmupRequests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Status codes other than 2xx, counted. */
  statuses: Record<string, number>;
  firstError?: string;
  /** The transitions scenario used up its applications before the time was over. */
  exhausted?: boolean;
  /** Events sent, by type (transitions scenario). */
  events?: Record<string, number>;
}

/** The walk each application takes: half SUBMIT, a third RETURN, a sixth ACCEPT. */
export const TRANSITION_CYCLE = ['SUBMIT', 'RETURN', 'SUBMIT', 'RETURN', 'SUBMIT', 'ACCEPT'] as const;

interface Connection {
  applicationId?: string;
}

interface LoadState {
  next: number;
  exhausted: boolean;
  events: Record<string, number>;
  firstError?: string;
}

function requestsFor(spec: LoadSpec, state: LoadState) {
  const scenario = spec.scenario;
  const onResponse = (status: number, body: string) => {
    if ((status < 200 || status >= 300) && !state.firstError) state.firstError = `${status}: ${body.slice(0, 300)}`;
  };
  if (scenario.kind === 'paths') {
    return [
      {
        method: 'GET' as const,
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          path: scenario.paths[state.next++ % scenario.paths.length],
        }),
        onResponse,
      },
    ];
  }
  const pool = scenario.applicationIds;
  // One request definition per step: autocannon walks them in order on each connection and clears the connection's
  // context after the last, so the first step takes the next unused application and the others reuse it.
  return TRANSITION_CYCLE.map((type, step) => ({
    method: 'POST' as const,
    setupRequest: (req: autocannon.Request, context: Connection) => {
      if (step === 0) {
        if (state.next >= pool.length) state.exhausted = true;
        context.applicationId = pool[Math.min(state.next++, pool.length - 1)];
      }
      state.events[type] = (state.events[type] ?? 0) + 1;
      const body = type === 'RETURN' ? { type, reason: 'bench: documents to complete' } : { type };
      return {
        ...req,
        path: `/api/applications/${context.applicationId}/events`,
        headers: { ...req.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
    },
    onResponse,
  }));
}

function fire(spec: LoadSpec, durationMs: number, maxRequests: number, state: LoadState) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  return new Promise<{ latencies: number[]; statuses: Record<string, number>; seconds: number; errors: number }>(
    (resolve, reject) => {
      const instance = autocannon(
        {
          url: `http://127.0.0.1:${spec.port}`,
          connections: spec.concurrency,
          pipelining: 1,
          duration: durationMs / 1000,
          headers: { authorization: `Bearer ${spec.token}` },
          requests: requestsFor(spec, state) as unknown as autocannon.Request[],
          timeout: 30,
        },
        (error, result) => {
          if (error) return reject(error);
          const seconds = (performance.now() - started) / 1000;
          const errors = result.errors + result.timeouts + Object.values(statuses).reduce((s, x) => s + x, 0);
          resolve({ latencies, statuses, seconds, errors });
        },
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) latencies.push(ms);
        else statuses[status] = (statuses[status] ?? 0) + 1;
        // autocannon's `amount` would replace the time bound, so the count bound is kept here.
        if (state.exhausted || latencies.length >= maxRequests) instance.stop();
      });
      instance.on('reqError', (error) => {
        state.firstError ??= String(error);
      });
    },
  );
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const state: LoadState = { next: 0, exhausted: false, events: {} };
  const warm = spec.warmupMs > 0 ? await fire(spec, spec.warmupMs, Infinity, state) : null;
  // The measured run starts with fresh connections; the transitions pool carries on where the warm-up stopped.
  state.events = {};
  if (!Number.isFinite(spec.maxRequests) || spec.maxRequests <= 0)
    throw new Error('maxRequests must be a positive number');
  const run = await fire(spec, spec.durationMs, spec.maxRequests, state);
  const sorted = run.latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: sorted.length + run.errors,
    warmupRequests: warm ? warm.latencies.length + warm.errors : 0,
    errors: run.errors,
    seconds: round(run.seconds),
    rps: round(sorted.length / run.seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)),
    statuses: { ...(warm?.statuses ?? {}), ...run.statuses },
    ...(state.firstError ? { firstError: state.firstError } : {}),
    ...(spec.scenario.kind === 'transitions' ? { exhausted: state.exhausted, events: state.events } : {}),
  };
}

if (require.main === module) {
  const run = (spec: LoadSpec) =>
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
  // Started by the bench: the spec arrives over IPC. Started by hand: one JSON argument.
  if (process.send) process.once('message', (spec: LoadSpec) => void run(spec));
  else void run(JSON.parse(process.argv[2]) as LoadSpec);
}
