/**
 * A process under test, started by the bench as a child exactly as production starts it, with the configuration read
 * from the environment. BENCH_ROLE picks which: `api` (`createApp`, PROCESS_ROLE=api: HTTP only, listening on a free
 * loopback port), `worker` (the worker's application context: Bull consumers, outbox relay, schedules, no HTTP) or
 * `bare` (bench/bare-app.ts: NestJS on Fastify with one constant endpoint, the yardstick for request overhead). It
 * tells the driver it is ready over IPC and samples its own memory every 100 ms, so the driver can ask for the peaks
 * and CPU time of each measured phase, and for the peak over the whole run.
 */
import 'reflect-metadata';
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { createApp } from '../src/app.factory';
import { AppModule } from '../src/app.module';
import { applyHeapPolicy } from '../src/common/heap-policy';
import { createPino, PinoNestLogger } from '../src/common/pino-logger';
import { loadConfig } from '../src/config/app-config';
import { createBareApp } from './bare-app';
import { runBenchPrimary } from './cluster-primary';
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
  /** Peak RSS since the process started, never reset. */
  private wholeRunRss = 0;

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
      wholeRunRss: 0,
    };
  }

  sample() {
    const m = process.memoryUsage();
    const peak = this.report.peak;
    this.report.samples++;
    this.wholeRunRss = Math.max(this.wholeRunRss, m.rss);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
    peak.external = Math.max(peak.external, m.external);
  }

  /** Starts a phase: the peaks restart from now, and so does the kernel's high-water mark where it can be reset. */
  reset(whole = false) {
    if (whole) this.wholeRunRss = process.memoryUsage().rss;
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
    return {
      ...this.report,
      vmHwm: vmHwm(),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      wholeRunRss: this.wholeRunRss,
    };
  }
}

type Closable = { close(): Promise<unknown> };

async function start(): Promise<{ app: Closable; port: number | null }> {
  const role = process.env.BENCH_ROLE;
  if (role === 'bare') {
    applyHeapPolicy(loadConfig(process.env, 'api').heapGrowingPercent);
    const app = await createBareApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, port: (app.getHttpServer().address() as AddressInfo).port };
  }
  if (role === 'worker') {
    // As src/worker.ts does it: an application context, no HTTP.
    const config = loadConfig(process.env, 'worker');
    applyHeapPolicy(config.heapGrowingPercent);
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
      logger: new PinoNestLogger(createPino(config.logLevel)),
    });
    app.enableShutdownHooks();
    return { app, port: null };
  }
  const app = await createApp(loadConfig(process.env, 'api'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

async function main() {
  // API_PROCESSES > 1: this process is the cluster's primary, as src/main.ts makes it (bench/cluster-primary.ts).
  const role = process.env.BENCH_ROLE;
  const processes = Number(process.env.API_PROCESSES || 1);
  if ((role === 'api' || role === 'bare') && processes > 1 && cluster.isPrimary) return runBenchPrimary(processes);
  const { app, port } = await start();
  const sampler = new MemorySampler();
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'memory-reset') {
      sampler.reset(message.whole);
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
