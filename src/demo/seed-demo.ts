import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource, Like, Not } from 'typeorm';
import { ApplicationEntity } from '../applications/application.entities';
import { ApplicationsSweepProcessor } from '../applications/applications-sweep.processor';
import { createApp } from '../app.factory';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { appendAudit } from '../audit/audit-log';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { addDays } from '../grading/rules/dates';
import { SYSTEM_ACTOR } from '../auth/actor';
import { ConfigError, loadConfig } from '../config/app-config';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { GrantEntity } from '../subsidies/grant.entity';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { DEMO_DISTRICTS, DEMO_PASSWORD, DEMO_USCC_PREFIX, enterpriseProfile, indicatorYears, prng } from './demo-data';

/**
 * `npm run seed:demo`: fills the database with a plausible district through the real API (so grading, tiers, grants
 * and notifications happen exactly as in use). Deterministic (seeded), prints progress, refuses a database that holds
 * anything but demo data. Options: `--enterprises N` (default 3000), `--seed S`.
 */
const YEAR = 2026;

export class DemoRefused extends Error {}

type Inject = (method: string, url: string, body?: unknown, token?: string) => Promise<any>;

function progress(label: string, done: number, total: number) {
  if (done === total || done % Math.max(1, Math.floor(total / 20)) === 0)
    process.stdout.write(
      `\r  ${label}: ${done}/${total} (${Math.round((done / total) * 100)}%)${done === total ? '\n' : ''}`,
    );
}

