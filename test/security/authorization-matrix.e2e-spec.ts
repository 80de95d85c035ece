import { JwtService } from '@nestjs/jwt';
import { bootTestApp, TestApp } from '../helpers/test-app';
import { ownDatabase } from './db';
import { enumerateRoutes, fastifyRoutes, isDocsRoute, RouteInfo } from './routes';
import { ACTORS, aIds, buildWorld, plausibleRequest, pool, ROLE_OF, World } from './world';

/**
 * Every route the router serves × every role, plus an enterprise user of another enterprise: nobody outside a route's
 * @Roles gets a 2xx, and enterprise B never gets a 2xx on enterprise A's records. Routes come from Nest's metadata and
 * are checked against Fastify's own table, so a new route is tested the day it is added.
 */
/** The guard's own refusal (services may refuse a role for one action with the same code and their own message). */
const isGuardRefusal = (body: { code?: string; message?: string }) =>
  body.code === 'ROUTE_NOT_ALLOWED' ||
  (body.code === 'ROLE_NOT_ALLOWED' && /may not do this$/.test(body.message ?? ''));

describe('authorisation matrix: every route × every role', () => {
  let t: TestApp;
  let w: World;
  let routes: RouteInfo[];
  beforeAll(async () => {
    t = await bootTestApp(await ownDatabase('authz'));
    w = await buildWorld(t);
    routes = w.routes;
  }, 120_000);
  afterAll(() => t?.close());

  it('enumerates every route from the router: the controllers declare exactly what Fastify serves under /api', () => {
    const declared = new Set(enumerateRoutes(t.app).map((r) => r.key));
    const served = fastifyRoutes(t.app);
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    expect([...declared].filter((key) => !servedKeys.has(key))).toEqual([]);
    // Beyond the controllers Fastify serves only static content (Swagger UI, the web console's files): read-only, and
    // never under /api or /health, so no route there can escape the guard.
    const undeclared = served.filter((r) => !declared.has(`${r.method} ${r.path}`));
    expect(undeclared.filter((r) => r.method !== 'GET' || /^\/(api|health)(\/|$)/.test(r.path))).toEqual([]);
    console.log(
      `routes: ${declared.size} declared by controllers = served by Fastify; ` +
        `${undeclared.filter((r) => isDocsRoute(r.path)).length} docs and ` +
        `${undeclared.filter((r) => !isDocsRoute(r.path)).length} other static GET routes outside /api`,
    );
    expect(declared.size).toBeGreaterThan(40);
    // Deny by default holds: a route is open, or names its roles.
    expect(routes.filter((r) => !r.isPublic && !r.roles.length).map((r) => r.key)).toEqual([]);
    expect(routes.filter((r) => r.isPublic).map((r) => r.key)).toEqual(['GET /health', 'POST /api/auth/login']);
  });

  it('lets no role outside @Roles through, and no other enterprise into A’s records', async () => {
    const violations: string[] = [];
    const table: string[] = [];
    const ownedOfA = aIds(w);
    let requests = 0;
    // Writes last, so the reads see A's records as built; the actors of one route fire together.
    const ordered = [...routes.filter((r) => r.method === 'GET'), ...routes.filter((r) => r.method !== 'GET')];
    await pool(
      ordered.filter((r) => !r.isPublic),
      6,
      async (route) => {
        const cells = await Promise.all(
          ACTORS.map(async (actor) => {
            const { values, body, reply } = plausibleRequest(w, route, w.actors[actor].token);
            const res = await reply;
            requests++;
            const allowed = route.roles.includes(ROLE_OF[actor]) && actor !== 'enterpriseB';
            const touchesA =
              Object.values(values).some((v) => ownedOfA.has(v)) ||
              JSON.stringify(body ?? {}).includes(w.a.enterpriseId);
            const ok = res.statusCode >= 200 && res.statusCode < 300;
            if (actor === 'enterpriseB') {
              if (ok && !route.roles.includes('enterprise'))
                violations.push(`${route.key}: enterprise B (role not allowed) got ${res.statusCode}`);
              else if (ok && touchesA)
                violations.push(`${route.key}: enterprise B got ${res.statusCode} on A's records: ${res.body}`);
              else if (route.ownedBy && touchesA && route.roles.includes('enterprise') && res.statusCode !== 404)
                violations.push(`${route.key}: enterprise B should get 404 on A's ${route.ownedBy.resource}`);
            } else if (!allowed && ok) violations.push(`${route.key}: ${actor} (not in @Roles) got ${res.statusCode}`);
            else if (!allowed && res.statusCode !== 403)
              violations.push(`${route.key}: ${actor} (not in @Roles) got ${res.statusCode}, expected 403`);
            else if (allowed && res.statusCode === 403 && isGuardRefusal(res.json()))
              violations.push(`${route.key}: ${actor} is in @Roles but was refused: ${res.body}`);
            if (res.statusCode >= 500) violations.push(`${route.key}: ${actor} got ${res.statusCode}: ${res.body}`);
            return res.statusCode;
          }),
        );
        const roles = route.roles.map((r) => r.slice(0, 3)).join(',');
        table.push(
          `${route.key.padEnd(62)} ${roles.padEnd(23)} ${(route.ownedBy ? 'own:' + route.ownedBy.resource : '').padEnd(16)} ` +
            cells.map((c) => String(c).padStart(4)).join(''),
        );
      },
    );
    table.sort();
    console.log(
      `authorisation matrix: ${routes.length} routes (${routes.filter((r) => !r.isPublic).length} guarded), ` +
        `${requests} requests, ${violations.length} violations\n` +
        `${'route'.padEnd(62)} ${'@Roles'.padEnd(23)} ${'@OwnedBy'.padEnd(16)} ` +
        ACTORS.map(
          (a) => ({ enterpriseA: ' entA', enterpriseB: ' entB' })[a as string] ?? a.slice(0, 4).padStart(5),
        ).join('') +
        '\n' +
        table.join('\n'),
    );
    expect(violations).toEqual([]);
  }, 120_000);

  it('answers 401 without a token, and to expired, malformed, tampered and foreign-key tokens, on every guarded route', async () => {
    const jwt = new JwtService({});
    const claims = { sub: w.actors.manager.id, username: w.actors.manager.username, role: 'admin', enterpriseId: null };
    const secret = t.config.jwtSecret;
    const [header, payload, signature] = w.actors.manager.token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    const none = (p: object) =>
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.`;
    const bad: Record<string, Record<string, string>> = {
      'no token': {},
      malformed: { authorization: 'Bearer garbage' },
      'empty bearer': { authorization: 'Bearer ' },
      'basic scheme': { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` },
      'token without scheme': { authorization: w.actors.admin.token },
      expired: {
        authorization: `Bearer ${jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { secret })}`,
      },
      'not yet valid': {
        authorization: `Bearer ${jwt.sign({ ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 }, { secret })}`,
      },
      'foreign key': {
        authorization: `Bearer ${jwt.sign(claims, { secret: 'another-secret-another-secret-another-secret' })}`,
      },
      'alg none': { authorization: `Bearer ${none({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}` },
      'tampered payload': { authorization: `Bearer ${header}.${forged}.${signature}` },
      'truncated signature': { authorization: `Bearer ${w.actors.admin.token.slice(0, -4)}` },
    };
    const guarded = routes.filter((r) => !r.isPublic);
    const failures: string[] = [];
    const perKind: Record<string, number> = {};
    await pool(
      guarded.flatMap((route) => Object.entries(bad).map(([kind, headers]) => ({ route, kind, headers }))),
      16,
      async ({ route, kind, headers }) => {
        const res = await plausibleRequest(w, route, undefined, headers).reply;
        perKind[kind] = (perKind[kind] ?? 0) + 1;
        if (res.statusCode !== 401 || res.json().code !== 'UNAUTHENTICATED')
          failures.push(`${route.key} with ${kind}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      },
    );
    console.log(
      `401 checks on ${guarded.length} guarded routes: ` +
        Object.entries(perKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
    );
    expect(failures).toEqual([]);
  }, 60_000);

  it('keeps the public routes public, and a valid token of a role that does not exist gets nothing', async () => {
    expect((await t.http.get('/health')).statusCode).toBe(200);
    const jwt = new JwtService({});
    // Signed with the real secret for a real, current account, but naming a role that does not exist.
    const admin = (await t.http.get('/api/me', t.adminToken)).json();
    const ghost = jwt.sign(
      { sub: admin.id, username: 'ghost', role: 'superuser', enterpriseId: null, expertise: null, ver: admin.version },
      { secret: t.config.jwtSecret },
    );
    // A token for no account at all is not a session.
    const nobody = jwt.sign(
      { sub: 'ghost', username: 'ghost', role: 'admin', enterpriseId: null, expertise: null, ver: 1 },
      { secret: t.config.jwtSecret },
    );
    expect((await t.http.get('/api/me', nobody)).json().code).toBe('SESSION_ENDED');
    const guarded = routes.filter((r) => !r.isPublic);
    const results = await pool(
      guarded,
      16,
      async (route) => (await plausibleRequest(w, route, ghost).reply).statusCode,
    );
    expect(results.filter((s) => s < 300 || s >= 500)).toEqual([]);
    expect(new Set(results)).toEqual(new Set([403]));
  });
});
