/**
 * The machinery of `npm run test:reliability`: the real production processes (`node dist/src/main.js` as API,
 * `node dist/src/worker.js` as worker, built once by the npm script) started as children against a database of their
 * own on PostgreSQL and a private Redis on a free port, driven over loopback HTTP, stopped and killed on purpose.
 * Nothing here touches the machine's Redis on 6379; the shared PostgreSQL is only restarted by the restart scenario,
 * and only when asked to (see PgServer).
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  WriteStream,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';

export const ROOT = resolve(__dirname, '..', '..');
/** Logs of every process of this run, kept after the run for a failing test's post-mortem. */
export const RUN_DIR = join(
  os.tmpdir(),
  'cultivation-reliability',
  `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
);
export const ADMIN_PASSWORD = 'Reliability-admin-2026!';
const JWT_SECRET = 'reliability-secret-reliability-secret-0123';
/** A PostgreSQL server where the suite may create and drop its own databases. */
export const PG_ADMIN_URL = process.env.RELIABILITY_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(line: string) {
  mkdirSync(RUN_DIR, { recursive: true });
  process.stdout.write(`[reliability] ${line}\n`);
}

/** Polls until `check` answers something truthy; fails loudly with `what` (and the last answer) after timeoutMs. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | false | null | undefined>,
  intervalMs = 250,
  describe: () => Promise<string> | string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = await Promise.resolve(describe()).catch(() => '');
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}` +
          (detail ? `: ${detail}` : '') +
          (lastError ? ` (last error: ${String(lastError)})` : ''),
      );
    }
    await sleep(intervalMs);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Fails with a clear message unless `npm run build` has produced the entry points this suite runs. */
export function requireBuild() {
  for (const file of ['dist/src/main.js', 'dist/src/worker.js'])
    if (!existsSync(join(ROOT, file)))
      throw new Error(`${file} is missing: run the suite with \`npm run test:reliability\` (it builds first)`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Child processes

/**
 * Last-resort cleanup when the test process dies without running its afterAll (Ctrl-C, a kill, a forced exit; Jest's
 * sandbox gives tests no real `process.on('exit')`): a detached watchdog process polls this process and, once it is
 * gone, performs the cleanup actions still registered — SIGKILL to children still listed, commands to stop a private
 * PostgreSQL or start the shared one again. Actions are withdrawn as soon as they are done normally, so the watchdog
 * never signals a process id that may have been reused.
 */
type CleanupAction = { key: string; kill?: number; run?: [string, string[]]; rm?: string };

const WATCHDOG = `
const [ppid, file] = process.argv.slice(1);
const fs = require('fs');
const cp = require('child_process');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const timer = setInterval(() => {
  if (alive(Number(ppid))) return;
  clearInterval(timer);
  const pending = new Map();
  let lines = [];
  try { lines = fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l)); } catch {}
  for (const a of lines) if (a.done) pending.delete(a.key); else pending.set(a.key, a);
  for (const a of pending.values()) {
    try {
      if (a.kill) process.kill(a.kill, 'SIGKILL');
      if (a.run) cp.spawnSync(a.run[0], a.run[1], { timeout: 60000, stdio: 'ignore' });
      if (a.rm) fs.rmSync(a.rm, { recursive: true, force: true });
    } catch {}
  }
  process.exit(0);
}, 500);
`;

let cleanupFile: string | null = null;

function registerCleanup(action: CleanupAction) {
  if (!cleanupFile) {
    mkdirSync(RUN_DIR, { recursive: true });
    cleanupFile = join(RUN_DIR, `cleanup-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.jsonl`);
    writeFileSync(cleanupFile, '');
    spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), cleanupFile], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  }
  appendFileSync(cleanupFile, JSON.stringify(action) + '\n');
}

function cleanupDone(key: string) {
  if (cleanupFile) appendFileSync(cleanupFile, JSON.stringify({ key, done: true }) + '\n');
}

