import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

/** Accounts over their life: deactivation, corrections, password resets and changes, and the sessions they end. */
describe('users: deactivation, corrections, passwords, and the sessions they end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) => t.http.post('/api/auth/login', { username, password });
  const userRow = async (id: string) => {
    const list = await t.http.get('/api/users?pageSize=100', t.adminToken);
    return list.json().items.find((u: { id: string }) => u.id === id);
  };
  const patch = (id: string, body: unknown, token = t.adminToken) => t.http.patch(`/api/users/${id}`, body, token);

  it('deactivates an account: its token stops working at once and it cannot sign in; reactivating restores it', async () => {
    const cw = await userWithToken(t, 'caseworker');
    expect((await t.http.get('/api/me', cw.token)).statusCode).toBe(200);
    const row = await userRow(cw.id);
    expect(row).toMatchObject({ active: true, version: 1 });

    const off = await patch(cw.id, { version: 1, active: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ active: false, version: 2 });
    const refused = await t.http.get('/api/enterprises', cw.token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('SESSION_ENDED');
    expect((await login(cw.username, 'password-' + cw.username)).statusCode).toBe(401);
    const audit = await t.http.get(`/api/audit?entityType=user&entityId=${cw.id}`, t.adminToken);
    expect(audit.json().items.map((a: { event: string }) => a.event)).toContain('DEACTIVATED');

    // A stale copy (version 1) is refused; the current one reactivates.
    const stale = await patch(cw.id, { version: 1, active: true });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', version: 2 });
    expect((await patch(cw.id, { version: 2, active: true })).json()).toMatchObject({ active: true, version: 3 });
    expect((await login(cw.username, 'password-' + cw.username)).statusCode).toBe(200);
    // The token from before deactivation stays ended: the account changed since it was issued.
    expect((await t.http.get('/api/me', cw.token)).statusCode).toBe(401);
  });

  it('keeps at least one active admin, and lets only admins manage accounts', async () => {
    const me = (await t.http.get('/api/me', t.adminToken)).json();
    const last = await patch(me.id, { version: me.version, active: false });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('LAST_ADMIN');
    const second = await userWithToken(t, 'admin');
    const secondRow = await userRow(second.id);
    expect((await patch(second.id, { version: secondRow.version, active: false })).statusCode).toBe(200);
    expect((await t.http.get('/api/me', t.adminToken)).statusCode).toBe(200);

    const manager = await userWithToken(t, 'manager');
    const cw = await userWithToken(t, 'caseworker');
    expect((await patch(cw.id, { version: 1, active: false }, manager.token)).statusCode).toBe(403);
    expect(
      (await t.http.put(`/api/users/${cw.id}/password`, { password: 'Another-pass-2026' }, manager.token)).statusCode,
    ).toBe(403);
  });

  it("corrects a reviewer's expertise (ends the session, the next sign-in carries it) and validates the fields", async () => {
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const cw = await userWithToken(t, 'caseworker');
    const field = async (id: string, body: unknown) => (await patch(id, body)).json().fields?.[0]?.field;
    expect(await field(cw.id, { version: 1, expertise: 'finance' })).toBe('expertise');
    expect(await field(reviewer.id, { version: 1, expertise: 'law' })).toBe('expertise');
    expect(await field(reviewer.id, { version: 1, active: null })).toBe('active');
    expect(await field(reviewer.id, { active: false })).toBe('version');
    expect((await patch('00000000-0000-4000-8000-000000000000', { version: 1, active: false })).statusCode).toBe(404);

    // Nothing to change: no new version, the session goes on.
    expect((await patch(reviewer.id, { version: 1, expertise: 'technical' })).json().version).toBe(1);
    expect((await t.http.get('/api/me', reviewer.token)).statusCode).toBe(200);
    expect(
      (await patch(reviewer.id, { version: 1, expertise: 'finance', displayName: '李专家' })).json(),
    ).toMatchObject({
      expertise: 'finance',
      displayName: '李专家',
      version: 2,
    });
    expect((await t.http.get('/api/me', reviewer.token)).json().code).toBe('SESSION_ENDED');
    const again = await login(reviewer.username, 'password-' + reviewer.username);
    expect((await t.http.get('/api/me', again.json().accessToken)).json()).toMatchObject({ expertise: 'finance' });
  });

  it('resets a lost password (old password and old sessions end) under the password policy', async () => {
    const user = await userWithToken(t, 'manager');
    const weak = await t.http.put(`/api/users/${user.id}/password`, { password: user.username }, t.adminToken);
    expect(weak.statusCode).toBe(400);
    expect(weak.json().fields[0].field).toBe('password');
    const reset = await t.http.put(`/api/users/${user.id}/password`, { password: 'Fresh-start-2026' }, t.adminToken);
    expect(reset.statusCode).toBe(200);
    expect(reset.json().version).toBe(2);
    expect(JSON.stringify(reset.json())).not.toMatch(/Fresh-start|hash/i);
    expect((await t.http.get('/api/me', user.token)).statusCode).toBe(401);
    expect((await login(user.username, 'password-' + user.username)).statusCode).toBe(401);
    expect((await login(user.username, 'Fresh-start-2026')).statusCode).toBe(200);
    const audit = await t.http.get(`/api/audit?entityType=user&entityId=${user.id}`, t.adminToken);
    expect(audit.json().items.map((a: { event: string }) => a.event)).toContain('PASSWORD_RESET');
  });

  it('lets a user change their own password with the current one; other sessions end, the answer is a new token', async () => {
    const user = await userWithToken(t, 'caseworker');
    const other = (await login(user.username, 'password-' + user.username)).json().accessToken;
    const change = (body: unknown) => t.http.post('/api/me/password', body, user.token);
    const wrong = await change({ currentPassword: 'not-it', newPassword: 'Brand-new-2026' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields[0].field).toBe('currentPassword');
    const weak = await change({ currentPassword: 'password-' + user.username, newPassword: 'short' });
    expect(weak.json().fields[0].field).toBe('newPassword');
    const same = await change({
      currentPassword: 'password-' + user.username,
      newPassword: 'password-' + user.username,
    });
    expect(same.json().fields[0].field).toBe('newPassword');

    const ok = await change({ currentPassword: 'password-' + user.username, newPassword: 'Brand-new-2026' });
    expect(ok.statusCode).toBe(200);
    expect((await t.http.get('/api/me', ok.json().accessToken)).statusCode).toBe(200);
    expect((await t.http.get('/api/me', other)).statusCode).toBe(401);
    expect((await login(user.username, 'Brand-new-2026')).statusCode).toBe(200);
    expect((await login(user.username, 'password-' + user.username)).statusCode).toBe(401);
  });

  it('refuses to create the first admin with a password the policy refuses, naming the variable', async () => {
    const { createApp } = await import('../src/app.factory');
    const { loadConfig } = await import('../src/config/app-config');
    const env = { DATABASE_URL: 'sqlite::memory:', REDIS_URL: '', LOG_LEVEL: 'silent' };
    const app = await createApp(loadConfig({ ...env, BOOTSTRAP_ADMIN_PASSWORD: 'secret' }));
    await expect(app.init()).rejects.toThrow(/BOOTSTRAP_ADMIN_PASSWORD: password must be 10/);
    await app.close().catch(() => undefined);
  });
});
