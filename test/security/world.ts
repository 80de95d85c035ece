import { randomUUID } from 'node:crypto';
import { chinaToday } from '../../src/grading/dto/grading-facts.dto';
import { applicant } from '../helpers/applications';
import { EXAMPLE_FACTS, EXAMPLE_FILINGS } from '../helpers/domain-example';
import { createEnterprise, freshUscc } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { Reply, TestApp, unique, userWithToken } from '../helpers/test-app';
import { enumerateRoutes, fillPath, RouteInfo } from './routes';

/**
 * The people and records the security tests act on: one user per role, enterprise A with its indicators, an
 * application, an attachment, a certification, a pending revocation and an import job, and an enterprise B whose user
 * must never reach A's records.
 */
export const ACTORS = ['admin', 'manager', 'caseworker', 'reviewer', 'enterpriseA', 'enterpriseB'] as const;
export type ActorName = (typeof ACTORS)[number];
export const ROLE_OF: Record<ActorName, string> = {
  admin: 'admin',
  manager: 'manager',
  caseworker: 'caseworker',
  reviewer: 'reviewer',
  enterpriseA: 'enterprise',
  enterpriseB: 'enterprise',
};

export interface Person {
  id: string;
  token: string;
  username: string;
}

export interface World {
  t: TestApp;
  routes: RouteInfo[];
  actors: Record<ActorName, Person>;
  /** Enterprise A's records (ids every route with a path parameter is filled with where it can be). */
  a: {
    enterpriseId: string;
    applicationId: string;
    attachmentId: string;
    certificationId: string;
    revocationId: string;
  };
  b: { enterpriseId: string };
  importJobId: string;
  /** Route keys whose handler reads a multipart upload instead of a JSON body. */
  multipart: Set<string>;
  spec: OpenApi;
}

