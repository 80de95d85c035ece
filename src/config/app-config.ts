import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Which parts of the app a process runs: the HTTP API, the job processors, or both (the embedded default). */
export type ProcessRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  port: number;
  database: DatabaseConfig;
  redisUrl: string | null;
  role: ProcessRole;
  jwtSecret: string;
  jwtExpiresIn: string;
  bootstrapAdminPassword: string | null;
  logLevel: string;
  uploadDir: string;
  loginThrottle: { maxFailures: number; windowSeconds: number };
  outboxPollMs: number;
  /** Redis key prefix for the Bull queue (separates environments sharing one Redis). */
  queuePrefix: string;
  /**
   * Bull's job lock and stalled-job check interval (ms): a job whose worker died (SIGKILL, crash) goes back to the
   * queue within about twice this. Long enough that a busy worker renews its lock in time.
   */
  queueLockMs: number;
  /** Embedded default: SQLite and the in-process job runner, nothing to install. */
  embedded: boolean;
  /** Jobs a worker runs at once (`WORKER_CONCURRENCY`). */
  workerConcurrency: number;
  /**
   * API processes on this machine (API_PROCESSES, default 1): more than one runs a primary that migrates the database
   * and forks that many HTTP processes sharing the port (`api-cluster.ts`), one per core being the usual choice.
   */
  apiProcesses: number;
  /** V8's heap growth after a full collection, in percent of the live heap (`heap-policy.ts`); 0 leaves V8's own. */
  heapGrowingPercent: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const DEFAULT_DATABASE_URL = 'sqlite:./data/cultivation.sqlite';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseDatabaseUrl(raw: string, problems: string[]): DatabaseConfig {
  if (raw === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path) problems.push('DATABASE_URL: sqlite: needs a file path, for example sqlite:./data/cultivation.sqlite');
    return { kind: 'sqlite', path: resolve(path || '.') };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) return { kind: 'postgres', url: raw };
  problems.push(`DATABASE_URL: expected postgres://…, sqlite:<path> or sqlite::memory:, got "${raw}"`);
  return { kind: 'sqlite', path: ':memory:' };
}

function parseInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return n;
}

/**
 * The embedded default generates its JWT secret once and keeps it beside the database file, so tokens survive a
 * restart without the operator configuring anything; an in-memory database gets a throwaway secret.
 */