/** A child process with its output in RUN_DIR/<name>.log and the last lines in memory for error messages. */
export class Proc {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<void>;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** Set before a deliberate stop or kill, so the death is not reported as a crash. */
  expectedExit = false;
  private readonly tail: string[] = [];
  private readonly out: WriteStream;
  private readonly watchers = new Set<(line: string) => void>();
  private partial = '';

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    mkdirSync(RUN_DIR, { recursive: true });
    this.logFile = join(RUN_DIR, `${name}.log`);
    this.out = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const key = `proc-${this.child.pid}`;
    if (this.child.pid) registerCleanup({ key, kill: this.child.pid });
    const onData = (chunk: Buffer) => {
      this.out.write(chunk);
      const text = this.partial + chunk.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((done) =>
      this.child.on('exit', (code, signal) => {
        cleanupDone(key);
        this.exitCode = code;
        this.exitSignal = signal;
        if (this.partial) this.onLine(this.partial);
        this.out.end();
        done();
      }),
    );
  }

  private onLine(line: string) {
    this.tail.push(line);
    if (this.tail.length > 60) this.tail.shift();
    for (const watcher of this.watchers) watcher(line);
  }

  get pid() {
    return this.child.pid!;
  }

  get alive() {
    return this.exitCode === null && this.exitSignal === null;
  }

  /** The last lines of output, for error messages. */
  lastLines(n = 25) {
    return this.tail.slice(-n).join('\n');
  }

  describe() {
    const state = this.alive
      ? `running (pid ${this.pid})`
      : `exited (code ${this.exitCode}, signal ${this.exitSignal})`;
    return `${this.name} ${state}; log ${this.logFile}; last lines:\n${this.lastLines()}`;
  }

  /** Resolves when a line of output matches; fails when the process exits first or the time is up. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    if (this.tail.some((l) => pattern.test(l))) return Promise.resolve(this.tail.find((l) => pattern.test(l))!);
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms. ${this.describe()}`));
      }, timeoutMs);
      const watcher = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        this.watchers.delete(watcher);
        resolveLine(line);
      };
      this.watchers.add(watcher);
      void this.exited.then(() => {
        if (!this.watchers.has(watcher)) return;
        clearTimeout(timer);
        this.watchers.delete(watcher);
        reject(new Error(`${this.name} exited before printing ${pattern}. ${this.describe()}`));
      });
    });
  }

  /** SIGTERM (graceful: shutdown hooks run), then SIGKILL if it is still there after graceMs. */
  async stop(graceMs = 10_000) {
    this.expectedExit = true;
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.alive && this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: no shutdown hook, no cleanup; whatever it was doing stops mid-way. */
  async kill9() {
    this.expectedExit = true;
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Resident memory of the process in kB (VmRSS from /proc). */
  rssKb(): number {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!match) throw new Error(`no VmRSS for ${this.name} (pid ${this.pid})`);
    return Number(match[1]);
  }

  /** Log lines at pino level error or fatal (50+), parsed. */
  errorLines() {
    return this.logLines(50);
  }

  /** Log lines at pino level `minLevel` or above (info is 30), parsed. */
  logLines(
    minLevel: number,
  ): { msg?: string; err?: { message?: string; code?: string; type?: string }; [k: string]: unknown }[] {
    const out = [];
    for (const line of readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.level >= minLevel) out.push(entry);
      } catch {
        /* not a log line */
      }
    }
    return out;
  }
}

