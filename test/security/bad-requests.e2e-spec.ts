import { BODY_LIMIT_BYTES, UPLOAD_LIMIT_BYTES } from '../../src/app.factory';
import { MAX_JSON_DEPTH } from '../../src/common/body-parsers';
import { EXAMPLE_FACTS } from '../helpers/domain-example';
import { bootTestApp, Reply, TestApp } from '../helpers/test-app';
import { diffCounts, ownDatabase, rowCounter } from './db';
import { isWrite, RouteInfo } from './routes';
import { actorsFor, buildWorld, multipartBody, PDF, pool, urlFor, World } from './world';

/**
 * Bodies a client should never send: over the limit, in the wrong type, nested without end, not UTF-8, or an upload
 * over 20 MB. Each is refused with a 4xx in the `{statusCode, code, message, requestId}` shape, on every write route.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectErrorShape(res: Reply, status: number, code?: string) {
  const body = res.json();
  expect({ status: res.statusCode, code: body.code }).toEqual({ status, code: code ?? body.code });
  expect(body).toEqual(
    expect.objectContaining({
      statusCode: status,
      code: expect.stringMatching(/^[A-Z_0-9]+$/),
      message: expect.any(String),
      requestId: expect.stringMatching(UUID),
    }),
  );
}

describe('oversized, wrong-type, deeply nested and invalid UTF-8 requests', () => {
  let t: TestApp;
  let w: World;
  let jsonWrites: RouteInfo[];
  let uploads: RouteInfo[];
  const tokenFor = (route: RouteInfo) =>
    route.isPublic ? undefined : w.actors[actorsFor(route).includes('admin') ? 'admin' : actorsFor(route)[0]].token;

  beforeAll(async () => {
    t = await bootTestApp(await ownDatabase('badreq'));
    w = await buildWorld(t);
    jsonWrites = w.routes.filter((r) => isWrite(r) && !w.multipart.has(r.key));
    uploads = w.routes.filter((r) => w.multipart.has(r.key));
  }, 120_000);
  afterAll(() => t?.close());

  /** Sends one raw body to every JSON write route; answers the replies by route. */
  async function everyRoute(payload: string | Buffer, contentType: string | undefined) {
    const replies = await pool(jsonWrites, 8, async (route) => {
      const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
      const res = await t.http.request(route.method, urlFor(w, route).url, payload, tokenFor(route), headers);
      return [route.key, res] as const;
    });
    return replies;
  }

  it('finds the JSON write routes and the upload routes from the router', () => {
    expect(jsonWrites.length).toBeGreaterThan(20);
    expect(uploads.map((r) => r.key)).toEqual(
      expect.arrayContaining(['POST /api/imports', 'POST /api/applications/:id/attachments']),
    );
  });

  it('answers 413 to a JSON body over the 1 MB limit, on every write route', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES + 10) });
    for (const [, res] of await everyRoute(payload, 'application/json'))
      expectErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 415 to text/plain, XML, form and missing content types on every JSON route', async () => {
    const cases: [string | Buffer, string | undefined][] = [
      ['{"a":1}', 'text/plain'],
      ['<a>1</a>', 'application/xml'],
      ['a=1&b=2', 'application/x-www-form-urlencoded'],
      ['{"a":1}', 'text/json'],
      ['{"a":1}', 'application/octet-stream'],
      ['{"a":1}', ''],
    ];
    for (const [payload, type] of cases)
      for (const [key, res] of await everyRoute(payload, type)) {
        if (res.statusCode !== 415) throw new Error(`${key} with ${type}: ${res.statusCode} ${res.body}`);
        expectErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
  });

  it('refuses JSON nested 10,000 deep (objects and arrays) with 400, and the app keeps answering', async () => {
    const objects = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const arrays = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const payload of [objects, arrays, `{"financials":[${objects}]}`])
      for (const [, res] of await everyRoute(payload, 'application/json')) expectErrorShape(res, 400, 'JSON_TOO_DEEP');
    // Exactly at the limit the body parses, and validation answers.
    const atLimit = '{"a":'.repeat(MAX_JSON_DEPTH - 1) + '1' + '}'.repeat(MAX_JSON_DEPTH - 1);
    const res = await t.http.request('POST', '/api/grading/evaluate', atLimit, w.actors.admin.token);
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
    expect((await t.http.get('/health')).statusCode).toBe(200);
  });

  it('refuses invalid UTF-8 in a JSON body with 400 INVALID_UTF8 on every JSON route', async () => {
    const wrap = (bytes: number[]) =>
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('","reason":"abc"}')]);
    const invalid = [
      [0xff, 0xfe], // never valid
      [0xc3, 0x28], // broken two-byte sequence
      [0xc0, 0xae], // overlong "."
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
    ];
    for (const bytes of invalid)
      for (const [, res] of await everyRoute(wrap(bytes), 'application/json'))
        expectErrorShape(res, 400, 'INVALID_UTF8');
  });

  it('refuses prototype-pollution keys, and nothing is polluted', async () => {
    for (const payload of [
      '{"__proto__":{"role":"admin","isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '{"a":{"__proto__":{"isAdmin":true}}}',
    ])
      for (const [, res] of await everyRoute(payload, 'application/json')) expectErrorShape(res, 400);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('refuses NUL and unpaired surrogates in strings, arrays where objects belong, and absurd pages with 400', async () => {
    const nul = await t.http.post('/api/grading/regrade', { district: 'a\u0000b' }, w.actors.admin.token);
    expectErrorShape(nul, 400, 'VALIDATION_FAILED');
    expect(nul.json().fields).toEqual([expect.objectContaining({ field: 'district' })]);
    const surrogate = await t.http.post('/api/grading/regrade', '{"district":"x\\ud800y"}', w.actors.admin.token);
    expectErrorShape(surrogate, 400, 'VALIDATION_FAILED');
    const inQuery = await t.http.get('/api/audit?entityType=a%00b', w.actors.admin.token);
    expectErrorShape(inQuery, 400, 'VALIDATION_FAILED');
    expect(inQuery.json().fields).toEqual([expect.objectContaining({ field: 'entityType' })]);

    const facts = structuredClone(EXAMPLE_FACTS) as Record<string, any>;
    facts.financials = [facts.financials[0], [facts.financials[1]], facts.financials[2]];
    const nested = await t.http.post('/api/grading/evaluate', facts, w.actors.admin.token);
    expectErrorShape(nested, 400, 'VALIDATION_FAILED');
    expect(nested.json().fields).toEqual([expect.objectContaining({ field: 'financials.1' })]);
    const contact = await t.http.patch(
      `/api/enterprises/${w.a.enterpriseId}`,
      { contact: [{ name: '张三' }] },
      w.actors.admin.token,
    );
    expectErrorShape(contact, 400, 'VALIDATION_FAILED');
    expect(contact.json().fields).toEqual([expect.objectContaining({ field: 'contact' })]);

    const page = await t.http.get('/api/users?page=9223372036854775807', w.actors.admin.token);
    expectErrorShape(page, 400, 'VALIDATION_FAILED');
  });

  it('answers 413 to an upload over 20 MB on every upload route, storing nothing', async () => {
    const counts = rowCounter(t);
    const before = await counts();
    const big = Buffer.alloc(UPLOAD_LIMIT_BYTES + 1024 * 1024, 0x41);
    for (const route of uploads) {
      const { body, headers } = multipartBody(route.path === '/api/imports' ? 'big.csv' : 'big.pdf', big);
      const token = route.path === '/api/imports' ? w.actors.caseworker.token : w.actors.enterpriseA.token;
      const res = await t.http.request(route.method, urlFor(w, route).url, body, token, headers);
      expectErrorShape(res, 413, 'FILE_TOO_LARGE');
      expect(res.json().fields).toEqual([expect.objectContaining({ field: 'file' })]);
    }
    expect(diffCounts(before, await counts())).toEqual({});
    // A small file still goes through afterwards.
    const { body, headers } = multipartBody('report.pdf', PDF);
    const ok = await t.http.request(
      'POST',
      `/api/applications/${w.a.applicationId}/attachments?documentType=audit_report`,
      body,
      w.actors.enterpriseA.token,
      headers,
    );
    expect(ok.statusCode).toBe(201);
  });

  it('echoes the caller’s X-Request-Id in the error body', async () => {
    const id = '0f4c6b1e-2f59-4d8e-9a51-3c1d2e4f5a6b';
    const res = await t.http.request('POST', '/api/grading/regrade', '<x/>', w.actors.admin.token, {
      'content-type': 'application/xml',
      'x-request-id': id,
    });
    expect(res.json().requestId).toBe(id);
  });
});
