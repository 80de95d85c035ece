/**
 * The processes the bench starts and talks to: the API and the worker as in production (bench/server.ts with
 * BENCH_ROLE=api or worker), the bare NestJS yardstick (BENCH_ROLE=bare), and the load generator (bench/load.ts).
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { MemoryReport, ServerMessage, sleep } from './common';
import type { LoadResult, LoadSpec } from './load';

export class ServiceProcess {
  private nextId = 1;
  private waiting = new Map<number, (m: ServerMessage) => void>();
  port = 0;
  token = '';

  private constructor(
    readonly role: 'api' | 'worker' | 'bare',
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: ServerMessage) => {
      if ('id' in m) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(role: 'api' | 'worker' | 'bare', env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    // BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
    // BENCH_NODE_FLAGS: further node flags for the processes under test (e.g. `--trace-gc`), for experiments.
    const profile = process.env.BENCH_CPU_PROF;
    const child = fork(join(__dirname, 'server.js'), [], {
      execArgv: [
        ...(profile
          ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`]
          : []),
        ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ],
      env: { ...env, BENCH_ROLE: role, PROCESS_ROLE: role === 'bare' ? 'api' : role },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const service = new ServiceProcess(role, child);
    service.port =
      (await new Promise<number | null>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`the ${role} process did not start within 120 s`)), 120_000);
        child.on('message', (m: ServerMessage) => {
          if (m.type === 'ready') {
            clearTimeout(timer);
            ok(m.port);
          }
        });
        child.on('exit', (code) => fail(new Error(`the ${role} process exited with code ${code} before it was ready`)));
      })) ?? 0;
    return service;
  }

  async login(username: string, password: string) {
    const login = await this.request('POST', '/api/auth/login', { username, password }, false);
    return String(login.accessToken);
  }

  private call(type: 'memory-reset' | 'memory-report', whole = false): Promise<ServerMessage> {
    const id = this.nextId++;
    return new Promise((ok) => {
      this.waiting.set(id, ok);
      this.child.send({ type, id, ...(whole ? { whole } : {}) });
    });
  }

  /** Restarts the phase's peaks; `whole` also restarts the whole-run peak (after start-up and migrations). */
  async resetMemory(whole = false) {
    await this.call('memory-reset', whole);
  }

  async memory(): Promise<MemoryReport> {
    const m = await this.call('memory-report');
    if (m.type !== 'memory-report') throw new Error('unexpected answer from the app');
    return m.report;
  }

  async request(method: string, path: string, body?: unknown, withToken = true, token = this.token) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(withToken && token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, any>;
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((ok) => this.child.once('exit', ok));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Runs bench/load.ts in its own process and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    // The spec goes over IPC: a pool of application ids is too long for a command line (E2BIG).
    const child = fork(join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.send(spec);
    let result: LoadResult | null = null;
    child.on('message', (m: LoadResult) => (result = m));
    child.on('exit', (code) => (result ? ok(result) : fail(new Error(`load generator exited with ${code}`))));
  });
}