/** The environment of a child: the parent's minus anything that would point it at another database or queue. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|REDIS_URL|PROCESS_ROLE|PORT|HOST|QUEUE_|JWT_|BOOTSTRAP_|LOG_LEVEL|OUTBOX_|WORKER_)/.test(k))
      continue;
    if (k.startsWith('JEST') || k === 'NODE_ENV' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------------------------------
// Redis

/** A redis-server of the suite's own on a free loopback port, without persistence: a restart comes back empty. */
export class PrivateRedis {
  private proc: Proc | null = null;
  private starts = 0;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  url(db = 0) {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  async start() {
    if (this.proc?.alive) return;
    this.proc = new Proc(
      `redis-${this.port}-${++this.starts}`,
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', RUN_DIR],
      childEnv({}),
    );
    await waitUntil(
      `redis-server on port ${this.port} to answer PING`,
      10_000,
      () => this.ping(),
      100,
      () => this.proc!.describe(),
    );
  }

  /** Stops the server (SIGTERM; nothing is saved). Clients see their connections drop and new ones refused. */
  async stop() {
    await this.proc?.stop(5000);
  }

  ping(): Promise<boolean> {
    return new Promise((done) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let answer = '';
      socket.setTimeout(1000, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('\r\n')) socket.end();
      });
      socket.on('close', () => done(answer.startsWith('+PONG')));
      socket.on('error', () => done(false));
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// PostgreSQL

/** A database of the suite's own on a PostgreSQL server, created empty (each process migrates it at start). */
export class TestDatabase {
  readonly pool: Pool;

  private constructor(
    readonly adminUrl: string,
    readonly name: string,
    readonly url: string,
  ) {
    this.pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
    // An idle client whose server went away (the restart test) must not crash the test process.
    this.pool.on('error', () => undefined);
  }

  static async create(label: string, adminUrl = PG_ADMIN_URL): Promise<TestDatabase> {
    const name = `cultivation_rel_${label}_${Date.now().toString(36)}_${process.pid}`.toLowerCase();
    const admin = new Pool({ connectionString: adminUrl, max: 1 });
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      throw new Error(`cannot create database ${name} on ${adminUrl}: ${(error as Error).message}`);
    } finally {
      await admin.end();
    }
    registerCleanup({
      key: `db-${name}`,
      run: ['psql', [adminUrl, '-q', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]],
    });
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new TestDatabase(adminUrl, name, url.toString());
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async one<T = any>(sql: string, params: unknown[] = []): Promise<T> {
    const rows = await this.query<T>(sql, params);
    if (rows.length !== 1) throw new Error(`expected one row from ${sql}, got ${rows.length}`);
    return rows[0];
  }

  async drop() {
    await this.pool.end().catch(() => undefined);
    const admin = new Pool({ connectionString: this.adminUrl, max: 1 });
    admin.on('error', () => undefined);
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
      cleanupDone(`db-${this.name}`);
    } catch (error) {
      log(`could not drop database ${this.name}: ${(error as Error).message}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

/** Runs a command, failing with its output when it does not exit 0. */
function run(command: string, args: string[], timeoutMs = 120_000) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  return result.stdout;
}

/** The same without blocking the event loop: the load keeps running while a server restarts. */
function runAsync(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((done, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message} ${stderr || stdout}`));
      else done(stdout);
    });
  });
}

/** Commands run as the `postgres` OS user when this process is root (initdb and postgres refuse to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : null;
}

/**
 * The PostgreSQL server the restart scenario restarts. `RELIABILITY_PG_RESTART`:
 * - `private` (default when the server binaries are installed): a throwaway cluster of the suite's own (initdb into
 *   a temporary directory, a free loopback port), so restarting it cannot break anybody else's connections;
 * - `shared`: the machine's server at RELIABILITY_PG_URL, restarted with `pg_ctlcluster … restart`; whatever happens,
 *   `ensureRunning` (called from a `finally`) starts it again.
 */
export abstract class PgServer {
  abstract readonly adminUrl: string;
  abstract readonly label: string;
  abstract restart(): Promise<number>;
  abstract ensureRunning(): Promise<void>;
  abstract dispose(): Promise<void>;

