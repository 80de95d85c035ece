import { bootTestApp, TestApp } from '../helpers/test-app';
import { auditRows, ownDatabase, settle } from './db';
import { fillPath, RouteInfo } from './routes';
import { ActorName, actorsFor, bodyTemplate, buildWorld, pool, queryTemplate, World } from './world';

/**
 * The audit log is append-only through the API: every route (from the router), fired with audit ids in every path
 * parameter and in every id-shaped body field, and with bodies that name audit columns, leaves each existing audit row
 * exactly as it was. New rows may appear (the accepted requests are audited); none changes or disappears.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withIds(value: unknown, id: string): unknown {
  if (typeof value === 'string') return UUID.test(value) ? id : value;
  if (Array.isArray(value)) return value.map((v) => withIds(v, id));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withIds(v, id)]));
  return value;
}

describe('the audit log cannot be changed through any route', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await bootTestApp(await ownDatabase('audit'));
    w = await buildWorld(t);
  }, 120_000);
  afterAll(() => t?.close());

  it('keeps every existing audit row identical after mutating requests aimed at audit ids, on every route', async () => {
    await settle(t);
    const before = await auditRows(t);
    expect(before.size).toBeGreaterThan(10);
    const ids = [...before.keys()];
    // Rows about enterprise A and its application, and the first and last rows written.
    const targets = [
      ...new Set([
        ...[...before.values()].filter((r) => r.entity_id === w.a.enterpriseId).map((r) => String(r.id)),
        ...[...before.values()].filter((r) => r.entity_id === w.a.applicationId).map((r) => String(r.id)),
        ids[0],
        ids[ids.length - 1],
      ]),
    ].slice(0, 4);
    const tamper = (id: string) => ({
      id,
      auditId: id,
      entityType: 'audit',
      entityId: id,
      event: 'TAMPERED',
      from: 'x',
      to: 'y',
      actorId: null,
      at: '2000-01-01T00:00:00Z',
      payload: { tampered: true },
    });

    const requests: { route: string; method: string; url: string; body: unknown; actor: ActorName }[] = [];
    const add = (route: RouteInfo, url: string, body: unknown) => {
      for (const actor of new Set<ActorName>(['admin', ...actorsFor(route)]))
        requests.push({ route: route.key, method: route.method, url, body, actor });
    };
    for (const route of w.routes) {
      const extra: Record<string, string> = route.method === 'GET' ? {} : { auditId: targets[0] };
      const query = new URLSearchParams({ ...queryTemplate(w, route), ...extra }).toString();
      const template = bodyTemplate(w, route);
      for (const id of targets) {
        const all = Object.fromEntries(route.params.map((p) => [p, id]));
        const url = fillPath(route.path, all) + `?${query}`;
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : withIds(template, id);
        add(route, url, body);
        if (body !== undefined) add(route, url, { ...(body as object), ...tamper(id) });
      }
    }
    // The obvious attempts, on the audit resource itself and through method overrides.
    for (const id of targets)
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
        for (const url of [`/api/audit/${id}`, '/api/audit', `/api/audit?id=${id}`, `/api/audit/${id}/events`])
          for (const actor of ['admin', 'manager'] as ActorName[])
            requests.push({
              route: `${method} ${url.replace(id, ':id')}`,
              method,
              url,
              body: method === 'DELETE' ? undefined : tamper(id),
              actor,
            });

    const statuses: Record<string, Record<number, number>> = {};
    const serverErrors: string[] = [];
    await pool(requests, 8, async (r) => {
      const headers: Record<string, string> = r.route.startsWith('GET') ? { 'x-http-method-override': 'DELETE' } : {};
      const res = await t.http.request(r.method, r.url, r.body, w.actors[r.actor].token, headers);
      (statuses[r.route] ??= {})[res.statusCode] = (statuses[r.route][res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500) serverErrors.push(`${r.method} ${r.url}: ${res.body}`);
    });
    await settle(t);

    const after = await auditRows(t);
    const changed = ids.filter((id) => JSON.stringify(after.get(id)) !== JSON.stringify(before.get(id)));
    const direct = Object.entries(statuses).filter(([k]) => k.includes('/api/audit'));
    console.log(
      `audit immutability: ${requests.length} requests over ${w.routes.length} routes with ${targets.length} audit ids; ` +
        `${before.size} rows before, ${after.size - before.size} appended, ${changed.length} changed or removed\n` +
        direct.map(([k, s]) => `  ${k}: ${JSON.stringify(s)}`).join('\n'),
    );
    expect(serverErrors).toEqual([]);
    expect(changed.map((id) => ({ before: before.get(id), after: after.get(id) }))).toEqual([]);
    expect(after.size).toBeGreaterThanOrEqual(before.size);
    // Nothing but GET exists under /api/audit.
    for (const [key, s] of direct) if (!key.startsWith('GET')) expect(Object.keys(s)).toEqual(['404']);
  }, 120_000);
});
