/**
 * Fault 3: PostgreSQL restarts (pg_ctl/pg_ctlcluster restart, fast mode: sessions terminated, connections refused
 * while it is down) under concurrent reads and writes. Requests during the outage fail cleanly (503 with Retry-After,
 * never a 500 or a dropped connection), the API recovers without being restarted, and no change that was answered
 * 2xx is lost.
 */
import { insertEnterprises } from '../../bench/data';
import { makeUscc } from '../../src/enterprises/uscc';
import { EXAMPLE_FILINGS } from '../helpers/domain-example';
import {
  adminToken,
  Answer,
  ApiProcess,
  chinaToday,
  createUser,
  log,
  PgServer,
  PrivateRedis,
  requireBuild,
  round,
  sleep,
  Stack,
  TestDatabase,
  User,
  waitForOutbox,
  waitUntil,
} from './harness';

const CLIENTS = 8;
const PACE_MS = 20;
const BEFORE_MS = 4000;
/** After PostgreSQL accepts connections again, every request sent later than this must succeed. */
const RECOVERY_LIMIT_MS = 10_000;
const STEADY_MS = 5000;
const MAX_OPS = 30_000;

type Phase = 'before' | 'outage' | 'after';
interface Sent {
  client: number;
  op: string;
  phase: Phase;
  sentAt: number;
  answer: Answer;
}

