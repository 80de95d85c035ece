/** What the report says about the machine: its description, its load over the run, and CPU time per process. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import type Redis from 'ioredis';
import type { Client, Pool } from 'pg';

const ROOT = resolve(__dirname, '..', '..');

// ------------------------------------------------------------------------------------------------ CPU accounting

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* the usual Linux value */
}

/** CPU time (user + system, ms) of one process from /proc, or null when it is gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}

/**
 * CPU used by the PostgreSQL backends serving the bench database between `start()` and `stop()` (the app's pool
 * connections; shared background processes such as the WAL writer and checkpointer are not included).
 */
export class PgCpu {
  private before = new Map<number, number>();

  constructor(
    private readonly pool: Pool,
    private readonly database: string,
  ) {}

  private async pids(): Promise<number[]> {
    const rows = await this.pool.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.database],
    );
    return rows.rows.map((r: { pid: number }) => r.pid);
  }

  async start() {
    this.before.clear();
    for (const pid of await this.pids()) this.before.set(pid, processCpuMs(pid) ?? 0);
  }

  async stop(): Promise<number> {
    let total = 0;
    for (const pid of new Set([...this.before.keys(), ...(await this.pids())])) {
      const now = processCpuMs(pid);
      if (now !== null) total += now - (this.before.get(pid) ?? 0);
    }
    return Math.round(total);
  }
}

export interface MachineLoad {
  phase: string;
  load1: number;
  /** Share of time some runnable task waited for a CPU over the last 60 s (Linux PSI), percent. */
  cpuPressure60: number | null;
}

export function machineLoad(phase: string): MachineLoad {
  let cpuPressure60: number | null = null;
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (m) cpuPressure60 = Number(m[1]);
  } catch {
    /* no PSI on this kernel */
  }
  return { phase, load1: Math.round(os.loadavg()[0] * 100) / 100, cpuPressure60 };
}

function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((sum, x) => sum + x, 0) };
}

/**
 * Waits, up to `maxMs`, until the whole machine is nearly idle (under `busyBelow` of its CPU over a second), so that a
 * phase does not pay for the previous one's background work (autovacuum of the rows it wrote, checkpoints, the
 * worker's last jobs). Returns how busy the last second was and how long it waited.
 */
export async function waitForQuiet(maxMs = 60_000, busyBelow = 0.15): Promise<{ busy: number; waitedS: number }> {
  const t0 = Date.now();
  let busy = 1;
  while (Date.now() - t0 < maxMs) {
    const a = cpuTimes();
    await new Promise((done) => setTimeout(done, 1000));
    const b = cpuTimes();
    busy = b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
    if (busy < busyBelow) break;
  }
  return { busy, waitedS: Math.round((Date.now() - t0) / 100) / 10 };
}

// ---------------------------------------------------------------------------------------------------------- machine

export interface Machine {
  date: string;
  cores: number;
  cpu: string;
  memory: string;
  node: string;
  postgres: string;
  postgresSettings: string;
  redis: string;
  pgbench: string;
  autocannon: string;
  commit: string;
}

export async function describeMachine(admin: Client, redis: Redis): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const settings = await admin.query(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','work_mem','effective_cache_size','max_parallel_workers_per_gather','synchronous_commit') ORDER BY name`,
  );
  const redisInfo = await redis.info('server');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' (with uncommitted changes in src/ or migrations/)';
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpu,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres: String((await admin.query('SHOW server_version')).rows[0].server_version),
    postgresSettings: settings.rows
      .map((r: { name: string; setting: string; unit: string | null }) => {
        const unit = r.unit === '8kB' ? ` × 8kB` : r.unit ? ` ${r.unit}` : '';
        return `${r.name}=${r.setting}${unit}`;
      })
      .join(', '),
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
    pgbench: (() => {
      try {
        return execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        return 'not found';
      }
    })(),
    autocannon: (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string })
      .version,
    commit,
  };
}
