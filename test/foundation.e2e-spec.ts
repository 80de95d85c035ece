import { JwtService } from '@nestjs/jwt';
import { hash } from 'argon2';
import { DataSource } from 'typeorm';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../src/auth/auth.decorators';
import { bootTestApp, TestApp, unique, userWithToken } from './helpers/test-app';

describe('foundation: service, auth, users, audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(() => t.close());

  it('serves /health with the database status, and OpenAPI at /docs and /docs-json', async () => {
    const health = await t.http.get('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
    if (t.config.redisUrl) expect(health.json().redis.status).toBe('up');
    expect((await t.http.get('/docs')).statusCode).toBe(200);
    const spec = (await t.http.get('/docs-json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/users', '/api/audit']));
  });

  it('signs in, answers /api/me, and refuses wrong passwords with 401', async () => {
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'finance', displayName: '王专家' });
    const me = await t.http.get('/api/me', reviewer.token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: reviewer.username, role: 'reviewer', expertise: 'finance' });
    expect(me.json().passwordHash).toBeUndefined();
    const wrong = await t.http.post('/api/auth/login', { username: reviewer.username, password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    const unknown = await t.http.post('/api/auth/login', { username: 'nobody-here', password: 'whatever-it-is' });
    expect(unknown.statusCode).toBe(401);
  });

  it('stores argon2id hashes at the OWASP parameters and rewrites an older hash at the next successful login', async () => {
    const user = await userWithToken(t, 'caseworker');
    const stored = async () =>
      (await t.app.get(DataSource).query(`SELECT password_hash AS h FROM users WHERE id = '${user.id}'`))[0]
        .h as string;
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // A hash from before (the library's defaults) still signs in, and is replaced by one with today's parameters.
    const old = await hash('password-' + user.username);
    await t.app.get(DataSource).query(`UPDATE users SET password_hash = '${old}' WHERE id = '${user.id}'`);
    const wrong = await t.http.post('/api/auth/login', { username: user.username, password: 'not-it-at-all' });
    expect(wrong.statusCode).toBe(401);
    expect(await stored()).toBe(old);
    const login = await t.http.post('/api/auth/login', {
      username: user.username,
      password: 'password-' + user.username,
    });
    expect(login.statusCode).toBe(200);
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await t.http.get('/api/me', login.json().accessToken)).statusCode).toBe(200);
  });

  it('throttles repeated failed sign-ins per username and address, and does not count successes', async () => {
    const user = await userWithToken(t, 'caseworker');
    const good = { username: user.username, password: 'password-' + user.username };
    for (let i = 0; i < 5; i++) expect((await t.http.post('/api/auth/login', good)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await t.http.post('/api/auth/login', { ...good, password: 'wrong-one' })).statusCode).toBe(401);
    const throttled = await t.http.post('/api/auth/login', good);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('LOGIN_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('checks no more passwords than the limit when wrong sign-ins arrive at once', async () => {
    const user = await userWithToken(t, 'caseworker');
    const statuses = (
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http.post('/api/auth/login', { username: user.username, password: `wrong-${i}` }),
        ),
      )
    ).map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(t.config.loginThrottle.maxFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - t.config.loginThrottle.maxFailures);
  });

  it('answers 401 to missing, malformed, expired and foreign-key tokens', async () => {
    const jwt = new JwtService({});
    const claims = { sub: 'x', username: 'admin', role: 'admin', enterpriseId: null, expertise: null };
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { secret: t.config.jwtSecret });
    const foreign = jwt.sign(claims, { secret: 'another-secret-another-secret-another-secret' });
    for (const token of [undefined, 'garbage', expired, foreign]) {
      const res = await t.http.get('/api/users', token);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets only admins create and list users, validating every field', async () => {
    const manager = await userWithToken(t, 'manager');
    const denied = await t.http.post(
      '/api/users',
      { username: unique('x'), password: 'long-enough-pw', role: 'caseworker' },
      manager.token,
    );
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_NOT_ALLOWED');
    const bad = await t.http.post(
      '/api/users',
      { username: 'a', password: 'short', role: 'king', extra: 1 },
      t.adminToken,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect(
      bad
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['extra', 'password', 'role', 'username']);
    const reviewer = await t.http.post(
      '/api/users',
      { username: unique('r'), password: 'long-enough-pw', role: 'reviewer' },
      t.adminToken,
    );
    expect(reviewer.json().fields).toEqual([expect.objectContaining({ field: 'expertise' })]);
    const enterprise = await t.http.post(
      '/api/users',
      { username: unique('e'), password: 'long-enough-pw', role: 'enterprise' },
      t.adminToken,
    );
    expect(enterprise.json().fields).toEqual([expect.objectContaining({ field: 'enterpriseId' })]);
    const ghost = await t.http.post(
      '/api/users',
      {
        username: unique('e'),
        password: 'long-enough-pw',
        role: 'enterprise',
        enterpriseId: '00000000-0000-4000-8000-000000000000',
      },
      t.adminToken,
    );
    expect(ghost.statusCode).toBe(400);
    const name = unique('dup');
    expect(
      (await t.http.post('/api/users', { username: name, password: 'long-enough-pw', role: 'manager' }, t.adminToken))
        .statusCode,
    ).toBe(201);
    const dup = await t.http.post(
      '/api/users',
      { username: name, password: 'long-enough-pw', role: 'manager' },
      t.adminToken,
    );
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('USERNAME_TAKEN');
    // The same name in other case is the same name: no look-alike `ADMIN` beside `admin`.
    for (const username of [name.toUpperCase(), 'ADMIN']) {
      const lookalike = await t.http.post(
        '/api/users',
        { username, password: 'long-enough-pw', role: 'manager' },
        t.adminToken,
      );
      expect(lookalike.statusCode).toBe(409);
      expect(lookalike.json().code).toBe('USERNAME_TAKEN');
    }
    // Sign-in finds the one user whatever the case typed.
    const signIn = await t.http.post('/api/auth/login', { username: name.toUpperCase(), password: 'long-enough-pw' });
    expect(signIn.statusCode).toBe(200);
    const me = await t.http.get('/api/me', signIn.json().accessToken);
    expect(me.json().username).toBe(name);
    const list = await t.http.get('/api/users?role=manager&pageSize=100', t.adminToken);
    expect(list.json().items.every((u: { role: string }) => u.role === 'manager')).toBe(true);
    expect(list.json().total).toBeGreaterThanOrEqual(2);
  });

  it('keeps an append-only audit log readable by admins and managers only', async () => {
    const created = await userWithToken(t, 'caseworker');
    const audit = await t.http.get(`/api/audit?entityType=user&entityId=${created.id}`, t.adminToken);
    expect(audit.statusCode).toBe(200);
    expect(audit.json()).toMatchObject({
      total: 1,
      items: [{ entityType: 'user', entityId: created.id, event: 'CREATED' }],
    });
    expect(audit.json().items[0].payload.passwordHash).toBeUndefined();
    // Who acted, by name: the bootstrap admin created the user.
    expect(audit.json().items[0].actor).toEqual({ username: 'admin', displayName: 'Administrator' });
    expect((await t.http.get('/api/audit', created.token)).statusCode).toBe(403);
    const id = audit.json().items[0].id;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await t.http.request(
        method,
        `/api/audit/${id}`,
        method === 'DELETE' ? undefined : { event: 'X' },
        t.adminToken,
      );
      expect(res.statusCode).toBe(404);
    }
    expect(
      (await t.http.get(`/api/audit?entityType=user&entityId=${created.id}`, t.adminToken)).json().items[0].event,
    ).toBe('CREATED');
  });

  it('maps bad JSON and unknown routes to 4xx with a code, never a 500', async () => {
    const bad = await t.http.request('POST', '/api/auth/login', '{"username":', undefined);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBeDefined();
    const missing = await t.http.get('/api/nothing-here', t.adminToken);
    expect(missing.statusCode).toBe(404);
  });

  it('declares who may call every route (deny by default)', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const undecorated: string[] = [];
    for (const wrapper of discovery.getControllers()) {
      const proto = Object.getPrototypeOf(wrapper.instance);
      for (const name of scanner.getAllMethodNames(proto)) {
        const targets = [proto[name], wrapper.metatype as never];
        const open = reflector.getAllAndOverride(PUBLIC_KEY, targets);
        const roles = reflector.getAllAndOverride<string[]>(ROLES_KEY, targets);
        if (!open && !roles?.length) undecorated.push(`${wrapper.name}.${name}`);
      }
    }
    expect(undecorated).toEqual([]);
  });
});
