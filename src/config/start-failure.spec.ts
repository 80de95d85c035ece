import { ConfigError } from './app-config';
import { startFailure } from './start-failure';

describe('startFailure', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('gives a configuration error its own messages and a server or credential error one line', () => {
    expect(startFailure(new ConfigError(['PORT: bad']))).toContain('PORT: bad');
    expect(startFailure(withCode('database "x" does not exist', '3D000'))).toMatch(/^Cannot start: .*\(3D000\)/);
    expect(startFailure(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toMatch(/DATABASE_URL/);
  });

  it('keeps any other error whole, with its stack: a failed migration or a bug is not a connection problem', () => {
    const migration = withCode('duplicate key value violates unique constraint', '23505');
    expect(startFailure(migration)).toBe(migration);
    const bug = withCode('The "path" argument must be of type string', 'ERR_INVALID_ARG_TYPE');
    expect(startFailure(bug)).toBe(bug);
  });
});
