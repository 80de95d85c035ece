import { DataSource } from 'typeorm';
import { CaseworkService } from '../src/casework/casework.service';
import { OutboxEventEntity } from '../src/outbox/outbox-event.entity';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { addDays } from '../src/grading/rules/dates';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, TestApp, userWithToken } from './helpers/test-app';

const today = chinaToday();
const year = today.slice(0, 4);

describe('casework: assignments, follow-up visits, needs and visits due', () => {
  let t: TestApp;
  let manager: { token: string; id: string };
  let cw: { token: string; id: string };
  beforeAll(async () => {
    t = await bootTestApp();
    manager = await userWithToken(t, 'manager');
    cw = await userWithToken(t, 'caseworker');
  });
  afterAll(() => t.close());

  it('assigns a caseworker, who then sees the enterprise with a visit due after a high-tech recognition', async () => {
    const e = await createEnterprise(t, { registeredOn: '2019-04-01' });
    await t.http.put(`/api/enterprises/${e.id}/indicators/2025`, EXAMPLE_FILINGS[2025], cw.token);
    expect(
      (await t.http.put(`/api/enterprises/${e.id}/caseworker`, { caseworkerId: cw.id }, cw.token)).statusCode,
    ).toBe(403);
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'technical' });
    expect(
      (await t.http.put(`/api/enterprises/${e.id}/caseworker`, { caseworkerId: reviewer.id }, manager.token)).json()
        .fields[0].field,
    ).toBe('caseworkerId');
    expect(
      (await t.http.put(`/api/enterprises/${e.id}/caseworker`, { caseworkerId: cw.id }, manager.token)).json()
        .caseworkerId,
    ).toBe(cw.id);

    await t.http.post(
      `/api/enterprises/${e.id}/certifications`,
      { tier: 'high_tech', number: `GR${year}35700001`, issuedOn: `${year}-03-01` },
      cw.token,
    );
    await t.drainOutbox();
    const mine = (await t.http.get('/api/casework/mine', cw.token)).json();
    const entry = mine.items.find((i: { enterprise: { id: string } }) => i.enterprise.id === e.id);
    expect(entry).toMatchObject({
      attention: 'visit_due',
      visitsDue: [{ reason: 'high_tech_recognised', dueOn: addDays(today, 30) }],
    });
    const notes = (await t.http.get('/api/notifications', cw.token)).json().items.map((n: { kind: string }) => n.kind);
    expect(notes).toEqual(expect.arrayContaining(['casework.assigned', 'visit.due']));
    // Delivering the same event again does not add a second due visit.
    await t.drainOutbox();
    expect((await t.http.get(`/api/enterprises/${e.id}/visits`, cw.token)).json().due).toHaveLength(1);

    const visit = await t.http.post(
      `/api/enterprises/${e.id}/visits`,
      {
        date: today,
        kind: 'on_site',
        notes: '走访生产线，了解研发情况',
        needs: [
          { category: 'talent', text: '需要引进高级工程师' },
          { category: 'funding', text: '研发资金缺口' },
        ],
      },
      cw.token,
    );
    expect(visit.statusCode).toBe(201);
    expect(visit.json().needs).toHaveLength(2);
    const after = (await t.http.get('/api/casework/mine', cw.token))
      .json()
      .items.find((i: { enterprise: { id: string } }) => i.enterprise.id === e.id);
    expect(after).toMatchObject({ attention: 'ok', visitsDue: [], openNeeds: 2 });

    const need = visit.json().needs[0];
    expect(
      (await t.http.patch(`/api/enterprises/${e.id}/needs/${need.id}`, { status: 'resolved' }, cw.token)).json()
        .fields[0].field,
    ).toBe('outcome');
    const resolved = await t.http.patch(
      `/api/enterprises/${e.id}/needs/${need.id}`,
      { status: 'resolved', outcome: '已对接人才公寓与引才补贴', version: 1 },
      cw.token,
    );
    expect(resolved.json()).toMatchObject({ status: 'resolved', version: 2, resolvedBy: cw.id });
    expect(
      (
        await t.http.patch(`/api/enterprises/${e.id}/needs/${need.id}`, { status: 'in_progress', version: 1 }, cw.token)
      ).json().code,
    ).toBe('STALE_VERSION');

    const own = await userWithToken(t, 'enterprise', { enterpriseId: e.id });
    expect((await t.http.get(`/api/enterprises/${e.id}/visits`, own.token)).json().total).toBe(1);
    const other = await createEnterprise(t);
    expect((await t.http.get(`/api/enterprises/${other.id}/visits`, own.token)).statusCode).toBe(404);
    expect(
      (
        await t.http.post(
          `/api/enterprises/${e.id}/visits`,
          { date: today, kind: 'phone', notes: 'x', needs: [] },
          own.token,
        )
      ).statusCode,
    ).toBe(403);
  });

  it('closes a follow-up only with a visit on or after its recognition; the same assignment twice notifies once', async () => {
    const e = await createEnterprise(t, { registeredOn: '2019-04-01' });
    await t.http.put(`/api/enterprises/${e.id}/indicators/2025`, EXAMPLE_FILINGS[2025], cw.token);
    const assign = () => t.http.put(`/api/enterprises/${e.id}/caseworker`, { caseworkerId: cw.id }, manager.token);
    expect((await assign()).statusCode).toBe(200);
    expect((await assign()).statusCode).toBe(200);
    const assigned = (await t.http.get('/api/notifications?pageSize=100', cw.token))
      .json()
      .items.filter((n: { kind: string; payload: { enterpriseId: string } }) => n.kind === 'casework.assigned')
      .filter((n: { payload: { enterpriseId: string } }) => n.payload.enterpriseId === e.id);
    expect(assigned).toHaveLength(1);
    const events = await t.http.get(`/api/audit?entityType=enterprise&entityId=${e.id}`, manager.token);
    expect(events.json().items.filter((a: { event: string }) => a.event === 'CASEWORKER_ASSIGNED')).toHaveLength(1);

    await t.http.post(
      `/api/enterprises/${e.id}/certifications`,
      { tier: 'high_tech', number: `GR${year}35700002`, issuedOn: `${year}-03-01` },
      cw.token,
    );
    await t.drainOutbox();
    const visit = (date: string) =>
      t.http.post(`/api/enterprises/${e.id}/visits`, { date, kind: 'phone', notes: '电话回访', needs: [] }, cw.token);
    expect((await visit(addDays(today, -1))).statusCode).toBe(201);
    expect((await t.http.get(`/api/enterprises/${e.id}/visits`, cw.token)).json().due).toMatchObject([
      { status: 'open', visitId: null },
    ]);
    const onTime = await visit(today);
    expect((await t.http.get(`/api/enterprises/${e.id}/visits`, cw.token)).json().due).toMatchObject([
      { status: 'done', visitId: onTime.json().id },
    ]);
  });

  it('counts the days to the visit from the day of recognition in China, not from the UTC date', async () => {
    const e = await createEnterprise(t, { registeredOn: '2019-04-01' });
    // 00:30 on 2 May in Beijing is still 1 May in UTC.
    const event = {
      aggregateId: e.id,
      payload: { tier: 'high_tech', certificationId: null, issuedOn: null, at: '2026-05-01T16:30:00.000Z' },
    } as unknown as OutboxEventEntity;
    await t.app.get(CaseworkService).onRecognised(event, t.app.get(DataSource).manager);
    const due = (await t.http.get(`/api/enterprises/${e.id}/visits`, cw.token)).json().due;
    expect(due).toEqual([expect.objectContaining({ reason: 'high_tech_recognised', dueOn: '2026-06-01' })]);
  });

  it('does not ask for a visit to a large enterprise, and refuses a visit dated in the future', async () => {
    const big = await createEnterprise(t, { registeredOn: '2019-04-01' });
    await t.http.put(
      `/api/enterprises/${big.id}/indicators/2025`,
      { ...EXAMPLE_FILINGS[2025], employees: 450, techStaff: 100 },
      cw.token,
    );
    await t.http.post(
      `/api/enterprises/${big.id}/certifications`,
      { tier: 'high_tech', number: `GR${year}35700002`, issuedOn: `${year}-03-01` },
      cw.token,
    );
    await t.drainOutbox();
    expect((await t.http.get(`/api/enterprises/${big.id}/visits`, cw.token)).json().due).toHaveLength(0);
    const future = await t.http.post(
      `/api/enterprises/${big.id}/visits`,
      { date: addDays(today, 3), kind: 'phone', notes: '电话回访', needs: [] },
      cw.token,
    );
    expect(future.json().fields[0].field).toBe('date');
  });
});
