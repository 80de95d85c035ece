/**
 * The bench's API (or bare yardstick) with API_PROCESSES > 1, started by production's primary (src/api-cluster.ts),
 * which migrates once and forks the HTTP processes sharing one port. To the driver it looks like one
 * process: it answers `ready` with the shared port once every process is up, and memory questions with the processes'
 * figures combined: peaks as the largest single process (the memory goal is per process), CPU as the sum of all of
 * them and the primary (which accepts the connections).
 */
import cluster, { Worker } from 'node:cluster';
import { runApiPrimary } from '../src/api-cluster';
import { loadConfig } from '../src/config/app-config';
import type { DriverMessage, MemoryReport, ServerMessage } from './common';

function combine(reports: MemoryReport[], primaryCpuMs: number): MemoryReport {
  const max = (pick: (r: MemoryReport) => number | null) =>
    reports.reduce<number | null>((m, r) => (pick(r) === null ? m : Math.max(m ?? 0, pick(r)!)), null);
  const sum = (pick: (r: MemoryReport) => number) => reports.reduce((s, r) => s + pick(r), 0);
  return {
    samples: sum((r) => r.samples),
    baseline: { rss: max((r) => r.baseline.rss)!, heapUsed: max((r) => r.baseline.heapUsed)! },
    peak: {
      rss: max((r) => r.peak.rss)!,
      heapUsed: max((r) => r.peak.heapUsed)!,
      heapTotal: max((r) => r.peak.heapTotal)!,
      external: max((r) => r.peak.external)!,
    },
    liveHeapAfterMajorGc: max((r) => r.liveHeapAfterMajorGc),
    majorGcs: sum((r) => r.majorGcs),
    cpuMs: sum((r) => r.cpuMs) + primaryCpuMs,
    vmHwm: max((r) => r.vmHwm),
    wholeRunRss: max((r) => r.wholeRunRss)!,
  };
}

export async function runBenchPrimary(processes: number): Promise<void> {
  // Production's primary (migrations, fork, restarts, stop on SIGTERM); for the bare yardstick the migrations find
  // nothing to do, the API having migrated the database before it starts.
  const primary = await runApiPrimary(loadConfig(process.env, 'api'));
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  const port = await new Promise<number | null>((ok) => {
    let ready = 0;
    cluster.on('message', (_worker, m: ServerMessage) => m.type === 'ready' && ++ready === processes && ok(m.port));
  });
  let cpuStart = process.cpuUsage();
  const ask = (message: DriverMessage) =>
    Promise.all(
      workers().map(
        (worker) =>
          new Promise<ServerMessage>((ok) => {
            const answer = (m: ServerMessage) => {
              if (!('id' in m) || m.id !== message.id) return;
              worker.off('message', answer);
              ok(m);
            };
            worker.on('message', answer);
            worker.send(message);
          }),
      ),
    );
  process.on('message', async (message: DriverMessage) => {
    const answers = await ask(message);
    if (message.type === 'memory-reset') {
      cpuStart = process.cpuUsage();
      process.send?.({ type: 'memory-reset', id: message.id });
    } else {
      const cpu = process.cpuUsage(cpuStart);
      const reports = answers.map((a) => (a as Extract<ServerMessage, { type: 'memory-report' }>).report);
      process.send?.({
        type: 'memory-report',
        id: message.id,
        report: combine(reports, Math.round((cpu.user + cpu.system) / 1000)),
      });
    }
  });
  // The driver stops this process with SIGTERM (handled by the primary) or by disconnecting; the IPC channel would
  // keep the primary alive, so it exits once its API processes have.
  process.once('disconnect', primary.stop);
  void primary.stopped.then(() => process.exit(0));
  process.send?.({ type: 'ready', port });
}
