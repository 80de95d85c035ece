// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoRefused, seedDemo } from '../src/demo/seed-demo';
import { makeUscc } from '../src/enterprises/uscc';

/** The demo seed always writes to an embedded SQLite file of its own here, whatever backend the suite runs on. */
describe('npm run seed:demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-seed-'));
  const env = (name: string) => ({
    DATABASE_URL: `sqlite:${join(dir, name)}`,
    REDIS_URL: '',
    LOG_LEVEL: 'silent',
    UPLOAD_DIR: join(dir, 'uploads'),
  });
  const snapshot = (name: string) => {
    const db = new Database(join(dir, name), { readonly: true });
    const rows = {
      enterprises: db.prepare('SELECT uscc, name, district, state, colour FROM enterprises ORDER BY uscc').all(),
      applications: db.prepare('SELECT state, COUNT(*) AS n FROM applications GROUP BY state ORDER BY state').all(),
      users: db.prepare("SELECT username, role FROM users WHERE username LIKE 'demo-%' ORDER BY username").all(),
      grants: db
        .prepare(
          `SELECT e.uscc, g.programme_code, g.period, g.state FROM grants g JOIN enterprises e ON e.id = g.enterprise_id
           ORDER BY e.uscc, g.programme_code, g.period`,
        )
        .all(),
    };
    db.close();
    return rows;
  };
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  afterAll(() => {
    log.mockRestore();
    write.mockRestore();
  });

  it('fills a district deterministically with applications in several states, and does nothing the second time', async () => {
    expect(await seedDemo(env('a.sqlite'), 50, 7)).toBe('seeded');
    expect(await seedDemo(env('b.sqlite'), 50, 7)).toBe('seeded');
    const a = snapshot('a.sqlite');
    expect(a).toEqual(snapshot('b.sqlite'));
    expect(a.enterprises).toHaveLength(50);
    expect(new Set(a.enterprises.map((e: any) => e.colour)).size).toBeGreaterThanOrEqual(3);
    // A small district has few blue enterprises to apply; the full-size seed reaches every state (see README).
    expect(a.applications.length).toBeGreaterThanOrEqual(4);
    // Grants are moved along their path in the seed's own order, so the same seed gives the same grant states.
    expect(new Set(a.grants.map((g: any) => g.state)).size).toBeGreaterThanOrEqual(3);
    expect(a.users.map((u: any) => u.role)).toEqual(
      expect.arrayContaining(['admin', 'manager', 'caseworker', 'reviewer', 'enterprise']),
    );
    expect(await seedDemo(env('a.sqlite'), 50, 7)).toBe('present');
    expect(write).toHaveBeenCalledWith(expect.stringContaining('enterprises with indicators'));
  }, 240_000);

  it('refuses a database that holds non-demo data', async () => {
    const { createApp } = await import('../src/app.factory');
    const { loadConfig } = await import('../src/config/app-config');
    const app = await createApp(loadConfig({ ...env('real.sqlite'), BOOTSTRAP_ADMIN_PASSWORD: 'admin-password-1' }));
    await app.init();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-password-1' },
    });
    const token = login.json().accessToken;
    const created = await app.inject({
      method: 'POST',
      url: '/api/enterprises',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        uscc: makeUscc('91350203123456789'),
        name: '真实企业有限公司',
        district: '思明区',
        registeredOn: '2015-01-01',
      },
    });
    expect(created.statusCode).toBe(201);
    await app.close();
    await expect(seedDemo(env('real.sqlite'), 10, 1)).rejects.toBeInstanceOf(DemoRefused);
  });

  it('refuses to take part of a district (an interrupted seed) for a finished one', async () => {
    const { createApp } = await import('../src/app.factory');
    const { loadConfig } = await import('../src/config/app-config');
    const { UsersService } = await import('../src/users/users.service');
    const { SYSTEM_ACTOR } = await import('../src/auth/actor');
    const app = await createApp(loadConfig(env('partial.sqlite')));
    await app.init();
    // What a seed stopped after its users leaves behind.
    await app
      .get(UsersService)
      .create({ username: 'demo-admin', password: 'Demo-2026-cultivation', role: 'admin' }, SYSTEM_ACTOR);
    await app.close();
    await expect(seedDemo(env('partial.sqlite'), 10, 1)).rejects.toThrow(/interrupted/);
  });
});
