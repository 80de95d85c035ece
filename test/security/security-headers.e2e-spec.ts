import { bootTestApp, Reply, TestApp } from '../helpers/test-app';
import { ownDatabase } from './db';

/**
 * Every answer carries the security headers (successes, errors, 404s, the docs), and Swagger UI still loads under the
 * Content-Security-Policy: its page has no inline script, and everything it references comes from this origin.
 */
const EXPECTED: Record<string, string | RegExp> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': /^max-age=\d{7,}$/,
  'content-security-policy': /default-src 'self'/,
};

function expectSecurityHeaders(res: Reply, what: string) {
  for (const [name, value] of Object.entries(EXPECTED)) {
    const actual = res.headers[name];
    if (typeof actual !== 'string' || !(typeof value === 'string' ? actual === value : value.test(actual)))
      throw new Error(`${what} (${res.statusCode}): ${name} is ${JSON.stringify(actual)}`);
  }
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['server']).toBeUndefined();
}

/** The CSP as a map of directive → sources. */
function csp(res: Reply): Record<string, string[]> {
  return Object.fromEntries(
    String(res.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp(await ownDatabase('headers'));
  });
  afterAll(() => t?.close());

  it('sets them on successes, every kind of error, and unknown routes', async () => {
    const big = JSON.stringify({ x: 'x'.repeat(1_100_000) });
    const replies: [string, Reply][] = [
      ['health', await t.http.get('/health')],
      ['me', await t.http.get('/api/me', t.adminToken)],
      ['login', await t.http.post('/api/auth/login', { username: 'admin', password: 'wrong-password' })],
      ['no token', await t.http.get('/api/users')],
      ['validation', await t.http.post('/api/users', { username: 'x' }, t.adminToken)],
      ['unknown route', await t.http.get('/api/nothing-here', t.adminToken)],
      ['bad json', await t.http.request('POST', '/api/auth/login', '{"a":', undefined)],
      ['too large', await t.http.request('POST', '/api/auth/login', big, undefined)],
      [
        'wrong type',
        await t.http.request('POST', '/api/auth/login', '<a/>', undefined, { 'content-type': 'text/xml' }),
      ],
      ['bad url', await t.http.get('/api/enterprises/%E0%A4%A', t.adminToken)],
      ['docs json', await t.http.get('/docs-json')],
      ['calendar', await t.http.get('/api/calendar/coverage', t.adminToken)],
    ];
    for (const [what, res] of replies) expectSecurityHeaders(res, what);
    expect(new Set(replies.map(([, r]) => r.statusCode))).toEqual(new Set([200, 401, 400, 404, 413, 415]));
  });

  it('keeps Swagger UI working under the policy: no inline script, same-origin assets that load', async () => {
    const page = await t.http.get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<div id="swagger-ui">');
    expectSecurityHeaders(page, '/docs');
    const policy = csp(page);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    // Its one inline <style> block needs 'unsafe-inline' for styles; scripts stay same-origin only.
    expect(policy['style-src']).toEqual(expect.arrayContaining(["'self'", "'unsafe-inline'"]));
    expect(policy['upgrade-insecure-requests']).toBeUndefined();
    const inlineScripts = [...page.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter((m) =>
      m[1].trim(),
    );
    expect(inlineScripts).toEqual([]);
    expect(page.body).not.toMatch(/\son[a-z]+=/i); // no inline event handlers (script-src-attr 'none')
    const assets = [...page.body.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//); // same origin
      const url = new URL(asset, 'http://localhost/docs').pathname;
      const res = await t.http.get(url);
      if (res.statusCode !== 200) throw new Error(`${asset} → ${url}: ${res.statusCode}`);
      expectSecurityHeaders(res, url);
    }
    // The UI fetches the document from this origin (connect-src falls back to default-src 'self').
    const init = await t.http.get('/docs/swagger-ui-init.js');
    expect(init.statusCode).toBe(200);
    expect(policy['default-src']).toEqual(["'self'"]);
  });

  it('sends Strict-Transport-Security always (browsers ignore it over plain HTTP), without includeSubDomains', async () => {
    const plain = await t.http.get('/health');
    const proxied = await t.http.get('/health', undefined, { 'x-forwarded-proto': 'https' });
    expect(plain.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});