describe('faults: PostgreSQL restarts under load', () => {
  let pg: PgServer;
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;
  let api: ApiProcess;

  beforeAll(async () => {
    requireBuild();
    pg = await PgServer.forRestart();
    log(`PostgreSQL to restart: ${pg.label}`);
    db = await TestDatabase.create('pgrestart', pg.adminUrl);
    redis = await PrivateRedis.start();
    stack = new Stack({ db, redis });
    api = await stack.startApi('api');
    await stack.startWorker('worker');
  }, 180_000);

  afterAll(async () => {
    try {
      // Whatever happened, the server is running again before anything else is cleaned up.
      await pg?.ensureRunning();
    } finally {
      await stack?.stopAll();
      await redis?.stop();
      await db?.drop();
      await pg?.dispose();
    }
  }, 120_000);

  it('answers 503 with Retry-After during the restart, recovers by itself and loses no committed write', async () => {
    await insertEnterprises(db.pool, 0, 200, true);
    const ids = (await db.query<{ id: string }>('SELECT id FROM enterprises ORDER BY id')).map((r) => r.id);
    const caseworker: User = await createUser(api.http, await adminToken(api.http), 'caseworker');
    const today = chinaToday();
    const year = today.slice(0, 4);

    const sent: Sent[] = [];
    let phase: Phase = 'before';
    let stop = false;
    let serial = 0;
    const created = new Map<string, Sent>(); // uscc → answer
    const certified = new Map<string, Sent>(); // number → answer
    /** Per client: the employees value of each indicators PUT, in order, with its answer. */
    const filings: { value: number; answer: Answer }[][] = Array.from({ length: CLIENTS }, () => []);

    const client = async (k: number) => {
      const own = ids[k];
      const mine: string[] = []; // enterprises this client created and has not certified yet
      for (let i = 0; !stop && sent.length < MAX_OPS; i++) {
        const n = ++serial;
        const sentAt = Date.now();
        const at = phase;
        let op: string;
        let answer: Answer;
        switch (i % 5) {
          case 0:
            op = 'list';
            answer = await api.http.get(`/api/enterprises?page=${1 + (i % 7)}&pageSize=20`, caseworker.token);
            break;
          case 1:
            op = 'get';
            answer = await api.http.get(`/api/enterprises/${ids[(i * 7 + k) % ids.length]}`, caseworker.token);
            break;
          case 2: {
            op = 'create';
            const uscc = makeUscc(`91350100${String(n).padStart(9, '0')}`);
            answer = await api.http.post(
              '/api/enterprises',
              { uscc, name: `重启测试科技有限公司${n}`, district: '思明区', registeredOn: '2020-05-01' },
              caseworker.token,
            );
            if (answer.status === 201) mine.push(answer.json.id);
            created.set(uscc, { client: k, op, phase: at, sentAt, answer });
            break;
          }
          case 3: {
            op = 'indicators';
            const value = 1000 + n;
            answer = await api.http.put(
              `/api/enterprises/${own}/indicators/2025`,
              { ...EXAMPLE_FILINGS[2025], employees: value },
              caseworker.token,
            );
            filings[k].push({ value, answer });
            break;
          }
          default: {
            const target = mine.shift();
            if (!target) {
              op = 'list';
              answer = await api.http.get(`/api/enterprises?pageSize=5`, caseworker.token);
              break;
            }
            op = 'certify';
            const number = `${year}350100A${String(n).padStart(7, '0')}`;
            answer = await api.http.post(
              `/api/enterprises/${target}/certifications`,
              { tier: 'tech_sme', number, issuedOn: today },
              caseworker.token,
            );
            certified.set(number, { client: k, op, phase: at, sentAt, answer });
          }
        }
        sent.push({ client: k, op, phase: at, sentAt, answer });
        await sleep(PACE_MS);
      }
    };

    const load = Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
    await sleep(BEFORE_MS);
    phase = 'outage';
    const restartAt = Date.now();
    let restartMs: number;
    try {
      restartMs = await pg.restart();
    } finally {
      await pg.ensureRunning();
    }
    const backAt = Date.now();
    phase = 'after';
    log(`PostgreSQL restarted in ${restartMs} ms`);
    // Recovered: a write through the same API process succeeds again (no restart of the API).
    const firstOk = await waitUntil(
      'the API to serve a write again after the restart',
      RECOVERY_LIMIT_MS + 20_000,
      async () => sent.some((s) => s.sentAt > backAt && s.op !== 'list' && s.op !== 'get' && s.answer.status < 300),
      50,
    );
    const recoveredAt = Date.now();
    await sleep(Math.max(STEADY_MS, backAt + RECOVERY_LIMIT_MS + 3000 - Date.now()));
    stop = true;
    await load;
    expect(firstOk).toBe(true);

    const byStatus = (list: Sent[]) =>
      list.reduce<Record<string, number>>((acc, s) => {
        const key = s.answer.status ? String(s.answer.status) : 'no-answer';
        acc[key] = (acc[key] ?? 0) + 1;
        return acc;
      }, {});
    const summary = Object.fromEntries(
      (['before', 'outage', 'after'] as Phase[]).map((p) => [p, byStatus(sent.filter((s) => s.phase === p))]),
    );
    log(`answers by phase and status: ${JSON.stringify(summary)}`);

    // Clean failures only: 2xx or 503 with a Retry-After hint; never 500, never a dropped connection.
    const unclean = sent.filter(
      (s) =>
        !(s.answer.status >= 200 && s.answer.status < 300) &&
        !(s.answer.status === 503 && s.answer.headers['retry-after']),
    );
    if (unclean.length)
      throw new Error(
        `${unclean.length} request(s) did not fail cleanly (expected 2xx or 503 + Retry-After): ` +
          unclean
            .slice(0, 6)
            .map((s) => `${s.op} (${s.phase}) → ${s.answer.status || s.answer.error} ${s.answer.body.slice(0, 200)}`)
            .join('; ') +
          `\nerror log lines: ${JSON.stringify(stack.errorLines().slice(0, 5))}`,
      );
    // Everything answered before the restart began succeeded.
    const before = sent.filter((s) => s.sentAt + s.answer.ms < restartAt);
    expect(before.filter((s) => s.answer.status >= 300)).toEqual([]);
    const failures = sent.filter((s) => s.answer.status >= 300);
    expect(failures.length).toBeGreaterThan(0); // the restart was felt, or this test proves nothing
    const lateFailures = failures.filter((s) => s.sentAt > backAt + RECOVERY_LIMIT_MS);
    expect(lateFailures.map((s) => `${s.op} ${s.answer.status} ${s.answer.body.slice(0, 100)}`)).toEqual([]);
    const lastFailureAt = Math.max(...failures.map((s) => s.sentAt));
    const tail = sent.filter((s) => s.sentAt > recoveredAt + 500);
    expect(tail.length).toBeGreaterThan(50);
    expect(tail.filter((s) => s.answer.status >= 300)).toEqual([]);

    // No committed change lost: every 2xx write is there.
    const createdOk = [...created].filter(([, s]) => s.answer.status === 201).map(([uscc]) => uscc);
    const foundEnterprises = await db.query<{ uscc: string }>('SELECT uscc FROM enterprises WHERE uscc = ANY($1)', [
      createdOk,
    ]);
    expect(foundEnterprises.length).toBe(createdOk.length);
    const certifiedOk = [...certified].filter(([, s]) => s.answer.status === 201).map(([n]) => n);
    const foundCertifications = await db.query('SELECT number FROM certifications WHERE number = ANY($1)', [
      certifiedOk,
    ]);
    expect(foundCertifications.length).toBe(certifiedOk.length);
    // Indicators: the stored value is the last acknowledged one, or that of a later write whose answer was lost.
    for (let k = 0; k < CLIENTS; k++) {
      const writes = filings[k];
      const lastOk = writes.map((w) => w.answer.status < 300).lastIndexOf(true);
      if (lastOk < 0) continue;
      const allowed = writes
        .slice(lastOk)
        .filter((w, j) => j === 0 || w.answer.status >= 300)
        .map((w) => w.value);
      const row = await db.one(
        `SELECT (data::jsonb ->> 'employees')::int AS employees FROM annual_indicators WHERE enterprise_id = $1 AND year = 2025`,
        [ids[k]],
      );
      expect(allowed).toContain(row.employees);
    }
    // The worker came through too: the side effects of every committed change are done.
    await waitForOutbox(db, 60_000);
    expect((await api.http.get('/health')).status).toBe(200);
    stack.assertAlive();
    const ops = sent.length;
    const unavailable = failures.length;
    log(
      `postgres restart (${pg.label}): ${ops} requests by ${CLIENTS} clients, restart took ${restartMs} ms; ` +
        `${unavailable} answered 503 + Retry-After (first ${round((Math.min(...failures.map((s) => s.sentAt)) - restartAt) / 1000, 2)} s ` +
        `after the restart began, last ${round((lastFailureAt - backAt) / 1000, 2)} s after PostgreSQL was back), 0 other failures; ` +
        `writes served again ${round((recoveredAt - backAt) / 1000, 2)} s after it was back, without restarting the API; ` +
        `${createdOk.length} enterprises created, ${certifiedOk.length} certifications, ` +
        `${filings.flat().filter((w) => w.answer.status < 300).length} indicator filings acknowledged, all found`,
    );
  }, 300_000);
});