export async function seedDemo(env: NodeJS.ProcessEnv, SIZE = 3000, SEED = 20261121): Promise<'seeded' | 'present'> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  const app = await createApp(config);
  await app.init();
  const db = app.get(DataSource);
  const foreignEnterprises = await db
    .getRepository(EnterpriseEntity)
    .count({ where: { uscc: Not(Like(`${DEMO_USCC_PREFIX}%`)) } });
  const foreignUsers = await db.getRepository(UserEntity).count({ where: { username: Not(Like('demo-%')) } });
  const admins = await db.getRepository(UserEntity).count({ where: { username: 'admin' } });
  if (foreignEnterprises > 0 || foreignUsers - admins > 0) {
    await app.close();
    throw new DemoRefused(
      `Refusing to seed: the database holds non-demo data (${foreignEnterprises} enterprises, ${foreignUsers - admins} users). Use an empty database.`,
    );
  }
  // The last thing a seed writes is its completion mark: demo data without it is an interrupted seed, which a
  // second run cannot tell apart from a finished one by looking at the rows, so it is refused, not half-completed.
  const marks = { entityType: 'demo', entityId: 'district', event: 'SEEDED' };
  // A district seeded before the mark existed has grants, the seed's last step: finished too.
  const finished =
    (await db.getRepository(AuditEventEntity).count({ where: marks })) > 0 ||
    (await db.getRepository(GrantEntity).count()) > 0;
  if (finished) {
    console.log('Demo data is already present; nothing to do.');
    await app.close();
    return 'present';
  }
  const demoRows =
    (await db.getRepository(EnterpriseEntity).count()) +
    (await db.getRepository(UserEntity).count({ where: { username: Like('demo-%') } }));
  if (demoRows > 0) {
    await app.close();
    throw new DemoRefused(
      'An earlier seed was interrupted: the database holds part of a demo district. Delete the database ' +
        '(the embedded default: the ./data folder) and run the seed again.',
    );
  }
  const http: Inject = async (method, url, body, token) => {
    const res = await app.inject({
      method: method as never,
      url,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    const json = res.body ? JSON.parse(res.body) : null;
    if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return json;
  };
  const started = Date.now();
  console.log(`Seeding a demo district: ${SIZE} enterprises, seed ${SEED}`);
  const users = await seedUsers(app, http);
  const ids = await seedEnterprises(http, users, SIZE, SEED);
  await drain(app);
  await seedCertifications(http, users, ids, SEED);
  await drain(app);
  await seedApplications(app, http, users, ids, SEED);
  await seedCasework(http, users, ids, SEED);
  await seedTargets(http, users);
  await drain(app);
  await seedGrants(http, users, ids);
  await drain(app);
  await app
    .get(TransactionRunner)
    .run((m) => appendAudit(m, { ...marks, actorId: null, payload: { enterprises: SIZE, seed: SEED } }));
  console.log(
    `Done in ${Math.round((Date.now() - started) / 1000)} s. Sign in with any demo user (password ${DEMO_PASSWORD}); see README.`,
  );
  await app.close();
  return 'seeded';
}

async function drain(app: NestFastifyApplication) {
  const relay = app.get(OutboxRelay);
  for (let i = 0; i < 6000 && (await relay.pendingCount()) > 0; i++) {
    relay.nudge();
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DemoUsers {
  tokens: Record<string, string>;
  ids: Record<string, string>;
}

async function seedUsers(app: NestFastifyApplication, http: Inject): Promise<DemoUsers> {
  const usersService = app.get(UsersService);
  const specs: [string, string, Record<string, unknown>][] = [
    ['demo-admin', 'admin', { displayName: '系统管理员' }],
    ['demo-manager', 'manager', { displayName: '王处长' }],
    ['demo-manager2', 'manager', { displayName: '赵科长' }],
    ['demo-caseworker', 'caseworker', { displayName: '陈专员' }],
    ['demo-caseworker2', 'caseworker', { displayName: '林专员' }],
    ...Array.from(
      { length: 6 },
      (_, i) =>
        [`demo-expert-t${i + 1}`, 'reviewer', { expertise: 'technical', displayName: `技术专家${i + 1}` }] as [
          string,
          string,
          Record<string, unknown>,
        ],
    ),
    ...Array.from(
      { length: 2 },
      (_, i) =>
        [`demo-expert-f${i + 1}`, 'reviewer', { expertise: 'finance', displayName: `财务专家${i + 1}` }] as [
          string,
          string,
          Record<string, unknown>,
        ],
    ),
  ];
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const [username, role, extra] of specs) {
    const user = await usersService.create(
      { username, password: DEMO_PASSWORD, role: role as never, ...extra },
      SYSTEM_ACTOR,
    );
    ids[username] = user.id;
    tokens[username] = (await http('POST', '/api/auth/login', { username, password: DEMO_PASSWORD })).accessToken;
  }
  console.log(`  users: ${specs.length} (admin, managers, caseworkers, experts)`);
  return { tokens, ids };
}

async function seedEnterprises(http: Inject, users: DemoUsers, size: number, seed: number) {
  const rng = prng(seed);
  const cw = users.tokens['demo-caseworker'];
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const profile = enterpriseProfile(rng, i);
    const created = await http('POST', '/api/enterprises', profile, cw);
    ids.push(created.id);
    const { years } = indicatorYears(rng);
    for (const year of [2023, 2024, 2025])
      if (Number(profile.registeredOn.slice(0, 4)) <= year)
        await http('PUT', `/api/enterprises/${created.id}/indicators/${year}`, years[year], cw);
    progress('enterprises with indicators', i + 1, size);
  }
  // The first enterprise gets a user of its own, for trying the enterprise pages.
  const admin = users.tokens['demo-admin'];
  const user = await http(
    'POST',
    '/api/users',
    {
      username: 'demo-enterprise',
      password: DEMO_PASSWORD,
      role: 'enterprise',
      enterpriseId: ids[0],
      displayName: '企业填报员',
    },
    admin,
  );
  users.ids['demo-enterprise'] = user.id;
  users.tokens['demo-enterprise'] = (
    await http('POST', '/api/auth/login', { username: 'demo-enterprise', password: DEMO_PASSWORD })
  ).accessToken;
  return ids;
}

async function seedCertifications(http: Inject, users: DemoUsers, ids: string[], seed: number) {
  const rng = prng(seed + 1);
  const cw = users.tokens['demo-caseworker'];
  let serial = 1;
  let n = 0;
  for (const id of ids.slice(1)) {
    n++;
    const roll = rng.next();
    if (roll < 0.28) {
      await http(
        'POST',
        `/api/enterprises/${id}/certifications`,
        {
          tier: 'tech_sme',
          number: `${YEAR}350299A${String(serial++).padStart(7, '0')}`,
          issuedOn: `${YEAR}-0${rng.int(3, 9)}-1${rng.int(0, 9)}`,
        },
        cw,
      ).catch(() => undefined);
    } else if (roll < 0.4) {
      const year = rng.int(2023, YEAR);
      await http(
        'POST',
        `/api/enterprises/${id}/certifications`,
        {
          tier: 'high_tech',
          number: `GR${year}35${String(serial++).padStart(6, '0')}`,
          issuedOn: `${year}-${String(rng.int(1, 10)).padStart(2, '0')}-1${rng.int(0, 9)}`,
        },
        cw,
      ).catch(() => undefined);
      if (rng.chance(0.05))
        await http(
          'POST',
          `/api/enterprises/${id}/certifications`,
          { tier: 'leader', number: `XM-LJ-${YEAR}-${String(serial++).padStart(4, '0')}`, issuedOn: `${YEAR}-06-30` },
          cw,
        ).catch(() => undefined);
    }
    progress('certifications', n, ids.length - 1);
  }
}

/** Applications in every state of the procedure (at the default size), driven through the real events. */
async function seedApplications(
  nest: NestFastifyApplication,
  http: Inject,
  users: DemoUsers,
  ids: string[],
  seed: number,
) {
  /**
   * Demo shortcut: a notice that was "published three weeks ago" ends yesterday, so the sweep recognises it today and a
   * real certificate is issued through the normal path.
   */
  const recogniseNow = async (applicationId: string) => {
    const db = nest.get(DataSource);
    const row = await db.getRepository(ApplicationEntity).findOneByOrFail({ id: applicationId });
    const yesterday = addDays(chinaToday(), -1);
    const snapshot = {
      value: row.snapshot.value,
      context: { ...row.snapshot.context, noticeEndsOn: yesterday },
    } as never;
    await db.getRepository(ApplicationEntity).update({ id: applicationId }, { noticeEndsOn: yesterday, snapshot });
    await nest.get(ApplicationsSweepProcessor).closeNotices(chinaToday());
  };
  const rng = prng(seed + 2);
  const t = users.tokens;
  const cw = t['demo-caseworker'];
  const stops = [
    'recognised',
    'draft',
    'submitted',
    'returned',
    'accepted',
    'under_review',
    'reviewed',
    'public_notice',
    'objection_review',
    'rejected',
    'withdrawn',
  ];
  const tokenOf = (id: string) => t[Object.keys(users.ids).find((u) => users.ids[u] === id)!];
  let made = 0;
  // Blue enterprises meet every high-tech condition on file: the ones a bureau would see applying.
  const blue = await http('GET', '/api/enterprises?colour=blue&pageSize=500', undefined, cw);
  const candidates = (blue.items as { id: string; uscc: string }[]).filter((e) => e.id !== ids[0]);
  /** Each applying enterprise gets an account of its own (only the enterprise itself may withdraw). */
  const enterpriseToken = async (enterpriseId: string, uscc: string) => {
    const username = `demo-ent-${uscc.slice(-8).toLowerCase()}`;
    await http(
      'POST',
      '/api/users',
      { username, password: DEMO_PASSWORD, role: 'enterprise', enterpriseId },
      t['demo-admin'],
    );
    return (await http('POST', '/api/auth/login', { username, password: DEMO_PASSWORD })).accessToken as string;
  };
  for (const { id, uscc } of candidates) {
    if (made >= stops.length * 3) break;
    const own = await enterpriseToken(id, uscc);
    const stop = stops[made % stops.length];
    const app = await http('POST', '/api/applications', { enterpriseId: id, targetTier: 'high_tech' }, cw).catch(
      () => null,
    );
    if (!app) continue;
    const send = (body: Record<string, unknown>, token: string) =>
      http('POST', `/api/applications/${app.id}/events`, body, token);
    try {
      await advance(stop, send, own);
      made++;
    } catch (error) {
      // An enterprise that turns out not to qualify withdraws, as it would in reality; its slot goes to the next one.
      if (!/HARD_CONDITION_UNMET|NO_INDICATORS|BELOW_PASS_MARK/.test(String(error))) throw error;
      await send({ type: 'WITHDRAW', reason: '自评不达标，暂缓申报' }, own);
    }
  }

  async function advance(
    stop: string,
    send: (body: Record<string, unknown>, token: string) => Promise<any>,
    own: string,
  ) {
    if (stop === 'draft') return;
    await send({ type: 'SUBMIT' }, own);
    if (stop === 'submitted') return;
    if (stop === 'returned' || stop === 'withdrawn') {
      await send({ type: 'RETURN', reason: '请补充近三年审计报告' }, cw);
      if (stop === 'withdrawn') await send({ type: 'WITHDRAW', reason: '材料准备不及，明年再报' }, own);
      return;
    }
    await send({ type: 'ACCEPT' }, cw);
    if (stop === 'accepted') return;
    const drawn = await send({ type: 'DRAW_PANEL' }, cw);
    if (stop === 'under_review') return;
    for (const m of drawn.panel)
      await send(
        {
          type: 'SCORE',
          ip: rng.int(25, 29),
          conversion: rng.int(25, 29),
          rdManagement: rng.int(17, 19),
          comment: '材料翔实',
        },
        tokenOf(m.reviewerId),
      );
    if (stop === 'reviewed') return;
    const approve = stop !== 'rejected';
    const decided = await send(
      {
        type: 'DECIDE',
        approve,
        reason: approve ? '综合评分达标，同意认定' : '研发费用归集不规范，不予认定',
        calibrationNote: '已复核',
      },
      t['demo-manager'],
    );
    if (stop === 'recognised') await recogniseNow(decided.id);
    if (stop === 'objection_review')
      await send(
        { type: 'OBJECT', name: '张先生', contact: '13900000000', reason: '对知识产权归属有异议' },
        t['demo-caseworker2'],
      );
  }
  // Tech SME applications from startups that qualify by score: the simpler procedure, another set of states.
  const red = await http('GET', '/api/enterprises?colour=red&tier=startup&pageSize=200', undefined, cw);
  const smeStops = ['draft', 'submitted', 'accepted', 'public_notice'];
  let sme = 0;
  for (const { id, uscc } of red.items as { id: string; uscc: string }[]) {
    if (sme >= smeStops.length * 2) break;
    const stop = smeStops[sme % smeStops.length];
    const own = await enterpriseToken(id, uscc);
    const app = await http('POST', '/api/applications', { enterpriseId: id, targetTier: 'tech_sme' }, own).catch(
      () => null,
    );
    if (!app) continue;
    const send = (body: Record<string, unknown>, token: string) =>
      http('POST', `/api/applications/${app.id}/events`, body, token);
    try {
      if (stop !== 'draft') await send({ type: 'SUBMIT' }, own);
      if (stop === 'accepted' || stop === 'public_notice') await send({ type: 'ACCEPT' }, cw);
      if (stop === 'public_notice') await send({ type: 'PUBLISH_NOTICE' }, cw);
      sme++;
    } catch (error) {
      if (!/HARD_CONDITION_UNMET|NO_INDICATORS/.test(String(error))) throw error;
      await send({ type: 'WITHDRAW', reason: '自评不达标，暂缓申报' }, own);
    }
  }
  // The states reached, as they are: a small district has too few blue enterprises to fill all of them.
  const reached = await nest
    .get(DataSource)
    .getRepository(ApplicationEntity)
    .createQueryBuilder('a')
    .select('DISTINCT a.state', 'state')
    .where("a.target_tier = 'high_tech'")
    .getRawMany<{ state: string }>();
  console.log(
    `  applications: ${made} high-tech in ${reached.length} states (${reached
      .map((r) => r.state)
      .sort()
      .join(', ')}), ${sme} tech SME`,
  );
}

async function seedCasework(http: Inject, users: DemoUsers, ids: string[], seed: number) {
  const rng = prng(seed + 3);
  const manager = users.tokens['demo-manager'];
  const mine = ids.slice(0, 60);
  for (const [i, id] of mine.entries()) {
    const caseworker = i % 2 ? 'demo-caseworker2' : 'demo-caseworker';
    await http('PUT', `/api/enterprises/${id}/caseworker`, { caseworkerId: users.ids[caseworker] }, manager);
    if (rng.chance(0.4))
      await http(
        'POST',
        `/api/enterprises/${id}/visits`,
        {
          date: `${YEAR}-${String(rng.int(1, 10)).padStart(2, '0')}-${String(rng.int(10, 28))}`,
          kind: rng.pick(['on_site', 'phone', 'meeting']),
          notes: '了解企业研发投入与申报意向',
          needs: [
            {
              category: rng.pick(['funding', 'talent', 'ip', 'policy']),
              text: rng.pick(['希望了解高企认定辅导', '研发场地紧张', '需要知识产权布局指导', '融资需求约500万元']),
            },
          ],
        },
        users.tokens[caseworker],
      );
  }
  console.log(`  casework: ${mine.length} enterprises assigned, visits recorded`);
}

async function seedTargets(http: Inject, users: DemoUsers) {
  const targets = DEMO_DISTRICTS.flatMap((district, i) => [
    { district, metric: 'new_tech_sme', value: 80 + i * 10 },
    { district, metric: 'new_high_tech', value: 30 + i * 5 },
    { district, metric: 'new_leader', value: 2 },
    { district, metric: 'applications', value: 40 + i * 5 },
    { district, metric: 'grants_amount', value: 5_000_000 + i * 500_000 },
  ]);
  await http('PUT', `/api/targets/${YEAR}`, { targets }, users.tokens['demo-manager']).then(
    () => console.log(`  targets: ${targets.length}`),
    (error) => console.log(`  targets: skipped (${String(error).slice(0, 80)})`),
  );
}

/**
 * Moves some of the grants the programmes matched along their path: notified, confirmed, approved, paid. The grants
 * are taken in the order the seed created their enterprises (then programme and period), not the list's order: one
 * batch creates them at the same moment, and their ids are random, so the list's order differs from run to run.
 */
async function seedGrants(http: Inject, users: DemoUsers, ids: string[]) {
  const manager = users.tokens['demo-manager'];
  type Listed = { id: string; enterpriseId: string; programmeCode: string; period: string; state: string };
  const grants: Listed[] = [];
  let total = 0;
  try {
    for (let page = 1; page === 1 || grants.length < total; page++) {
      const list = await http('GET', `/api/grants?pageSize=100&page=${page}`, undefined, manager);
      total = list.total;
      if (!list.items.length) break;
      grants.push(...list.items);
    }
  } catch {
    return console.log('  grants: skipped');
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  grants.sort(
    (a, b) =>
      (order.get(a.enterpriseId) ?? ids.length) - (order.get(b.enterpriseId) ?? ids.length) ||
      a.programmeCode.localeCompare(b.programmeCode) ||
      a.period.localeCompare(b.period),
  );
  let moved = 0;
  for (const grant of grants.slice(0, 30)) {
    const step = moved % 4;
    try {
      await http('POST', `/api/grants/${grant.id}/notify`, {}, manager);
      moved++;
      if (step === 0 || grant.state !== 'eligible') continue;
      const cw = users.tokens['demo-caseworker'];
      await http(
        'POST',
        `/api/grants/${grant.id}/confirm`,
        { accountName: '示例企业有限公司', bankName: '中国银行厦门分行', accountNumber: '6216610000012345678' },
        cw,
      );
      if (step === 1) continue;
      await http('POST', `/api/grants/${grant.id}/approve`, {}, users.tokens['demo-manager2']);
      if (step === 2) continue;
      await http(
        'POST',
        `/api/grants/${grant.id}/pay`,
        { reference: `CZ${YEAR}-${String(moved).padStart(6, '0')}` },
        manager,
      );
    } catch (error) {
      // A grant whose path differs (waitlisted, needs data) stays where it is.
      if (process.env.DEMO_DEBUG) console.warn(String(error));
    }
  }
  console.log(`  grants: ${total} matched, ${moved} moved along their path`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  /** `--name N` or `--name=N`, a whole number from `min`; anything else stops before a single row is written. */
  const option = (name: string, fallback: number, min: number) => {
    const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (at < 0) return fallback;
    const raw = args[at].includes('=') ? args[at].slice(name.length + 3) : args[at + 1];
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) {
      console.error(`--${name}: expected a whole number from ${min}, got "${raw ?? ''}"`);
      process.exit(1);
    }
    return value;
  };
  const unknown = args.filter((a) => a.startsWith('--') && !/^--(enterprises|seed)(=|$)/.test(a));
  if (unknown.length) {
    console.error(`unknown option ${unknown.join(', ')}; usage: npm run seed:demo -- [--enterprises N] [--seed S]`);
    process.exit(1);
  }
  seedDemo(process.env, option('enterprises', 3000, 1), option('seed', 20261121, 0)).catch((error) => {
    console.error(error instanceof ConfigError || error instanceof DemoRefused ? error.message : error);
    process.exit(error instanceof DemoRefused ? 2 : 1);
  });
}
