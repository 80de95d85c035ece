import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite file, the in-process runner and port 3000', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) });
    expect(config).toMatchObject({ port: 3000, embedded: true, redisUrl: null, role: 'all', jwtExpiresIn: '8h' });
    expect(config.heapGrowingPercent).toBe(50);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(config.database).toEqual({ kind: 'sqlite', path: expect.stringMatching(/data\/cultivation\.sqlite$/) });
  });

  it('accepts postgres, sqlite paths and memory', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({ kind: 'sqlite', path: ':memory:' });
    const pg = loadConfig(
      { DATABASE_URL: 'postgres://u@h:5432/db', JWT_SECRET: 'y'.repeat(40), REDIS_URL: 'redis://h:6379/2' },
      'api',
    );
    expect(pg).toMatchObject({
      database: { kind: 'postgres', url: 'postgres://u@h:5432/db' },
      redisUrl: 'redis://h:6379/2',
      role: 'api',
      embedded: false,
    });
  });

  it('names every bad variable in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        PORT: 'eighty',
        REDIS_URL: 'http://x',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
        PROCESS_ROLE: 'boss',
        HEAP_GROWING_PERCENT: '-5',
        WORKER_CONCURRENCY: 'abc',
        JWT_EXPIRES_IN: '0',
        CERT_FORMAT_HIGH_TECH: 'GR(',
        DEADLINE_REVIEW_DAYS: '20d',
        NOTICE_WORKING_DAYS: '0',
        LEADER_PANEL_SIZE: '0',
        VISIT_DUE_DAYS: 'soon',
        CERT_DIVISION_CODE: '3501',
        TRUST_PROXY: 'yes',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    for (const name of [
      'DATABASE_URL',
      'PORT',
      'REDIS_URL',
      'JWT_SECRET',
      'LOG_LEVEL',
      'PROCESS_ROLE',
      'HEAP_GROWING_PERCENT',
      'WORKER_CONCURRENCY',
      'JWT_EXPIRES_IN',
      'CERT_FORMAT_HIGH_TECH',
      'DEADLINE_REVIEW_DAYS',
      'NOTICE_WORKING_DAYS',
      'LEADER_PANEL_SIZE',
      'VISIT_DUE_DAYS',
      'CERT_DIVISION_CODE',
      'TRUST_PROXY',
    ])
      expect(text).toContain(name);
  });

  it('requires JWT_SECRET outside the embedded default, and Redis for split api/worker processes', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db' })).toThrow(/JWT_SECRET: required/);
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', PROCESS_ROLE: 'worker' })).toThrow(
      /only with REDIS_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', API_PROCESSES: '2' })).toThrow(
      /API_PROCESSES: more than one API process needs PostgreSQL and REDIS_URL/,
    );
    // On SQLite one process does everything: an exported REDIS_URL does not make `npm start` an API without jobs.
    const sqliteRedis = { DATABASE_URL: 'sqlite::memory:', REDIS_URL: 'redis://h:6379/2' };
    expect(loadConfig(sqliteRedis, 'api').role).toBe('all');
    expect(() => loadConfig({ ...sqliteRedis, PROCESS_ROLE: 'api' })).toThrow(/separate processes only on PostgreSQL/);
    expect(() => loadConfig({ ...sqliteRedis, API_PROCESSES: '2' }, 'api')).toThrow(/API_PROCESSES/);
    const pg = { DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: 'y'.repeat(40), REDIS_URL: 'redis://h:6379/2' };
    expect(loadConfig({ ...pg, API_PROCESSES: '4' }, 'api').apiProcesses).toBe(4);
  });

  it('reads the feature settings once, with their defaults, into the config the modules are given', () => {
    const defaults = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
    expect(defaults.procedure).toMatchObject({ acceptanceDays: 5, reviewDays: 15, noticeDays: 10, provinceCode: '35' });
    expect(defaults.procedure.panel.leader).toMatchObject({ size: 5, minFinance: 1 });
    expect(defaults.visits).toEqual({ maxEmployees: 300, dueWithinDays: 30 });
    expect(defaults.certificateFormats.high_tech).toMatch(/^\^GR/);
    expect(defaults.trustProxy).toBe(false);
    const set = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      DEADLINE_ACCEPTANCE_DAYS: '3',
      LEADER_PANEL_SIZE: '7',
      LEADER_PANEL_MIN_FINANCE: '2',
      REQUIRED_DOCUMENTS_HIGH_TECH: 'audit_report, ip_list',
      CERT_DIVISION_CODE: '350200',
      VISIT_DUE_DAYS: '10',
      CERT_FORMAT_LEADER: '^LJ-\\d+$',
      TRUST_PROXY: 'true',
    });
    expect(set.procedure).toMatchObject({ acceptanceDays: 3, divisionCode: '350200' });
    expect(set.procedure.panel.leader).toMatchObject({ size: 7, minFinance: 2 });
    expect(set.procedure.requiredDocuments.high_tech).toEqual(['audit_report', 'ip_list']);
    expect(set.visits.dueWithinDays).toBe(10);
    expect(set.certificateFormats.leader).toBe('^LJ-\\d+$');
    expect(set.trustProxy).toBe(true);
  });

  it('keeps the embedded JWT secret beside the database, and replaces a file cut short instead of trusting it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec-config-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` };
    const first = loadConfig(env).jwtSecret;
    expect(first).toHaveLength(64);
    expect(loadConfig(env).jwtSecret).toBe(first);
    writeFileSync(join(dir, 'jwt-secret'), '');
    const replaced = loadConfig(env).jwtSecret;
    expect(replaced).toHaveLength(64);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(replaced);
    expect(loadConfig({ ...env, WORKER_CONCURRENCY: '8' }).workerConcurrency).toBe(8);
  });
});
