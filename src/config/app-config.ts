import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { applicationSettings, type ApplicationSettings } from '../applications/application-settings';
import { visitPolicy, type VisitPolicy } from '../casework/visit-policy';
import type { CertifiedTier } from '../certifications/certification.rules';
import { numberFormats } from '../certifications/number-formats';
import { readInteger, readText } from './env-reader';

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
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For (`TRUST_PROXY`). */
  trustProxy: boolean;
  /** The application procedure's deadlines, panels, documents and certificate codes (`application-settings.ts`). */
  procedure: ApplicationSettings;
  /** Follow-up visits due after a recognition (`visit-policy.ts`). */
  visits: VisitPolicy;
  /** Certificate number shapes per tier (`number-formats.ts`). */
  certificateFormats: Record<CertifiedTier, string>;
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

/** Reads and validates the environment once at start; every bad variable gets its own message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaultRole: ProcessRole = 'all'): AppConfig {
  const problems: string[] = [];
  const database = parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL, problems);
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push(`REDIS_URL: expected redis://…, got "${redisUrl}"`);
  const embedded = database.kind === 'sqlite';
  // On SQLite one process runs the API and the jobs (README), so an exported REDIS_URL does not turn `npm start`
  // into an API that nobody's worker serves.
  const role = (env.PROCESS_ROLE || (embedded ? 'all' : defaultRole)) as ProcessRole;
  if (!['api', 'worker', 'all'].includes(role))
    problems.push(`PROCESS_ROLE: expected api, worker or all, got "${role}"`);
  else if (role !== 'all' && !redisUrl)
    problems.push('PROCESS_ROLE: api and worker run as separate processes only with REDIS_URL');
  else if (role !== 'all' && embedded)
    problems.push('PROCESS_ROLE: api and worker run as separate processes only on PostgreSQL (one process on SQLite)');
  let jwtSecret = env.JWT_SECRET || '';
  if (jwtSecret && jwtSecret.length < 32) problems.push('JWT_SECRET: must be at least 32 characters');
  if (!jwtSecret && !embedded) problems.push('JWT_SECRET: required when DATABASE_URL is not SQLite');
  const jwtExpiresIn = env.JWT_EXPIRES_IN || '8h';
  if (!/^\d+[smhd]?$/.test(jwtExpiresIn) || /^0+[smhd]?$/.test(jwtExpiresIn))
    problems.push(`JWT_EXPIRES_IN: expected e.g. 3600, 15m, 8h or 7d, got "${jwtExpiresIn}"`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}`);
  const config: AppConfig = {
    port: readInteger(env, 'PORT', 3000, 0, 65535, problems),
    database,
    redisUrl,
    role,
    jwtSecret: '',
    jwtExpiresIn,
    bootstrapAdminPassword: env.BOOTSTRAP_ADMIN_PASSWORD || null,
    logLevel,
    uploadDir: resolve(env.UPLOAD_DIR || './data/uploads'),
    loginThrottle: {
      maxFailures: readInteger(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000, problems),
      windowSeconds: readInteger(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400, problems),
    },
    outboxPollMs: readInteger(env, 'OUTBOX_POLL_MS', 500, 10, 60000, problems),
    queuePrefix: env.QUEUE_PREFIX || 'cultivation',
    queueLockMs: readInteger(env, 'QUEUE_LOCK_MS', 30000, 1000, 3600000, problems),
    embedded,
    heapGrowingPercent: readInteger(env, 'HEAP_GROWING_PERCENT', 50, 0, 400, problems),
    apiProcesses: readInteger(env, 'API_PROCESSES', 1, 1, 64, problems),
    workerConcurrency: readInteger(env, 'WORKER_CONCURRENCY', 4, 1, 64, problems),
    trustProxy: readText(env, 'TRUST_PROXY', 'false', /^(true|false)$/, 'true or false', problems) === 'true',
    procedure: applicationSettings(env, problems),
    visits: visitPolicy(env, problems),
    certificateFormats: numberFormats(env, problems),
  };
  if (config.apiProcesses > 1 && role === 'all')
    problems.push(
      'API_PROCESSES: more than one API process needs PostgreSQL and REDIS_URL (the embedded default is one process)',
    );
  if (problems.length) throw new ConfigError(problems);
  if (!jwtSecret) jwtSecret = embeddedJwtSecret(database);
  config.jwtSecret = jwtSecret;
  return config;
}
