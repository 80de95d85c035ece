import ExcelJS from 'exceljs';
import { ApplicationsSweepProcessor } from '../src/applications/applications-sweep.processor';
import { WorkingCalendar } from '../src/calendar/working-calendar.service';
import { chinaToday } from '../src/grading/dto/grading-facts.dto';
import { addDays, addYears } from '../src/grading/rules/dates';
import { parsePeriod, type Period, previousPeriod, sameLastYear } from '../src/pipeline/report-period';
import { EXAMPLE_FILINGS } from './helpers/domain-example';
import { createEnterprise } from './helpers/fixtures';
import { bootTestApp, Reply, TestApp, userWithToken } from './helpers/test-app';

const today = chinaToday();
const year = Number(today.slice(0, 4));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TIERS = ['tech_sme', 'high_tech', 'leader'] as const;
type User = { id: string; token: string };
type Cert = { tier: string; kind: string; issuedOn: string; validUntil: string; status: string; revocation: any };

const within = (date: string, p: Period) => date >= p.from && date <= p.to;
const monthOf = (date: string) => date.slice(0, 7);
const dayOf = (p: Period, day: number) => `${p.from.slice(0, 8)}${String(day).padStart(2, '0')}`;

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const rowCells = (r: any) => [
  r.section,
  r.metric,
  r.tier,
  r.district,
  r.current,
  r.previous,
  r.lastYear,
  r.deltaPrevious,
  r.deltaLastYear,
];
const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