  static async forRestart(): Promise<PgServer> {
    const mode = process.env.RELIABILITY_PG_RESTART || (postgresBinDir() ? 'private' : 'shared');
    if (mode === 'shared') return new SharedPg();
    if (mode !== 'private') throw new Error(`RELIABILITY_PG_RESTART must be private or shared, got ${mode}`);
    const bin = postgresBinDir();
    if (!bin) throw new Error('RELIABILITY_PG_RESTART=private needs initdb (PostgreSQL server binaries)');
    const server = new PrivatePg(bin, await freePort());
    await server.init();
    return server;
  }

  async isReady(): Promise<boolean> {
    const pool = new Pool({ connectionString: this.adminUrl, max: 1, connectionTimeoutMillis: 1000 });
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await pool.end().catch(() => undefined);
    }
  }
}

class PrivatePg extends PgServer {
  readonly label: string;
  readonly adminUrl: string;
  private readonly dir = join(os.tmpdir(), `cultivation-rel-pg-${process.pid}-${Date.now().toString(36)}`);

  constructor(
    private readonly bin: string,
    private readonly port: number,
  ) {
    super();
    this.adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.label = `a private PostgreSQL cluster (${bin}, port ${port})`;
  }

  private ctl(args: string[]) {
    const [command, argv] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dir, ...args]);
    return run(command, argv);
  }

  private ctlAsync(args: string[]) {
    const [command, argv] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dir, ...args]);
    return runAsync(command, argv);
  }

  async init() {
    const [command, argv] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dir, '-m', 'immediate', 'stop']);
    registerCleanup({ key: `pg-stop-${this.port}`, run: [command, argv] });
    registerCleanup({ key: `pg-dir-${this.port}`, rm: this.dir });
    mkdirSync(this.dir, { recursive: true });
    if (process.getuid?.() === 0) run('chown', ['postgres', this.dir]);
    const [initdb, initArgs] = asPostgres(join(this.bin, 'initdb'), [
      '-D',
      this.dir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    run(initdb, initArgs);
    this.start();
    await waitUntil(this.label, 20_000, () => this.isReady());
  }

  private start() {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c max_connections=200`;
    this.ctl(['-o', options, '-l', join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** pg_ctl restart -m fast: sessions are terminated (57P01), new connections refused until it is up again. */
  async restart() {
    const t0 = Date.now();
    // -l again: without it the new postmaster would write to (and hold open) this process's pipe.
    await this.ctlAsync(['-m', 'fast', '-l', join(this.dir, 'server.log'), '-w', '-t', '60', 'restart']);
    await waitUntil(`${this.label} to accept connections`, 30_000, () => this.isReady());
    return Date.now() - t0;
  }

  async ensureRunning() {
    if (await this.isReady()) return;
    try {
      this.start();
    } catch {
      /* already starting */
    }
  }

  async dispose() {
    try {
      this.ctl(['-m', 'immediate', 'stop']);
    } catch {
      /* not running */
    }
    rmSync(this.dir, { recursive: true, force: true });
    cleanupDone(`pg-stop-${this.port}`);
    cleanupDone(`pg-dir-${this.port}`);
  }
}

class SharedPg extends PgServer {
  readonly adminUrl = PG_ADMIN_URL;
  readonly label = "the machine's PostgreSQL (pg_ctlcluster)";

  private cluster(action: 'restart' | 'start') {
    const version = readdirSync('/etc/postgresql')[0];
    return runAsync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action]);
  }

  async restart() {
    const t0 = Date.now();
    // However this process ends, the machine's server is left running (starting a running cluster does nothing).
    const version = readdirSync('/etc/postgresql')[0];
    registerCleanup({
      key: 'shared-pg-start',
      run: ['pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']],
    });
    await this.cluster('restart');
    await waitUntil('PostgreSQL to accept connections after the restart', 60_000, () => this.isReady());
    return Date.now() - t0;
  }

  async ensureRunning() {
    if (await this.isReady()) return;
    try {
      await this.cluster('start');
    } catch (error) {
      log(`pg_ctlcluster start: ${(error as Error).message}`);
    }
    await waitUntil('the shared PostgreSQL to be running again', 60_000, () => this.isReady());
  }

  async dispose() {
    await this.ensureRunning();
    cleanupDone('shared-pg-start');
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// HTTP

export interface Answer {
  /** 0 when no HTTP answer came (connection refused, reset, timed out). */
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
  ms: number;
  error?: string;
}

/** A keep-alive HTTP client for one API process; never rejects (a network failure is status 0). */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly port: number,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, body?: unknown, token?: string, timeoutMs = 30_000): Promise<Answer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const t0 = performance.now();
    return new Promise((done) => {
      const finish = (answer: Omit<Answer, 'ms'>) => done({ ...answer, ms: performance.now() - t0 });
      const req = http.request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: any = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              /* not JSON */
            }
            finish({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
          });
          res.on('error', (error) => finish({ status: 0, headers: {}, body: '', json: null, error: String(error) }));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (error) => finish({ status: 0, headers: {}, body: '', json: null, error: String(error) }));
      if (payload) req.write(payload);
      req.end();
    });
  }

  get(path: string, token?: string) {
    return this.request('GET', path, undefined, token);
  }
  post(path: string, body: unknown, token?: string) {
    return this.request('POST', path, body, token);
  }
  put(path: string, body: unknown, token?: string) {
    return this.request('PUT', path, body, token);
  }

  close() {
    this.agent.destroy();
  }
}

/** Throws a readable error unless the answer has one of the expected statuses; returns its JSON. */
export function expectStatus(answer: Answer, what: string, ...statuses: number[]) {
  if (!statuses.includes(answer.status))
    throw new Error(
      `${what}: expected ${statuses.join(' or ')}, got ${answer.status || answer.error}: ${answer.body.slice(0, 500)}`,
    );
  return answer.json;
}

// ---------------------------------------------------------------------------------------------------------------------
// The stack: API and worker processes on one database and one Redis

export interface StackOptions {
  db: TestDatabase;
  redis: PrivateRedis;
  /** Bull lock and stalled-check interval (QUEUE_LOCK_MS). */
  lockMs?: number;
  env?: Record<string, string>;
}

export interface ApiProcess {
  proc: Proc;
  port: number;
  http: HttpClient;
}

export class Stack {
  readonly apis: ApiProcess[] = [];
  readonly workers: Proc[] = [];
  private readonly procs: Proc[] = [];
  readonly queuePrefix = `rel-${process.pid}-${Date.now().toString(36)}`;
  private serial = 0;

  constructor(private readonly options: StackOptions) {}

  private env(role: 'api' | 'worker', port?: number): NodeJS.ProcessEnv {
    return childEnv({
      PROCESS_ROLE: role,
      ...(port ? { PORT: String(port), HOST: '127.0.0.1' } : {}),
      DATABASE_URL: this.options.db.url,
      REDIS_URL: this.options.redis.url(0),
      JWT_SECRET,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      QUEUE_PREFIX: this.queuePrefix,
      QUEUE_LOCK_MS: String(this.options.lockMs ?? 30_000),
      // Workers log at info so the suite sees "worker started"; API processes at warn, as the brief of the suite says.
      LOG_LEVEL: role === 'worker' ? 'info' : 'warn',
      OUTBOX_POLL_MS: '200',
      UPLOAD_DIR: join(RUN_DIR, 'uploads'),
      ...this.options.env,
    });
  }

  async startApi(name = `api-${++this.serial}`): Promise<ApiProcess> {
    const t0 = Date.now();
    const port = await freePort();
    const proc = new Proc(name, process.execPath, ['dist/src/main.js'], this.env('api', port));
    this.procs.push(proc);
    const api: ApiProcess = { proc, port, http: new HttpClient(port) };
    await waitUntil(
      `${name} to answer GET /health with 200`,
      60_000,
      async () => {
        if (!proc.alive) throw new Error(`${name} exited. ${proc.describe()}`);
        return (await api.http.request('GET', '/health', undefined, undefined, 2000)).status === 200;
      },
      200,
      () => proc.describe(),
    );
    this.apis.push(api);
    log(`${name} up on port ${port} (pid ${proc.pid}) in ${Date.now() - t0} ms`);
    return api;
  }

  async startWorker(name = `worker-${++this.serial}`): Promise<Proc> {
    const t0 = Date.now();
    const proc = new Proc(name, process.execPath, ['dist/src/worker.js'], this.env('worker'));
    this.procs.push(proc);
    await proc.waitForLine(/worker started/, 60_000);
    this.workers.push(proc);
    log(`${name} up (pid ${proc.pid}) in ${Date.now() - t0} ms`);
    return proc;
  }

  /** Fails loudly if any process that was not stopped on purpose has died. */
  assertAlive() {
    const dead = this.procs.filter((p) => !p.alive && !p.expectedExit);
    if (dead.length) throw new Error(`process(es) died unexpectedly:\n${dead.map((p) => p.describe()).join('\n\n')}`);
  }

  /** Error-level log lines of every process so far, with the process name. */
  errorLines() {
    return this.procs.flatMap((p) => p.errorLines().map((e) => ({ process: p.name, ...e })));
  }

  async stopAll() {
    const t0 = Date.now();
    for (const api of this.apis) api.http.close();
    await Promise.all(this.procs.map((p) => p.stop(10_000)));
    log(`stopped ${this.procs.length} processes in ${Date.now() - t0} ms`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Domain helpers

export interface User {
  id: string;
  username: string;
  token: string;
}

let userSerial = 0;

export async function adminToken(http: HttpClient): Promise<string> {
  const res = await http.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  return expectStatus(res, 'admin sign-in', 200).accessToken;
}

export async function createUser(
  http: HttpClient,
  admin: string,
  role: string,
  extra: Record<string, unknown> = {},
): Promise<User> {
  const username = `rel.${role}.${process.pid}.${++userSerial}`;
  const password = `Rel-${role}-pass-${userSerial}!`;
  const created = expectStatus(
    await http.post('/api/users', { username, password, role, ...extra }, admin),
    `create ${role} user`,
    201,
  );
  const login = expectStatus(await http.post('/api/auth/login', { username, password }), `${role} sign-in`, 200);
  return { id: created.id, username, token: login.accessToken };
}

/** Polls GET /api/jobs/:id until the job is completed or failed (bounded). */
export async function waitForJob(http: HttpClient, token: string, jobId: string, timeoutMs: number) {
  return waitUntil(
    `job ${jobId} to finish`,
    timeoutMs,
    async () => {
      const res = await http.get(`/api/jobs/${jobId}`, token);
      return res.status === 200 && ['completed', 'failed'].includes(res.json.status) ? res.json : null;
    },
    250,
    async () => (await http.get(`/api/jobs/${jobId}`, token)).body,
  );
}

/** Today in China (the service's calendar), as YYYY-MM-DD. */
export function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Waits until every outbox row is processed; reports what is still pending when it gives up. */
export async function waitForOutbox(db: TestDatabase, timeoutMs: number) {
  await waitUntil(
    'every outbox row to be processed',
    timeoutMs,
    async () =>
      (await db.one<{ n: number }>('SELECT COUNT(*)::int AS n FROM outbox_events WHERE processed_at IS NULL')).n === 0,
    250,
    async () =>
      JSON.stringify(
        await db.query(
          `SELECT topic, COUNT(*)::int AS pending, COUNT(enqueued_at)::int AS enqueued, MAX(attempts) AS max_attempts,
                  MAX(last_error) AS last_error
           FROM outbox_events WHERE processed_at IS NULL GROUP BY topic`,
        ),
      ),
  );
}

/** Latency percentile (nearest rank) of an ascending array. */
export function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
