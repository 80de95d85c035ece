/**
 * The app under test, started by bench/run.ts as a child process exactly as production builds it (`createApp` with
 * the configuration read from the environment; PROCESS_ROLE=all: API, Bull consumer and outbox relay in one process).
 * It listens on a free loopback port, tells the driver the port over IPC, and samples its own memory every 100 ms so
 * the driver can ask for the peak of each measured phase.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import type { DriverMessage, MemoryReport, ServerMessage } from './common';

const SAMPLE_MS = 100;

function send(message: ServerMessage) {
  process.send?.(message);
}

function vmHwm(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

class MemorySampler {
  private cpuStart = process.cpuUsage();
  private report: MemoryReport = this.fresh();

  constructor() {
    setInterval(() => this.sample(), SAMPLE_MS).unref();
    // After a full collection the heap holds only what is still reachable: its maximum is the retained memory.
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
        const used = process.memoryUsage().heapUsed;
        this.report.majorGcs++;
        this.report.liveHeapAfterMajorGc = Math.max(this.report.liveHeapAfterMajorGc ?? 0, used);
      }
    }).observe({ entryTypes: ['gc'] });
  }

  private fresh(): MemoryReport {
    const m = process.memoryUsage();
    return {
      samples: 0,
      baseline: { rss: m.rss, heapUsed: m.heapUsed },
      peak: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external },
      vmHwm: null,
      liveHeapAfterMajorGc: null,
      majorGcs: 0,
      cpuMs: 0,
    };
  }

  sample() {
    const m = process.memoryUsage();
    const peak = this.report.peak;
    this.report.samples++;
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
  }

  /** Starts a phase: the peaks restart from now, and so does the kernel's high-water mark where it can be reset. */
  reset() {
    try {
      // "5" resets VmHWM to the current RSS (Linux >= 4.0, own process).
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      /* not resettable here: the sampled peak still holds */
    }
    this.report = this.fresh();
    this.cpuStart = process.cpuUsage();
  }

  current(): MemoryReport {
    this.sample();
    const cpu = process.cpuUsage(this.cpuStart);
    return { ...this.report, vmHwm: vmHwm(), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  }
}

async function main() {
  const config = loadConfig(process.env, 'all');
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const sampler = new MemorySampler();
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'memory-reset') {
      sampler.reset();
      send({ type: 'memory-reset', id: message.id });
    } else if (message.type === 'memory-report') {
      send({ type: 'memory-report', id: message.id, report: sampler.current() });
    }
  });
  // The driver ends this process with SIGTERM; the shutdown hooks close the pool and the queue.
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
  send({ type: 'ready', port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