type Schema = Record<string, any>;
interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: any; parameters?: any[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

export const today = chinaToday();
export const year = Number(today.slice(0, 4));
let serial = 1_000_000 + Math.floor(Math.random() * 1_000_000);
export const techSmeNumber = (y = year) => `${y}350100A${String(serial++).padStart(7, '0')}`;

/** A multipart/form-data body with one part (field `file` unless told). */
export function multipartBody(filename: string, content: Buffer, field = 'file', contentType = 'application/pdf') {
  const boundary = `----security-${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
export const IMPORT_CSV = (uscc: string) =>
  Buffer.from(
    'uscc,name,district,registeredOn,year,employees,techStaff,totalAssets,totalLiabilities,totalCosts,revenue,' +
      'rdExpense,domesticRdExpense,netAssets,ipClassI,ipClassII,supportedField\n' +
      `${uscc},Import Probe Co,思明区,2019-04-01,2025,120,30,80000000,30000000,40000000,42000000,2200000,2000000,` +
      '29000000,0,3,yes\n',
  );

async function ok(res: Reply, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function buildWorld(t: TestApp): Promise<World> {
  const caseworker = await userWithToken(t, 'caseworker');
  const manager = await userWithToken(t, 'manager');
  const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
  const { enterprise: A, user: userA } = await applicant(t, caseworker);
  const B = await createEnterprise(t);
  const userB = await userWithToken(t, 'enterprise', { enterpriseId: B.id });
  const application = await ok(
    await t.http.post('/api/applications', { enterpriseId: A.id, targetTier: 'high_tech' }, userA.token),
    'application',
  );
  const upload = multipartBody('report.pdf', PDF);
  const attachment = await ok(
    await t.http.request(
      'POST',
      `/api/applications/${application.id}/attachments?documentType=audit_report`,
      upload.body,
      userA.token,
      upload.headers,
    ),
    'attachment',
  );
  const certification = await ok(
    await t.http.post(
      `/api/enterprises/${A.id}/certifications`,
      { tier: 'tech_sme', number: techSmeNumber(), issuedOn: `${year}-01-15` },
      caseworker.token,
    ),
    'certification',
  );
  const revocation = await ok(
    await t.http.post(
      `/api/enterprises/${A.id}/revocations`,
      { certificationId: certification.id, reason: '材料不实', fraud: false },
      caseworker.token,
    ),
    'revocation',
  );
  const csv = multipartBody('import.csv', IMPORT_CSV(freshUscc()), 'file', 'text/csv');
  const job = await ok(await t.http.request('POST', '/api/imports', csv.body, caseworker.token, csv.headers), 'import');
  await waitForJob(t, job.jobId);
  const spec = (await t.http.get('/docs-json')).json() as OpenApi;
  const routes = enumerateRoutes(t.app);
  const world: World = {
    t,
    routes,
    actors: {
      admin: { id: '', token: t.adminToken, username: 'admin' },
      manager,
      caseworker,
      reviewer,
      enterpriseA: userA,
      enterpriseB: userB,
    },
    a: {
      enterpriseId: A.id,
      applicationId: application.id,
      attachmentId: attachment.id,
      certificationId: certification.id,
      revocationId: revocation.id ?? revocation.revocationId,
    },
    b: { enterpriseId: B.id },
    importJobId: job.jobId,
    multipart: new Set(),
    spec,
  };
  // A handler that reads an upload answers a JSON body with NOT_MULTIPART: that is how the upload routes are found.
  // The probe names no real record and carries a field no DTO accepts, so it changes nothing.
  for (const route of routes.filter((r) => r.method === 'POST' && !r.isPublic)) {
    const actor = actorsFor(route)[0];
    const nowhere = Object.fromEntries(route.params.map((p) => [p, randomUUID()]));
    const probe = { __uploadProbe: true };
    const res = await t.http.post(urlFor(world, route, nowhere).url, probe, world.actors[actor].token);
    if (res.statusCode === 415 && res.json().code === 'NOT_MULTIPART') world.multipart.add(route.key);
  }
  return world;
}

/** The actors a route's @Roles lets in (enterprise: the user of A). */
export function actorsFor(route: RouteInfo): ActorName[] {
  return ACTORS.filter((a) => a !== 'enterpriseB' && route.roles.includes(ROLE_OF[a]));
}

/** A-owned ids, to tell whether a request touches enterprise A's records. */
export const aIds = (w: World) => new Set(Object.values(w.a));

/** Path parameter values: a real id of A's records where the name or the route says which, else a random uuid. */
export function pathValues(w: World, route: RouteInfo): Record<string, string> {
  const byResource: Record<string, string> = { enterprise: w.a.enterpriseId, application: w.a.applicationId };
  const values: Record<string, string> = {};
  for (const name of route.params) {
    const ownedParam = route.ownedBy?.from === `params.${name}` ? byResource[route.ownedBy.resource] : undefined;
    values[name] =
      ownedParam ??
      {
        revocationId: w.a.revocationId,
        attachmentId: w.a.attachmentId,
        jobId: w.importJobId,
        year: String(year - 1),
        date: '2031-05-06',
      }[name] ??
      (name === 'id'
        ? route.path.startsWith('/api/enterprises/:id')
          ? w.a.enterpriseId
          : route.path.startsWith('/api/applications/:id')
            ? w.a.applicationId
            : route.path.startsWith('/api/jobs/:id')
              ? w.importJobId
              : randomUUID()
        : randomUUID());
  }
  return values;
}

/** What a well-meaning client would send to each route (hand-written where the DTO needs real data). */
function handTemplate(w: World, route: RouteInfo): unknown {
  const A = w.a.enterpriseId;
  switch (route.key) {
    case 'POST /api/auth/login':
      return { username: unique('nobody'), password: 'not-the-password' };
    case 'POST /api/users':
      return { username: unique('user'), password: 'Sturdy-pass-123', role: 'caseworker' };
    case 'POST /api/enterprises':
      return { uscc: freshUscc(), name: '安全测试科技有限公司', district: '思明区', registeredOn: '2019-04-01' };
    case 'PATCH /api/enterprises/:id':
      return { address: '软件园二期 1 号' };
    case 'PUT /api/enterprises/:id/indicators/:year':
      return EXAMPLE_FILINGS[2024];
    case 'POST /api/enterprises/:id/certifications':
      return { tier: 'tech_sme', number: techSmeNumber(), issuedOn: `${year}-02-01` };
    case 'POST /api/enterprises/:id/revocations':
      return { certificationId: w.a.certificationId, reason: '材料不实', fraud: false };
    case 'POST /api/enterprises/:id/revocations/:revocationId/reject':
      return { reason: '证据不足' };
    case 'POST /api/enterprises/:id/exit':
    case 'POST /api/enterprises/:id/reinstate':
      return { reason: '迁出本区' };
    case 'POST /api/grading/evaluate':
      return EXAMPLE_FACTS;
    case 'POST /api/grading/regrade':
      return { district: '思明区' };
    case 'PUT /api/grading/region-config':
      return { note: 'security test' };
    case 'POST /api/admin/sweeps':
      return { asOf: today };
    case 'POST /api/applications':
      return { enterpriseId: A, targetTier: 'high_tech' };
    case 'POST /api/applications/:id/events':
      return { type: 'SUBMIT' };
    case 'POST /api/reviewers/me/conflicts':
      return { enterpriseId: A, reason: '曾任该企业顾问' };
    case 'PUT /api/calendar/days/:date':
      return { workday: false, note: 'security test' };
    default:
      return undefined;
  }
}

/** A body for any route: the hand-written one, else one built from the route's OpenAPI schema. */
export function bodyTemplate(w: World, route: RouteInfo): unknown {
  const hand = handTemplate(w, route);
  if (hand !== undefined) return structuredClone(hand);
  const op = openApiOperation(w, route);
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  if (schema) return exampleOf(w, schema, '', 0);
  return route.method === 'DELETE' || route.method === 'GET' ? undefined : {};
}

/** Query values a route needs (required OpenAPI query parameters, and the upload's documentType). */
export function queryTemplate(w: World, route: RouteInfo): Record<string, string> {
  const query: Record<string, string> = {};
  if (route.key === 'POST /api/applications/:id/attachments') query.documentType = 'audit_report';
  for (const p of openApiOperation(w, route)?.parameters ?? [])
    if (p.in === 'query' && p.required) query[p.name] = String(exampleOf(w, p.schema ?? {}, p.name, 0));
  return query;
}

export function queryNames(w: World, route: RouteInfo): string[] {
  return (openApiOperation(w, route)?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name);
}

function openApiOperation(w: World, route: RouteInfo) {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return w.spec.paths[path]?.[route.method.toLowerCase()];
}

function exampleOf(w: World, schema: Schema, name: string, depth: number): unknown {
  if (depth > 6) return null;
  if (schema.$ref) return exampleOf(w, w.spec.components?.schemas?.[schema.$ref.split('/').pop()] ?? {}, name, depth);
  if (schema.allOf)
    return Object.assign({}, ...schema.allOf.map((s: Schema) => exampleOf(w, s, name, depth + 1) as object));
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {}))
      if ((schema.required ?? []).includes(key) || /enterpriseId/.test(key))
        out[key] = exampleOf(w, sub, key, depth + 1);
    return out;
  }
  if (schema.type === 'array')
    return (schema.minItems ?? 0) > 0 ? [exampleOf(w, schema.items ?? {}, name, depth + 1)] : [];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  if (schema.format === 'uuid' || /Id$/.test(name)) return /enterprise/i.test(name) ? w.a.enterpriseId : randomUUID();
  if (schema.format === 'date' || /(On|Date|asOf|from)$/.test(name)) return today;
  return 'security test';
}

/** The URL of a route with its path filled (A's ids) and the template query. */
export function urlFor(w: World, route: RouteInfo, values = pathValues(w, route), query = queryTemplate(w, route)) {
  const qs = new URLSearchParams(query).toString();
  return { url: fillPath(route.path, values) + (qs ? `?${qs}` : ''), values };
}

/** Sends a route's plausible request as an actor (a multipart route gets a small file instead of JSON). */
export function plausibleRequest(w: World, route: RouteInfo, token: string | undefined, headers = {}) {
  const { url, values } = urlFor(w, route);
  if (w.multipart.has(route.key)) {
    const upload =
      route.path === '/api/imports'
        ? multipartBody('import.csv', IMPORT_CSV(freshUscc()), 'file', 'text/csv')
        : multipartBody('report.pdf', PDF);
    return {
      values,
      body: undefined,
      reply: w.t.http.request(route.method, url, upload.body, token, { ...upload.headers, ...headers }),
    };
  }
  const body = bodyTemplate(w, route);
  return { values, body, reply: w.t.http.request(route.method, url, body, token, headers) };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}
