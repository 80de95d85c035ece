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
    ])
      expect(text).toContain(name);
  });

  it('requires JWT_SECRET outside the embedded default, and Redis for split api/worker processes', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db' })).toThrow(/JWT_SECRET: required/);
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', PROCESS_ROLE: 'worker' })).toThrow(
      /only with REDIS_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'sqlite::memory:', API_PROCESSES: '2' })).toThrow(
      /API_PROCESSES: more than one API process needs REDIS_URL/,
    );
    const pg = { DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: 'y'.repeat(40), REDIS_URL: 'redis://h:6379/2' };
    expect(loadConfig({ ...pg, API_PROCESSES: '4' }, 'api').apiProcesses).toBe(4);
  });
});
