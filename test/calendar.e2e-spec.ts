import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarDayEntity } from '../src/calendar/calendar-day.entity';
import { WorkingCalendar } from '../src/calendar/working-calendar.service';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

/** A year beyond the shipped official data (chinese-days 1.5.7 covers 2004–2026). 2035-10-01 is a Monday. */
const FUTURE = 2035;

describe('working-day calendar', () => {
  let t: TestApp;
  let caseworker: { token: string; id: string };
  let manager: { token: string; id: string };
  beforeAll(async () => {
    t = await bootTestApp();
    caseworker = await userWithToken(t, 'caseworker');
    manager = await userWithToken(t, 'manager');
  });
  afterAll(() => t.close());

  const add = (from: string, days: number | string, token = caseworker.token) =>
    t.http.get(`/api/calendar/add-working-days?from=${from}&days=${days}`, token);

  it('answers the 2026 official calendar (国办发明电〔2025〕7号) to every signed-in role', async () => {
    expect(t.app.get(WorkingCalendar).coveredYears()).not.toContain(FUTURE);
    const cases: [string, number, string][] = [
      ['2026-09-30', 10, '2026-10-20'], // National Day Oct 1–7 off, Saturday Oct 10 worked
      ['2026-09-18', 10, '2026-10-09'], // Sunday Sep 20 worked, Mid-Autumn Sep 25–27 off
      ['2026-02-10', 10, '2026-03-02'], // Spring Festival Feb 15–23 off, Saturdays Feb 14 and 28 worked
      ['2026-02-13', 2, '2026-02-24'],
      ['2026-10-03', 1, '2026-10-08'], // from a holiday
      ['2026-10-01', 0, '2026-10-01'],
    ];
    for (const [from, days, date] of cases) {
      const res = await add(from, days);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ from, days, date });
    }
    const company = await createEnterprise(t);
    const tokens = [
      t.adminToken,
      manager.token,
      (await userWithToken(t, 'reviewer', { expertise: 'technical' })).token,
      (await userWithToken(t, 'enterprise', { enterpriseId: company.id })).token,
    ];
    for (const token of tokens) expect((await add('2026-09-30', 10, token)).json().date).toBe('2026-10-20');

    const day = await t.http.get('/api/calendar/days/2026-10-10', caseworker.token);
    expect(day.json()).toEqual({
      date: '2026-10-10',
      workday: true,
      source: 'official',
      holiday: '国庆节',
      holidayEn: 'National Day',
      swappedWorkday: true,
    });
    expect((await t.http.get('/api/calendar/days/2026-10-01', caseworker.token)).json()).toMatchObject({
      workday: false,
      source: 'official',
      holiday: '国庆节',
    });
  });

  it('falls back to Monday–Friday beyond the data, and an admin override changes the answer', async () => {
    expect((await add(`${FUTURE}-09-28`, 1)).json().date).toBe(`${FUTURE}-10-01`);
    expect((await t.http.get(`/api/calendar/days/${FUTURE}-10-01`, caseworker.token)).json()).toEqual({
      date: `${FUTURE}-10-01`,
      workday: true,
      source: 'weekday-fallback',
    });

    const off = await t.http.put(
      `/api/calendar/days/${FUTURE}-10-01`,
      { workday: false, note: '国庆节' },
      t.adminToken,
    );
    expect(off.statusCode).toBe(201);
    expect(off.json()).toMatchObject({ workday: false, source: 'override', note: '国庆节', official: null });
    // The swapped working Saturday of that year's notice.
    const sat = await t.http.put(`/api/calendar/days/${FUTURE}-10-06`, { workday: true }, t.adminToken);
    expect(sat.statusCode).toBe(201);
    expect((await add(`${FUTURE}-09-28`, 1)).json().date).toBe(`${FUTURE}-10-02`);
    expect((await add(`${FUTURE}-10-05`, 1)).json().date).toBe(`${FUTURE}-10-06`);

    const again = await t.http.put(`/api/calendar/days/${FUTURE}-10-01`, { workday: false }, t.adminToken);
    expect(again.statusCode).toBe(200);
    expect(again.json().note).toBeNull();

    // An override also wins inside the official years.
    expect((await t.http.put('/api/calendar/days/2026-10-12', { workday: false }, t.adminToken)).statusCode).toBe(201);
    expect((await add('2026-10-09', 2)).json().date).toBe('2026-10-13');
    expect((await t.http.get('/api/calendar/days/2026-10-12', manager.token)).json()).toMatchObject({
      workday: false,
      source: 'override',
      official: { workday: true },
    });

    const listed = await t.http.get(`/api/calendar/overrides?year=${FUTURE}`, manager.token);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      total: 2,
      items: [{ date: `${FUTURE}-10-01` }, { date: `${FUTURE}-10-06` }],
    });
    expect((await t.http.get('/api/calendar/overrides', t.adminToken)).json().total).toBe(3);

    const removed = await t.http.delete('/api/calendar/days/2026-10-12', t.adminToken);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ workday: true, source: 'official' });
    expect((await add('2026-10-09', 2)).json().date).toBe('2026-10-12');
    expect((await t.http.delete('/api/calendar/days/2026-10-12', t.adminToken)).statusCode).toBe(404);

    const audit = await t.http.get(`/api/audit?entityType=calendar_day&entityId=${FUTURE}-10-01`, t.adminToken);
    expect(
      audit
        .json()
        .items.map((e: { event: string }) => e.event)
        .sort(),
    ).toEqual(['OVERRIDE_CHANGED', 'OVERRIDE_SET']);
    const removal = await t.http.get('/api/audit?entityType=calendar_day&entityId=2026-10-12', t.adminToken);
    expect(removal.json().items[0]).toMatchObject({ event: 'OVERRIDE_REMOVED', from: 'rest_day', to: null });
  });

  it("warns once per uncovered year, and sees another process's edit once its short cache expires", async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await add('2040-03-01', 5);
    await add('2040-06-01', 5);
    expect(warn.mock.calls.filter(([m]) => String(m).includes('2040'))).toHaveLength(1);
    warn.mockRestore();

    // Another process's admin writes 2040-03-05 (a Monday) as a day off; this process keeps its copy a few seconds.
    expect((await add('2040-03-02', 1)).json().date).toBe('2040-03-05');
    await t.app.get(DataSource).manager.insert(CalendarDayEntity, {
      date: '2040-03-05',
      workday: false,
      note: null,
      updatedBy: null,
      updatedAt: new Date(),
    });
    expect((await add('2040-03-02', 1)).json().date).toBe('2040-03-05');
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 10_000);
    try {
      expect((await add('2040-03-02', 1)).json().date).toBe('2040-03-06');
    } finally {
      clock.mockRestore();
    }
  });

  it('lets only admins change the calendar and only staff list overrides', async () => {
    for (const token of [caseworker.token, manager.token]) {
      expect((await t.http.put('/api/calendar/days/2035-10-02', { workday: false }, token)).statusCode).toBe(403);
      expect((await t.http.delete('/api/calendar/days/2035-10-01', token)).statusCode).toBe(403);
    }
    expect((await t.http.get('/api/calendar/overrides', caseworker.token)).statusCode).toBe(403);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const field = async (res: Promise<{ statusCode: number; json(): any }>) => {
      const r = await res;
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
      return [...new Set(r.json().fields.map((f: { field: string }) => f.field))];
    };
    expect(await field(add('2026-02-30', 1))).toEqual(['from']);
    expect(await field(add('2026-9-30', 1))).toEqual(['from']);
    expect(await field(add('2026-09-30', -1))).toEqual(['days']);
    expect(await field(add('2026-09-30', 3661))).toEqual(['days']);
    expect(await field(add('2026-09-30', '1.5'))).toEqual(['days']);
    expect(await field(add('2026-09-30', 'ten'))).toEqual(['days']);
    // Decimal digits only: an empty value is not 0, hex is not a count.
    expect(await field(add('2026-09-30', ''))).toEqual(['days']);
    expect(await field(add('2026-09-30', '0x0a'))).toEqual(['days']);
    expect(await field(t.http.get('/api/calendar/add-working-days?from=2026-09-30', caseworker.token))).toContain(
      'days',
    );
    expect(
      await field(t.http.get('/api/calendar/add-working-days?from=2026-09-30&days=1&x=1', caseworker.token)),
    ).toEqual(['x']);
    expect(await field(t.http.get('/api/calendar/days/2026-13-01', caseworker.token))).toEqual(['date']);
    expect(await field(t.http.put('/api/calendar/days/tomorrow', { workday: true }, t.adminToken))).toEqual(['date']);
    expect(await field(t.http.put('/api/calendar/days/2035-10-02', { workday: 'yes' }, t.adminToken))).toEqual([
      'workday',
    ]);
    expect(await field(t.http.get('/api/calendar/overrides?year=20x5', t.adminToken))).toEqual(['year']);
  });

  it('refuses callers without a token', async () => {
    expect((await t.http.get('/api/calendar/add-working-days?from=2026-09-30&days=10')).statusCode).toBe(401);
    expect((await t.http.get('/api/calendar/days/2026-10-01')).statusCode).toBe(401);
    expect((await t.http.put('/api/calendar/days/2035-10-02', { workday: false })).statusCode).toBe(401);
  });
});