function embeddedJwtSecret(database: DatabaseConfig): string {
  if (database.kind !== 'sqlite' || database.path === ':memory:') return randomBytes(32).toString('hex');
  const file = join(dirname(database.path), 'jwt-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    // A file cut short (a kill or a full disk while it was written) must not become a guessable key.
    if (kept.length >= 32) return kept;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  // Written aside and renamed: the file is either the old one or the whole new one, never half of it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, secret, { mode: 0o600 });
  renameSync(partial, file);
  return secret;
}

/** Where a number-format variable is a regular expression (`CERT_FORMAT_*`): it must compile. */
function checkPattern(env: NodeJS.ProcessEnv, name: string, problems: string[]) {
  const raw = env[name];
  if (!raw) return;
  try {
    new RegExp(raw);
  } catch (error) {
    problems.push(`${name}: not a regular expression (${(error as Error).message})`);
  }
}

/**
 * Variables the feature modules read where they are used (application procedure, certificate numbers, visits,
 * proxy): checked here too, so that a bad value stops the start with its own message instead of falling back to a
 * default in silence or answering 500 on the first request that needs it.
 */
function checkFeatureVariables(env: NodeJS.ProcessEnv, problems: string[]) {
  parseInteger(env, 'DEADLINE_ACCEPTANCE_DAYS', 5, 1, 365, problems);
  parseInteger(env, 'DEADLINE_REVIEW_DAYS', 15, 1, 365, problems);
  parseInteger(env, 'NOTICE_WORKING_DAYS', 10, 1, 60, problems);
  const size = parseInteger(env, 'LEADER_PANEL_SIZE', 5, 3, 25, problems);
  parseInteger(env, 'LEADER_PANEL_MIN_FINANCE', 1, 0, size, problems);
  parseInteger(env, 'VISIT_MAX_EMPLOYEES', 300, 1, 10_000_000, problems);
  parseInteger(env, 'VISIT_DUE_DAYS', 30, 1, 365, problems);
  for (const name of ['CERT_FORMAT_TECH_SME', 'CERT_FORMAT_HIGH_TECH', 'CERT_FORMAT_LEADER'])
    checkPattern(env, name, problems);
  if (env.CERT_PROVINCE_CODE && !/^\d{2}$/.test(env.CERT_PROVINCE_CODE))
    problems.push(`CERT_PROVINCE_CODE: expected two digits, got "${env.CERT_PROVINCE_CODE}"`);
  if (env.CERT_DIVISION_CODE && !/^\d{6}$/.test(env.CERT_DIVISION_CODE))
    problems.push(`CERT_DIVISION_CODE: expected six digits, got "${env.CERT_DIVISION_CODE}"`);
  if (env.TRUST_PROXY && !['true', 'false'].includes(env.TRUST_PROXY))
    problems.push(`TRUST_PROXY: expected true or false, got "${env.TRUST_PROXY}"`);
}

/** Reads and validates the environment once at start; every bad variable gets its own message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaultRole: ProcessRole = 'all'): AppConfig {
  const problems: string[] = [];
  const database = parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL, problems);
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push(`REDIS_URL: expected redis://…, got "${redisUrl}"`);
  const embedded = database.kind === 'sqlite';
  const role = (env.PROCESS_ROLE || defaultRole) as ProcessRole;
  if (!['api', 'worker', 'all'].includes(role))
    problems.push(`PROCESS_ROLE: expected api, worker or all, got "${role}"`);
  if (role !== 'all' && !redisUrl)
    problems.push('PROCESS_ROLE: api and worker run as separate processes only with REDIS_URL');
  let jwtSecret = env.JWT_SECRET || '';
  if (jwtSecret && jwtSecret.length < 32) problems.push('JWT_SECRET: must be at least 32 characters');
  if (!jwtSecret && !embedded) problems.push('JWT_SECRET: required when DATABASE_URL is not SQLite');
  const jwtExpiresIn = env.JWT_EXPIRES_IN || '8h';
  if (!/^\d+[smhd]?$/.test(jwtExpiresIn) || /^0+[smhd]?$/.test(jwtExpiresIn))
    problems.push(`JWT_EXPIRES_IN: expected e.g. 3600, 15m, 8h or 7d, got "${jwtExpiresIn}"`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}`);
  const config: AppConfig = {
    port: parseInteger(env, 'PORT', 3000, 0, 65535, problems),
    database,
    redisUrl,
    role,
    jwtSecret: '',
    jwtExpiresIn,
    bootstrapAdminPassword: env.BOOTSTRAP_ADMIN_PASSWORD || null,
    logLevel,
    uploadDir: resolve(env.UPLOAD_DIR || './data/uploads'),
    loginThrottle: {
      maxFailures: parseInteger(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000, problems),
      windowSeconds: parseInteger(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400, problems),
    },
    outboxPollMs: parseInteger(env, 'OUTBOX_POLL_MS', 500, 10, 60000, problems),
    queuePrefix: env.QUEUE_PREFIX || 'cultivation',
    queueLockMs: parseInteger(env, 'QUEUE_LOCK_MS', 30000, 1000, 3600000, problems),
    embedded,
    heapGrowingPercent: parseInteger(env, 'HEAP_GROWING_PERCENT', 50, 0, 400, problems),
    apiProcesses: parseInteger(env, 'API_PROCESSES', 1, 1, 64, problems),
    workerConcurrency: parseInteger(env, 'WORKER_CONCURRENCY', 4, 1, 64, problems),
  };
  checkFeatureVariables(env, problems);
  if (config.apiProcesses > 1 && role === 'all')
    problems.push('API_PROCESSES: more than one API process needs REDIS_URL (the embedded default is one process)');
  if (problems.length) throw new ConfigError(problems);
  if (!jwtSecret) jwtSecret = embeddedJwtSecret(database);
  config.jwtSecret = jwtSecret;
  return config;
}