describe('periodic reports: month, quarter and year, as JSON, CSV and XLSX', () => {
  let t: TestApp;
  let manager: User;
  let manager2: User;
  let cw: User;
  const enterprises: string[] = [];
  let closeOn = '';
  const month = parsePeriod(monthOf(today))!;
  const previous = previousPeriod(month);
  const lastYear = sameLastYear(month);

  beforeAll(async () => {
    t = await bootTestApp();
    manager = await userWithToken(t, 'manager');
    manager2 = await userWithToken(t, 'manager');
    cw = await userWithToken(t, 'caseworker');

    const ok = async (res: Reply) => {
      if (res.statusCode >= 300) throw new Error(`${res.statusCode}: ${res.body}`);
      return res.json();
    };
    let serial = 4_200_000;
    const certify = async (id: string, tier: string, issuedOn: string) => {
      serial++;
      const number =
        tier === 'tech_sme'
          ? `${issuedOn.slice(0, 4)}350100A${serial}`
          : tier === 'high_tech'
            ? `GR${issuedOn.slice(0, 4)}35${String(serial).slice(-6)}`
            : `LD-${serial}`;
      return ok(await t.http.post(`/api/enterprises/${id}/certifications`, { tier, number, issuedOn }, cw.token));
    };
    const enterprise = async (filed = false) => {
      const e = await createEnterprise(t, { district: '思明区' }, cw.token);
      if (filed)
        await ok(await t.http.put(`/api/enterprises/${e.id}/indicators/2025`, EXAMPLE_FILINGS[2025], cw.token));
      enterprises.push(e.id);
      return e.id as string;
    };

    // Recognitions in this month, the previous one and the same month last year.
    const a = await enterprise();
    const revokeMe = await certify(a, 'high_tech', today);
    await certify(await enterprise(), 'high_tech', dayOf(previous, 10));
    await certify(await enterprise(), 'high_tech', dayOf(lastYear, 10));
    await certify(await enterprise(), 'tech_sme', today);
    await certify(await enterprise(), 'leader', dayOf(previous, 12));
    // Expiries: certificates whose last day fell in the previous month and in the same month last year.
    await certify(await enterprise(), 'high_tech', addDays(addYears(dayOf(previous, 10), -3), 1));
    const renewing = await enterprise();
    await certify(renewing, 'high_tech', addDays(addYears(dayOf(lastYear, 10), -3), 1));
    // ...and that enterprise's re-recognition today (a renewal).
    await certify(renewing, 'high_tech', today);
    // A revocation today.
    const proposal = await ok(
      await t.http.post(
        `/api/enterprises/${a}/revocations`,
        { certificationId: revokeMe.id, reason: '年报未报', fraud: false },
        cw.token,
      ),
    );
    await ok(await t.http.post(`/api/enterprises/${a}/revocations/${proposal.id}/confirm`, {}, manager.token));
    // An exit today.
    await ok(await t.http.post(`/api/enterprises/${await enterprise()}/exit`, { reason: '迁出本市' }, cw.token));

    // Applications: two submitted today; one recognised when its notice closes, one rejected on an objection.
    const send = (id: string, body: Record<string, unknown>, token = cw.token) =>
      t.http.post(`/api/applications/${id}/events`, body, token);
    const pass = await ok(
      await t.http.post(
        '/api/applications',
        { enterpriseId: await enterprise(true), targetTier: 'tech_sme' },
        cw.token,
      ),
    );
    const fail = await ok(
      await t.http.post(
        '/api/applications',
        { enterpriseId: await enterprise(true), targetTier: 'tech_sme' },
        cw.token,
      ),
    );
    for (const app of [pass, fail]) {
      await ok(await send(app.id, { type: 'SUBMIT' }));
      await ok(await send(app.id, { type: 'ACCEPT' }));
      await ok(await send(app.id, { type: 'PUBLISH_NOTICE' }));
    }
    await ok(await send(fail.id, { type: 'OBJECT', name: '王五', contact: '13700000000', reason: '材料造假' }));
    await ok(await send(fail.id, { type: 'RESOLVE_OBJECTION', upheld: true, reason: '异议成立' }, manager.token));
    const notice = (await t.http.get(`/api/applications/${pass.id}`, cw.token)).json();
    closeOn = await t.app.get(WorkingCalendar).addWorkingDays(notice.noticeEndsOn, 1);
    expect((await t.app.get(ApplicationsSweepProcessor).closeNotices(closeOn)).recognised).toBe(1);
    await t.drainOutbox();

    // Grants matched by the recognitions; one paid today.
    const grants = (await t.http.get('/api/grants?pageSize=500', manager.token)).json().items;
    const g = grants.find((x: any) => x.programmeCode === 'high_tech_first' && x.state === 'eligible');
    if (g) {
      await ok(await t.http.post(`/api/grants/${g.id}/notify`, {}, cw.token));
      await ok(
        await t.http.post(
          `/api/grants/${g.id}/confirm`,
          {
            accountName: '厦门测试科技有限公司',
            bankName: '中国工商银行厦门分行',
            accountNumber: '4100021709200123456',
          },
          cw.token,
        ),
      );
      await ok(await t.http.post(`/api/grants/${g.id}/approve`, {}, manager2.token));
      await ok(await t.http.post(`/api/grants/${g.id}/pay`, { reference: 'CZ-RPT-1' }, manager.token));
    }

    // Targets of this year (and one of last year, for the same-period comparison).
    await ok(
      await t.http.put(
        `/api/targets/${year}`,
        {
          targets: [
            { district: '*', metric: 'new_high_tech', value: 8 },
            { district: '思明区', metric: 'applications', value: 4 },
          ],
        },
        manager.token,
      ),
    );
    await ok(
      await t.http.put(
        `/api/targets/${year - 1}`,
        { targets: [{ district: '*', metric: 'new_high_tech', value: 5 }] },
        manager.token,
      ),
    );
  });
  afterAll(() => t.close());

  /** Every figure of a period, computed here from the records read back through the API. */
  async function expected(p: Period) {
    const certs: Cert[] = [];
    for (const id of enterprises)
      certs.push(...(await t.http.get(`/api/enterprises/${id}/certifications`, cw.token)).json().items);
    const grants = (await t.http.get('/api/grants?pageSize=500', manager.token)).json().items as any[];
    const now = within(today, p);
    const byTier = (f: (tier: string) => number) => Object.fromEntries(TIERS.map((tier) => [tier, f(tier)]));
    const recognised = now ? 1 : 0;
    const rejected = now ? 1 : 0;
    const paid = grants.filter((g) => g.state === 'paid' && within(g.paidOn, p));
    const firstHighTech = certs.filter(
      (c) => c.tier === 'high_tech' && c.kind === 'first' && c.issuedOn >= `${p.year}-01-01` && c.issuedOn <= p.to,
    ).length;
    return {
      movements: {
        recognitions: Object.fromEntries(
          TIERS.map((tier) => [
            tier,
            {
              first: certs.filter((c) => c.tier === tier && c.kind === 'first' && within(c.issuedOn, p)).length,
              renewal: certs.filter((c) => c.tier === tier && c.kind === 'renewal' && within(c.issuedOn, p)).length,
            },
          ]),
        ),
        expiries: byTier(
          (tier) => certs.filter((c) => c.tier === tier && c.status === 'expired' && within(c.validUntil, p)).length,
        ),
        revocations: byTier(
          (tier) =>
            certs.filter((c) => c.tier === tier && c.status === 'revoked' && within(c.revocation.revokedOn, p)).length,
        ),
        exits: now ? 1 : 0,
      },
      applications: {
        submitted: now ? 2 : 0,
        decided: recognised + rejected,
        recognised,
        rejected,
        passRate: now ? 0.5 : null,
      },
      grants: {
        matchedCount: now ? grants.length : 0,
        matchedAmount: now ? grants.reduce((s, g) => s + (g.amount ?? 0), 0) : 0,
        paidCount: paid.length,
        paidAmount: paid.reduce((s, g) => s + g.amount, 0),
      },
      firstHighTech,
      applicationsYtd: p.year === year && p.to >= today ? 2 : 0,
    };
  }

  const labels = () => [month.label, `${year}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`, String(year)];

  it('answers each period as JSON with the previous period, the same period last year and the changes', async () => {
    for (const label of labels()) {
      const res = await t.http.get(`/api/reports/${label}`, manager.token);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      const r = res.json();
      const p = parsePeriod(label)!;
      const [prev, last] = [previousPeriod(p), sameLastYear(p)];
      expect({ period: r.period.label, previous: r.previous.label, lastYear: r.lastYear.label }).toEqual({
        period: label,
        previous: prev.label,
        lastYear: last.label,
      });
      const [c, pv, ly] = [await expected(p), await expected(prev), await expected(last)];
      for (const [name, got, want] of [
        ['current', r, c],
        ['previous', r, pv],
        ['lastYear', r, ly],
      ] as const) {
        const where = `${label} ${name}`;
        expect({ where, movements: got.movements[name] }).toEqual({ where, movements: want.movements });
        expect({ where, applications: got.applications[name] }).toEqual({ where, applications: want.applications });
        expect({ where, grants: got.grants[name] }).toEqual({ where, grants: want.grants });
        const region = got.targets[name].items.find((i: any) => i.metric === 'new_high_tech' && i.district === '*');
        expect({ where, actual: region.actual }).toEqual({ where, actual: want.firstHighTech });
      }
      expect(r.targets.current.items).toHaveLength(2);
      const region = r.targets.current.items.find((i: any) => i.district === '*');
      expect(region).toEqual({
        district: '*',
        metric: 'new_high_tech',
        target: 8,
        actual: c.firstHighTech,
        percentage: Math.round((c.firstHighTech * 10000) / 8) / 100,
      });
      // The same period last year compares with that year's target (5), not this year's.
      expect(r.targets.lastYear.items.find((i: any) => i.district === '*').target).toBe(5);
      expect(r.targets.current.items.find((i: any) => i.metric === 'applications').actual).toBe(c.applicationsYtd);
      // Changes are current minus the comparison.
      const firstHt = c.movements.recognitions.high_tech.first;
      expect(r.movements.deltas.previous.recognitions.high_tech.first).toBe(
        firstHt - pv.movements.recognitions.high_tech.first,
      );
      expect(r.movements.deltas.lastYear.recognitions.high_tech.first).toBe(
        firstHt - ly.movements.recognitions.high_tech.first,
      );
      expect(r.applications.deltas.previous.submitted).toBe(c.applications.submitted - pv.applications.submitted);
      const row = r.rows.find((x: any) => x.key === 'movements.recognitions.high_tech.first');
      expect(row).toMatchObject({
        section: 'Movements',
        metric: 'First recognitions',
        tier: 'high-tech',
        current: firstHt,
        previous: pv.movements.recognitions.high_tech.first,
        lastYear: ly.movements.recognitions.high_tech.first,
      });
    }
    // Sanity of the scenario itself: this month has recognitions, a renewal, a revocation, an exit and decisions.
    const m = (await t.http.get(`/api/reports/${month.label}`, manager.token)).json();
    expect(m.movements.current).toMatchObject({
      recognitions: { high_tech: { first: 1, renewal: 1 } },
      revocations: { high_tech: 1 },
      exits: 1,
    });
    expect(m.movements.previous).toMatchObject({
      recognitions: { high_tech: { first: 1 }, leader: { first: 1 } },
      expiries: { high_tech: 1 },
    });
    expect(m.movements.lastYear).toMatchObject({
      recognitions: { high_tech: { first: 1 } },
      expiries: { high_tech: 1 },
    });
    expect(m.applications.current).toEqual({ submitted: 2, decided: 2, recognised: 1, rejected: 1, passRate: 0.5 });
    expect(m.grants.current.paidCount).toBe(1);
    expect(m.grants.current.paidAmount).toBe(300_000);
  });

  it('writes CSV (UTF-8 with BOM, Chinese headers by default) by Accept header or ?format=, with the same rows', async () => {
    for (const label of labels()) {
      const zh = (await t.http.get(`/api/reports/${label}?lang=zh`, manager.token)).json();
      const en = (await t.http.get(`/api/reports/${label}?lang=en`, manager.token)).json();
      for (const [url, headers, json] of [
        [`/api/reports/${label}`, { accept: 'text/csv' }, zh],
        [`/api/reports/${label}?format=csv`, {}, zh],
        [`/api/reports/${label}?format=csv&lang=en`, { accept: 'application/json' }, en],
      ] as const) {
        const res = await t.http.get(url, manager.token, headers);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('text/csv');
        expect(res.headers['content-disposition']).toBe(`attachment; filename="report-${label}.csv"`);
        const raw = (res as any).rawPayload as Buffer;
        expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const rows = parseCsv(raw.subarray(3).toString('utf8'));
        expect(rows[0]).toEqual(json.columns);
        expect(rows.slice(1)).toEqual(json.rows.map((r: any) => rowCells(r).map(asText)));
      }
      expect(zh.columns.slice(0, 4)).toEqual(['板块', '指标', '梯次', '区县']);
      expect(zh.columns[4]).toBe(`本期(${label})`);
      expect(en.columns.slice(0, 4)).toEqual(['Section', 'Metric', 'Tier', 'District']);
      const csv = parseCsv(
        ((await t.http.get(`/api/reports/${label}?format=csv`, manager.token)) as any).rawPayload
          .subarray(3)
          .toString('utf8'),
      );
      const passRate = csv.find((r) => r[1] === '通过率')!;
      expect(passRate[0]).toBe('认定申请');
      const target = csv.find((r) => r[1] === '新增高新技术企业 目标' && r[3] === '全市')!;
      expect(target[4]).toBe('8');
    }
  });

  it('writes XLSX by Accept header or ?format=, headers in Chinese or English, numbers as numbers', async () => {
    for (const label of labels()) {
      for (const [url, headers, lang] of [
        [`/api/reports/${label}`, { accept: XLSX }, 'zh'],
        [`/api/reports/${label}?format=xlsx&lang=en`, {}, 'en'],
        [`/api/reports/${label}?format=xlsx&lang=zh`, { accept: 'text/csv' }, 'zh'],
      ] as const) {
        const res = await t.http.get(url, manager.token, headers);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(XLSX);
        const json = (await t.http.get(`/api/reports/${label}?lang=${lang}`, manager.token)).json();
        const book = new ExcelJS.Workbook();
        await book.xlsx.load((res as any).rawPayload);
        const sheet = book.worksheets[0];
        expect(sheet.name).toBe(lang === 'zh' ? '报表' : 'Report');
        const values = (n: number) =>
          Array.from({ length: 9 }, (_, i) => {
            const v = sheet.getRow(n).getCell(i + 1).value;
            return v === '' ? null : v;
          });
        expect(values(1)).toEqual(json.columns);
        expect(sheet.rowCount).toBe(json.rows.length + 1);
        json.rows.forEach((r: any, i: number) =>
          expect(values(i + 2)).toEqual(rowCells(r).map((v) => (v === '' ? null : v))),
        );
        const about = book.worksheets[1];
        expect(about.getRow(2).getCell(2).value).toBe(label);
      }
    }
  });

  it('refuses a bad period or format with a 400 naming it, and every role but managers and admins', async () => {
    for (const bad of ['2026-13', '2026-Q5', '2026-6', 'june', '20266', '1800']) {
      const res = await t.http.get(`/api/reports/${bad}`, manager.token);
      expect({ bad, status: res.statusCode, field: res.json().fields?.[0]?.field }).toEqual({
        bad,
        status: 400,
        field: 'period',
      });
    }
    const csvBad = await t.http.get('/api/reports/2026-13?format=csv', manager.token);
    expect(csvBad.json()).toMatchObject({ statusCode: 400, fields: [{ field: 'period' }] });
    expect((await t.http.get(`/api/reports/${year}?format=pdf`, manager.token)).json().fields[0].field).toBe('format');
    expect((await t.http.get(`/api/reports/${year}?lang=fr`, manager.token)).json().fields[0].field).toBe('lang');
    const own = await userWithToken(t, 'enterprise', { enterpriseId: enterprises[0] });
    const reviewer = await userWithToken(t, 'reviewer', { expertise: 'finance' });
    for (const token of [own.token, reviewer.token, cw.token])
      expect((await t.http.get(`/api/reports/${year}`, token)).statusCode).toBe(403);
    expect((await t.http.get(`/api/reports/${year}`, t.adminToken)).statusCode).toBe(200);
  });
});
