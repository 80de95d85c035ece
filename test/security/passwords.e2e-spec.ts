import { COMMON_PASSWORDS, passwordProblem } from '../../src/users/password-policy';
import { bootTestApp, TestApp, unique } from '../helpers/test-app';
import { ownDatabase } from './db';

/** Password rules on POST /api/users, and throttling of repeated failed sign-ins from one address. */
describe('password rules and sign-in throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ ...(await ownDatabase('passwords')), LOGIN_MAX_FAILURES: '2' });
  });
  afterAll(() => t?.close());

  const create = (username: string, password: string) =>
    t.http.post('/api/users', { username, password, role: 'caseworker' }, t.adminToken);

  it('refuses weak passwords with one reason naming password', async () => {
    const refused: [string, string, RegExp][] = [
      ['short', unique('u'), /longer than or equal to 10/],
      ['aaaaaaaaaaaa', unique('u'), /at least 5 different characters/],
      ['abcdefghijkl', unique('u'), /mix at least two of/],
      ['ABCDEFGHIJKL', unique('u'), /mix at least two of/],
      ['98765432109876', unique('u'), /mix at least two of/],
      ['1234567890', unique('u'), /too common/],
      ['Password123', unique('u'), /too common/],
      ['QWERTYUIOP', unique('u'), /too common/],
      ['woaini1314', unique('u'), /too common/],
    ];
    for (const [password, username, reason] of refused) {
      const res = await create(username, password);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.json().fields).toEqual([{ field: 'password', reason: expect.stringMatching(reason) }]);
      expect(res.json().fields[0].reason).toMatch(/^password /);
    }
    const username = 'Zhang.Wei-2026';
    const same = await create(username, 'zhang.wei-2026');
    expect(same.statusCode).toBe(400);
    expect(same.json().fields).toEqual([{ field: 'password', reason: 'password must not be the username' }]);
    // The password is never echoed back.
    expect(same.body).not.toContain('zhang.wei-2026');
  });

  it('accepts sensible passwords, including the ones the test helpers use, and lets them sign in', async () => {
    for (const password of [
      'Correct-horse-9',
      'long-enough-pw',
      `password-${unique('cw')}`,
      '科技局的长密码2026',
      'tr0ub4dor&3x',
    ]) {
      const username = unique('ok');
      const res = await create(username, password);
      expect({ password, status: res.statusCode }).toEqual({ password, status: 201 });
      expect((await t.http.post('/api/auth/login', { username, password })).statusCode).toBe(200);
    }
  });

  it('states the rule the same way in the policy function', () => {
    expect(passwordProblem('Sturdy-pass-123', 'someone')).toBeNull();
    expect(passwordProblem('someone-else', 'SOMEONE-ELSE')).toBe('password must not be the username');
    for (const common of COMMON_PASSWORDS)
      if (common.length >= 10) expect(passwordProblem(common.toUpperCase())).toMatch(/too common/);
  });

  it('throttles repeated failed sign-ins from one address across usernames, and says when to retry', async () => {
    // LOGIN_MAX_FAILURES=2: 2 per username and address, 8 per username, 20 per address.
    const address = { 'x-forwarded-for': '203.0.113.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const res = await t.http.post(
        '/api/auth/login',
        { username: `guess-${i}`, password: 'not-it-at-all' },
        undefined,
        address,
      );
      statuses.push(res.statusCode);
    }
    // Without TRUST_PROXY every request comes from the same (inject) address: the 21st failure is refused.
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const good = await t.http.post('/api/auth/login', { username: 'admin', password: 'test-admin-password' });
    expect(good.statusCode).toBe(429);
    expect(good.json().code).toBe('LOGIN_THROTTLED');
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
  });
});
