import { DataSource } from 'typeorm';
import { createEnterprise, freshUscc } from './helpers/fixtures';
import { backend, bootTestApp, TestApp, userWithToken } from './helpers/test-app';

describe('enterprise registry', () => {
  let t: TestApp;
  let caseworker: { token: string };
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
  });
  afterAll(() => t.close());

  it('registers an enterprise as a startup, checking the USCC check character and uniqueness', async () => {
    const uscc = freshUscc();
    const created = await t.http.post(
      '/api/enterprises',
      {
        uscc,
        name: '厦门星河科技有限公司',
        district: '思明区',
        registeredOn: '2020-05-06',
        // Characters JSON escapes: PostgreSQL writes the read's JSON, and it must be the same bytes.
        address: '软件园二期 "观日路" 24号\\B栋\n\t3F \u0001 / 😀',
        contact: { name: '李雷', phone: '0592-1234567' },
      },
      caseworker.token,
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ uscc, tier: 'startup', colour: 'orange', version: 1 });
    expect(created.json().id).toMatch(/^[0-9a-f-]{36}$/);
    // The read answers exactly what the write answered (PostgreSQL reads it with a prepared statement of its own).
    const read = await t.http.get(`/api/enterprises/${created.json().id}`, caseworker.token);
    expect(read.json()).toEqual(created.json());
    expect(read.body).toBe(created.body);
    expect(read.headers['content-type']).toBe('application/json; charset=utf-8');
    // The list's items are the same bytes (PostgreSQL writes the page's JSON too).
    const listed = await t.http.get(`/api/enterprises?q=${uscc}`, caseworker.token);
    expect(listed.body).toBe(`{"items":[${read.body}],"total":1}`);
    expect(listed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(read.json()).toMatchObject({ registeredOn: '2020-05-06', contact: { name: '李雷', phone: '0592-1234567' } });
    expect(
      (await t.http.get(`/api/enterprises/00000000-0000-4000-8000-000000000000`, caseworker.token)).statusCode,
    ).toBe(404);

    const wrongCheck = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    const bad = await t.http.post(
      '/api/enterprises',
      { uscc: wrongCheck, name: 'x', district: 'y', registeredOn: '2020-01-01' },
      caseworker.token,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual([expect.objectContaining({ field: 'uscc' })]);
    expect(bad.json().fields[0].reason).toMatch(/check character/);

    const dup = await t.http.post(
      '/api/enterprises',
      { uscc, name: 'x', district: 'y', registeredOn: '2020-01-01' },
      caseworker.token,
    );
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('USCC_TAKEN');

    const invalid = await t.http.post(
      '/api/enterprises',
      { uscc: freshUscc(), name: '', district: 'y', registeredOn: '2020-02-30', nickname: 1 },
      caseworker.token,
    );
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['name', 'nickname', 'registeredOn']);
    // Year 0000 is no date: PostgreSQL would refuse it only when writing, where no field can be named.
    const yearZero = await t.http.post(
      '/api/enterprises',
      { uscc: freshUscc(), name: '零年', district: 'y', registeredOn: '0000-01-01' },
      caseworker.token,
    );
    expect(yearZero.statusCode).toBe(400);
    expect(yearZero.json().fields.map((f: { field: string }) => f.field)).toEqual(['registeredOn']);
  });

  it('answers reads that arrive together each with its own enterprise, as the list shows it', async () => {
    const made = await Promise.all([0, 1, 2, 3].map(() => createEnterprise(t, { district: '翔安区' })));
    // On PostgreSQL timestamps written by SQL carry microseconds; the JSON shows them truncated to milliseconds.
    const stamp = backend() === 'postgres' ? '2026-03-04 05:06:07.891234+00' : '2026-03-04 05:06:07.891';
    await t.app.get(DataSource).query(`UPDATE enterprises SET updated_at = '${stamp}' WHERE id = '${made[0].id}'`);
    const ids = [made[0].id, made[1].id, made[0].id, made[2].id, made[3].id, '00000000-0000-4000-8000-000000000001'];
    const reads = await Promise.all(ids.map((id) => t.http.get(`/api/enterprises/${id}`, t.adminToken)));
    expect(reads.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(reads.slice(0, 5).map((r) => r.json().id)).toEqual(ids.slice(0, 5));
    expect(reads[0].json().updatedAt).toBe('2026-03-04T05:06:07.891Z');
    const listed = await t.http.get(
      `/api/enterprises?pageSize=100&q=${encodeURIComponent(made[0].name)}`,
      t.adminToken,
    );
    expect(listed.json().items).toEqual([reads[0].json()]);
  });

  it('lets only caseworkers, managers and admins register', async () => {
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const res = await t.http.post(
      '/api/enterprises',
      { uscc: freshUscc(), name: 'x', district: 'y', registeredOn: '2020-01-01' },
      reviewer.token,
    );
    expect(res.statusCode).toBe(403);
  });

  it('shows an enterprise user its own enterprise only: 404 for another, a list of one', async () => {
    const own = await createEnterprise(t);
    const other = await createEnterprise(t);
    const user = await userWithToken(t, 'enterprise', { enterpriseId: own.id });
    expect((await t.http.get(`/api/enterprises/${own.id}`, user.token)).json().id).toBe(own.id);
    expect((await t.http.get(`/api/enterprises/${other.id}`, user.token)).statusCode).toBe(404);
    expect((await t.http.patch(`/api/enterprises/${other.id}`, { name: 'hijack' }, user.token)).statusCode).toBe(404);
    // The registry's facts that grading and subsidies read are the bureau's to correct; the rest is the enterprise's.
    const moved = await t.http.patch(
      `/api/enterprises/${own.id}`,
      { district: `${own.district}外`, registeredOn: '2001-01-01' },
      user.token,
    );
    expect(moved.statusCode).toBe(403);
    expect(moved.json()).toMatchObject({ code: 'REGISTRY_FACT' });
    expect(moved.json().fields.map((f: { field: string }) => f.field)).toEqual(['registeredOn', 'district']);
    const kept = await t.http.patch(
      `/api/enterprises/${own.id}`,
      { district: own.district, registeredOn: own.registeredOn, address: '软件园二期' },
      user.token,
    );
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ district: own.district, address: '软件园二期' });
    const list = (await t.http.get('/api/enterprises?pageSize=100', user.token)).json();
    expect(list).toEqual({ items: [expect.objectContaining({ id: own.id })], total: 1 });
  });

  it('lets a reviewer look an enterprise up by name or USCC, and shows them who it is, not its grade', async () => {
    const e = await createEnterprise(t, { district: '回避区' });
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    const found = await t.http.get(`/api/enterprises?q=${e.uscc}`, reviewer.token);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      items: [{ id: e.id, uscc: e.uscc, name: e.name, district: '回避区' }],
      total: 1,
    });
    const byDistrict = (await t.http.get('/api/enterprises?district=回避区', reviewer.token)).json();
    expect(byDistrict.items.map((i: { id: string }) => i.id)).toContain(e.id);
    // Filtering or sorting by grade would tell it without showing it.
    const graded = await t.http.get('/api/enterprises?tier=startup&colour=orange&sort=-score', reviewer.token);
    expect(graded.statusCode).toBe(400);
    expect(graded.json().fields.map((f: { field: string }) => f.field)).toEqual(['tier', 'colour', 'sort']);
    expect((await t.http.get(`/api/enterprises/${e.id}`, reviewer.token)).statusCode).toBe(404);
  });

  it('updates the profile with optimistic locking and audits the change', async () => {
    const e = await createEnterprise(t);
    const ok = await t.http.patch(
      `/api/enterprises/${e.id}`,
      { name: '新名称科技有限公司', version: 1 },
      caseworker.token,
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: '新名称科技有限公司', version: 2 });
    const stale = await t.http.patch(`/api/enterprises/${e.id}`, { name: '另一个名称', version: 1 }, caseworker.token);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('STALE_VERSION');
    const noUscc = await t.http.patch(`/api/enterprises/${e.id}`, { uscc: freshUscc() }, caseworker.token);
    expect(noUscc.statusCode).toBe(400);
    // Required fields cannot be emptied with null (a 400 naming them); optional ones can.
    for (const field of ['name', 'district', 'registeredOn']) {
      const nulled = await t.http.patch(`/api/enterprises/${e.id}`, { [field]: null }, caseworker.token);
      expect(nulled.statusCode).toBe(400);
      expect(new Set(nulled.json().fields.map((f: { field: string }) => f.field))).toEqual(new Set([field]));
    }
    const noIndustry = await t.http.patch(`/api/enterprises/${e.id}`, { industry: null }, caseworker.token);
    expect(noIndustry.statusCode).toBe(200);
    expect(noIndustry.json()).toMatchObject({ name: '新名称科技有限公司', industry: null, version: 3 });
    const audit = (await t.http.get(`/api/audit?entityType=enterprise&entityId=${e.id}`, t.adminToken)).json();
    expect(audit.items.map((a: { event: string }) => a.event)).toEqual([
      'PROFILE_UPDATED',
      'PROFILE_UPDATED',
      'REGISTERED',
    ]);
    expect(audit.items[1].payload).toMatchObject({ before: { name: e.name }, after: { name: '新名称科技有限公司' } });
    // The console clears an emptied address or contact with null.
    const withContact = await createEnterprise(t, {
      address: '软件园二期',
      contact: { name: '林晓', phone: '0592-5551234' },
    });
    const cleared = await t.http.patch(
      `/api/enterprises/${withContact.id}`,
      { address: null, contact: null, version: 1 },
      caseworker.token,
    );
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ address: null, contact: null, version: 2 });
  });

  it('lists with filters, search by name or USCC, paging and sorting', async () => {
    const district = `测试区${Date.now()}`;
    const made = [];
    for (const name of ['丙公司', '甲公司', '乙公司']) made.push(await createEnterprise(t, { district, name }));
    const page1 = (
      await t.http.get(`/api/enterprises?district=${encodeURIComponent(district)}&pageSize=2&sort=name`, t.adminToken)
    ).json();
    expect(page1.total).toBe(3);
    expect(page1.items).toHaveLength(2);
    const page2 = (
      await t.http.get(
        `/api/enterprises?district=${encodeURIComponent(district)}&pageSize=2&page=2&sort=name`,
        t.adminToken,
      )
    ).json();
    const names = [...page1.items, ...page2.items].map((e: { name: string }) => e.name);
    expect([...names].sort()).toEqual(['丙公司', '乙公司', '甲公司'].sort());
    expect(names).toEqual([...names].sort());
    const descending = (
      await t.http.get(`/api/enterprises?district=${encodeURIComponent(district)}&sort=-name`, t.adminToken)
    ).json();
    expect(descending.items.map((e: { name: string }) => e.name)).toEqual([...names].reverse());
    // LIKE's own characters match only themselves.
    for (const q of ['%', '_公司', '\\'])
      expect(
        (
          await t.http.get(
            `/api/enterprises?q=${encodeURIComponent(q)}&district=${encodeURIComponent(district)}`,
            t.adminToken,
          )
        ).json(),
      ).toEqual({ items: [], total: 0 });
    const byUscc = (await t.http.get(`/api/enterprises?q=${made[1].uscc.slice(0, 16)}`, t.adminToken)).json();
    expect(byUscc.items.map((e: { id: string }) => e.id)).toContain(made[1].id);
    const byName = (
      await t.http.get(
        `/api/enterprises?q=${encodeURIComponent('甲公')}&district=${encodeURIComponent(district)}`,
        t.adminToken,
      )
    ).json();
    expect(byName).toMatchObject({ total: 1, items: [{ id: made[1].id }] });
    // Latin letters in a name match whatever the case, on PostgreSQL as on SQLite.
    const latinDistrict = `${district}乙`;
    const acme = await createEnterprise(t, { district: latinDistrict, name: 'Acme科技有限公司' });
    for (const q of ['acme', 'ACME科技'])
      expect(
        (
          await t.http.get(
            `/api/enterprises?q=${encodeURIComponent(q)}&district=${encodeURIComponent(latinDistrict)}`,
            t.adminToken,
          )
        ).json(),
      ).toMatchObject({ total: 1, items: [{ id: acme.id }] });
    const filtered = (
      await t.http.get(
        `/api/enterprises?tier=startup&colour=orange&district=${encodeURIComponent(district)}`,
        t.adminToken,
      )
    ).json();
    expect(filtered.total).toBe(3);
    const none = (
      await t.http.get(`/api/enterprises?colour=green&district=${encodeURIComponent(district)}`, t.adminToken)
    ).json();
    expect(none.total).toBe(0);
    for (const bad of ['tier=king', 'colour=purple', 'page=0', 'pageSize=1000', 'sort=uscc', 'extra=1'])
      expect((await t.http.get(`/api/enterprises?${bad}`, t.adminToken)).statusCode).toBe(400);
    expect((await t.http.get('/api/enterprises/not-a-uuid', t.adminToken)).statusCode).toBe(400);
  });
});
