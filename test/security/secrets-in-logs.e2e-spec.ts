import { Controller, Module, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Public } from '../../src/auth/auth.decorators';
import { createPino } from '../../src/common/pino-logger';
import { ADMIN_PASSWORD, bootTestApp, TestApp, unique } from '../helpers/test-app';
import { ownDatabase } from './db';

/** A route that fails with an unexpected error, so the 500 path (which logs the error) is exercised too. */
@Controller('test-only')
class FailingController {
  @Post('boom')
  @Public()
  boom() {
    throw new Error('unexpected failure in a handler');
  }
}
@Module({ controllers: [FailingController] })
class FailingModule {}

/** Captures every JSON log line the app writes. */
class Capture {
  readonly lines: string[] = [];
  write(chunk: string) {
    this.lines.push(chunk);
  }
  get text() {
    return this.lines.join('');
  }
}

/**
 * A run at LOG_LEVEL=info with sign-ins (good and bad), user creation, token use and failing requests: the captured log
 * holds no password, no issued token, no JWT secret and no authorization header value.
 */
describe('secrets never appear in the logs', () => {
  let t: TestApp;
  const capture = new Capture();
  const jwtSecret = `log-test-secret-${randomUUID()}`;
  beforeAll(async () => {
    t = await bootTestApp(
      { ...(await ownDatabase('logs')), LOG_LEVEL: 'info', JWT_SECRET: jwtSecret },
      [FailingModule],
      { logDestination: capture },
    );
  });
  afterAll(() => t?.close());

  it('logs requests, but none of the secrets they carried', async () => {
    const secrets: string[] = [ADMIN_PASSWORD, jwtSecret];
    const tokens: string[] = [t.adminToken];
    const username = unique('logged');
    const password = `Log-secret-${randomUUID()}`;
    secrets.push(password);
    expect((await t.http.post('/api/users', { username, password, role: 'caseworker' }, t.adminToken)).statusCode).toBe(
      201,
    );
    const login = await t.http.post('/api/auth/login', { username, password });
    expect(login.statusCode).toBe(200);
    tokens.push(login.json().accessToken);
    const wrong = `Wrong-secret-${randomUUID()}`;
    secrets.push(wrong);
    expect((await t.http.post('/api/auth/login', { username, password: wrong })).statusCode).toBe(401);
    expect((await t.http.post('/api/auth/login', { username: 'nobody-at-all', password: wrong })).statusCode).toBe(401);
    expect((await t.http.get('/api/me', login.json().accessToken)).statusCode).toBe(200);
    expect((await t.http.get('/api/enterprises', login.json().accessToken)).statusCode).toBe(200);
    // Failing requests: refused token, refused role, bad body, malformed JSON, unknown route, an internal error.
    const tampered = login.json().accessToken.slice(0, -3) + 'abc';
    tokens.push(tampered);
    expect((await t.http.get('/api/me', tampered)).statusCode).toBe(401);
    expect((await t.http.get('/api/users', login.json().accessToken)).statusCode).toBe(403);
    const weak = `weakweak${Date.now()}`;
    secrets.push(weak);
    expect(
      (await t.http.post('/api/users', { username: unique('w'), password: weak, role: 'x' }, t.adminToken)).statusCode,
    ).toBe(400);
    const broken = `Broken-secret-${randomUUID()}`;
    secrets.push(broken);
    expect(
      (await t.http.request('POST', '/api/auth/login', `{"username":"admin","password":"${broken}"`)).statusCode,
    ).toBe(400);
    expect((await t.http.get('/api/nothing-here', t.adminToken)).statusCode).toBe(404);
    const boom = await t.http.request('POST', '/test-only/boom', { password }, t.adminToken, {
      cookie: `session=${password}`,
    });
    expect(boom.statusCode).toBe(500);

    const log = capture.text;
    // The capture works: request lines and the 500 are there, with request ids.
    expect(capture.lines.length).toBeGreaterThan(20);
    expect(log).toContain(boom.json().requestId);
    expect(log).toContain('unexpected failure in a handler');
    for (const secret of secrets) expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
    for (const token of tokens) {
      expect(log.includes(token)).toBe(false);
      expect(log.includes(token.split('.')[2])).toBe(false); // not even the signature
    }
    expect(log).not.toMatch(/Bearer\s+[A-Za-z0-9_-]+\./);
    expect(log.toLowerCase()).not.toMatch(/"authorization"\s*:\s*"(?!\[redacted\])/);
  });

  it('redacts credentials if a log call ever carries them', () => {
    const out = new Capture();
    const logger = createPino('info', out);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=xyz' } },
        body: { username: 'u', password: 'hunter2-hunter2' },
        password: 'top-level-secret',
        accessToken: 'token-value',
        config: { jwtSecret: 'the-secret-value' },
      },
      'careless log call',
    );
    expect(out.text).toContain('careless log call');
    for (const secret of [
      'abc.def.ghi',
      'session=xyz',
      'hunter2-hunter2',
      'top-level-secret',
      'token-value',
      'the-secret-value',
    ])
      expect(out.text).not.toContain(secret);
  });
});
