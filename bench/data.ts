/**
 * Deterministic benchmark data written straight into the tables with SQL (multi-row `INSERT … SELECT FROM unnest(…)`
 * in batches), bypassing the API: row i is the same on every run whatever the batch size, because each row draws from
 * its own seeded generator.
 */
import type { Pool } from 'pg';
import { USCC_ALPHABET, makeUscc } from '../src/enterprises/uscc';
import { rng } from './common';

const SEED = 20260630;

/** Districts of a made-up city with a skewed share each (percent), so the filters hit big and small groups. */
export const DISTRICTS: readonly { name: string; code: string; share: number }[] = [
  { name: '思明区', code: '03', share: 18 },
  { name: '湖里区', code: '06', share: 16 },
  { name: '集美区', code: '11', share: 12 },
  { name: '海沧区', code: '05', share: 10 },
  { name: '同安区', code: '12', share: 9 },
  { name: '翔安区', code: '13', share: 9 },
  { name: '火炬高新区', code: '21', share: 12 },
  { name: '自贸片区', code: '22', share: 6 },
  { name: '软件园', code: '23', share: 6 },
  { name: '鼓浪屿', code: '24', share: 2 },
];

const TIER_SHARES: [string, number][] = [
  ['startup', 72],
  ['tech_sme', 18],
  ['high_tech', 8],
  ['leader', 1.5],
  ['exited', 0.5],
];
/** Colours of the rows that have no indicators (the list-only bulk), as if they had been graded. */
const COLOUR_SHARES: [string, number][] = [
  ['orange', 30],
  ['red', 30],
  ['blue', 25],
  ['green', 15],
];
const INDUSTRIES = [
  '软件和信息技术服务',
  '电子信息',
  '生物医药',
  '新材料',
  '高端装备',
  '新能源',
  '数字创意',
  '海洋高新',
];
const SYLLABLES = '华科创新智联达信宏远金海天瑞博恒泰星辰云图安盛凯德隆嘉源汇鑫明光中正永和'.split('');
const KINDS = ['科技', '信息技术', '电子', '生物', '新材料', '智能装备', '软件', '网络'];

function pick<T>(shares: [T, number][], x: number): T {
  let acc = 0;
  const total = shares.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of shares) {
    acc += w / total;
    if (x < acc) return value;
  }
  return shares[shares.length - 1][0];
}

/** Row i's own generator: a bijective mix of i and the seed, so rows never share a stream. */
function rowRng(i: number, salt: number) {
  return rng((Math.imul(i + 1, 0x9e3779b1) ^ SEED ^ Math.imul(salt, 0x85ebca6b)) >>> 0);
}

const hex = (r: () => number, digits: number) =>
  Array.from({ length: digits }, () => Math.floor(r() * 16).toString(16)).join('');

/** A UUID-shaped id: random-looking (so id order is unrelated to i), unique because the last group is i itself. */
function uuid(r: () => number, kind: '8' | '9' | 'a' | 'b', i: number) {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${kind}${hex(r, 3)}-${i.toString(16).padStart(12, '0')}`;
}

/** A valid USCC (check character included), unique because the organisation code is i in base 31. */
function uscc(i: number, districtCode: string) {
  let org = '';
  for (let n = i, k = 0; k < 9; k++, n = Math.floor(n / USCC_ALPHABET.length))
    org = USCC_ALPHABET[n % USCC_ALPHABET.length] + org;
  return makeUscc(`913502${districtCode}${org}`);
}

export interface EnterpriseRow {
  id: string;
  uscc: string;
  name: string;
  district: string;
  registeredOn: string;
  industry: string | null;
  address: string | null;
  contact: string | null;
  state: string;
  colour: string;
  score: number | null;
  gaps: number | null;
  n: number;
}

export function enterpriseRow(i: number, graded: boolean): EnterpriseRow {
  const r = rowRng(i, 1);
  const id = uuid(r, '8', i);
  let x = r() * 100;
  let district = DISTRICTS[DISTRICTS.length - 1];
  for (const d of DISTRICTS) {
    if (x < d.share) {
      district = d;
      break;
    }
    x -= d.share;
  }
  const s = () => SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  const name = `厦门${s()}${s()}${KINDS[Math.floor(r() * KINDS.length)]}有限公司`;
  const year = 2005 + Math.floor(r() * 21);
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const colour = graded ? pick(COLOUR_SHARES, r()) : 'orange';
  return {
    id,
    uscc: uscc(i, district.code),
    name,
    district: district.name,
    // A tenth registered in the last year (young enterprises miss some checks).
    registeredOn:
      r() < 0.1
        ? `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
        : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    industry: r() < 0.9 ? INDUSTRIES[Math.floor(r() * INDUSTRIES.length)] : null,
    address: r() < 0.8 ? `${district.name}${Math.floor(r() * 900) + 1}号` : null,
    contact:
      r() < 0.5 ? JSON.stringify({ name: '联系人', phone: `0592-${5000000 + Math.floor(r() * 4999999)}` }) : null,
    state: pick(TIER_SHARES, r()),
    colour,
    score: graded && colour !== 'orange' ? Math.floor(r() * 101) : null,
    gaps: graded && colour !== 'orange' ? Math.floor(r() * 12) : null,
    n: i,
  };
}

/**
 * Three annual filings (2024 to 2026, so the default programmes of 2026 find filings of their period) in the stored
 * shape (test/helpers/domain-example.ts), with numbers spread
 * across the grading bands so every colour occurs.
 */
export function indicatorBodies(i: number): { year: number; data: Record<string, unknown> }[] {
  const r = rowRng(i, 2);
  const int = (max: number) => Math.floor(r() * (max + 1));
  const employees = 5 + int(700);
  const techStaff = Math.floor(employees * r() * 0.6);
  const scale = 10 ** (6 + int(2));
  let revenue = Math.floor(scale * (0.5 + 5 * r()));
  let netAssets = Math.floor(scale * (0.2 + 2 * r()));
  const supportedField = r() < 0.85;
  const ip = { classI: r() < 0.3 ? int(4) : 0, classII: int(8) };
  const declarations = {
    majorViolation: r() < 0.02,
    restrictedIndustry: r() < 0.02,
    dishonestyList: r() < 0.01,
    superDeductionExcluded: r() < 0.02,
  };
  const bodies = [];
  for (const year of [2024, 2025, 2026]) {
    const rdExpense = Math.floor(revenue * r() * 0.09);
    const totalAssets = Math.floor(netAssets * (1.2 + r()));
    const data: Record<string, unknown> = {
      employees,
      techStaff,
      totalAssets,
      totalLiabilities: totalAssets - netAssets,
      totalCosts: Math.floor(revenue * (0.6 + 0.35 * r())),
      revenue,
      rdExpense,
      domesticRdExpense: Math.floor(rdExpense * (0.5 + 0.5 * r())),
      netAssets,
      ip,
      supportedField,
      declarations,
      directQualifications: r() < 0.03 ? ['led_standard'] : [],
    };
    if (year === 2026) {
      data.totalIncome = Math.floor(revenue * (1 + 0.05 * r()));
      if (r() < 0.7) {
        data.highTechRevenue = Math.floor(revenue * r());
        data.mainBusinessRevenue = Math.floor(revenue * (0.7 + 0.3 * r()));
      }
      if (r() < 0.8) data.innovation = { ip: int(30), conversion: int(30), rdManagement: int(20) };
    }
    bodies.push({ year, data });
    revenue = Math.floor(revenue * (0.85 + 0.5 * r()));
    netAssets = Math.floor(netAssets * (0.9 + 0.4 * r()));
  }
  return bodies;
}

const ENTERPRISE_SQL = `
INSERT INTO enterprises (id, uscc, name, district, registered_on, industry, address, contact, state, snapshot,
  machine_id, machine_version, version, colour, tech_sme_score, gap_count, created_at, updated_at)
SELECT u.id, u.uscc, u.name, u.district, u.registered_on::date, u.industry, u.address, u.contact, u.state,
  '{"value":"' || u.state || '","context":{}}', 'enterprise-tier', 1, 1, u.colour, u.score, u.gaps,
  timestamptz '2026-01-01 00:00:00+08' + u.n * interval '1 second',
  timestamptz '2026-01-01 00:00:00+08' + u.n * interval '1 second'
FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::varchar[], $7::varchar[],
  $8::text[], $9::varchar[], $10::varchar[], $11::int[], $12::int[], $13::int[])
  AS u(id, uscc, name, district, registered_on, industry, address, contact, state, colour, score, gaps, n)`;

const INDICATORS_SQL = `
INSERT INTO annual_indicators (id, enterprise_id, year, data, version, created_at, updated_at)
SELECT u.id, u.enterprise_id, u.year, u.data, 1, timestamptz '2026-03-31 00:00:00+08', timestamptz '2026-03-31 00:00:00+08'
FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::text[]) AS u(id, enterprise_id, year, data)`;

const YEAR_KIND: Record<number, '9' | 'a' | 'b'> = { 2024: '9', 2025: 'a', 2026: 'b' };

async function insertBatch(pool: Pool, from: number, to: number, withIndicators: boolean, generatedColours: boolean) {
  const rows = [] as EnterpriseRow[];
  for (let i = from; i < to; i++) rows.push(enterpriseRow(i, generatedColours));
  const col = <K extends keyof EnterpriseRow>(k: K) => rows.map((row) => row[k]);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ENTERPRISE_SQL, [
      col('id'),
      col('uscc'),
      col('name'),
      col('district'),
      col('registeredOn'),
      col('industry'),
      col('address'),
      col('contact'),
      col('state'),
      col('colour'),
      col('score'),
      col('gaps'),
      col('n'),
    ]);
    if (withIndicators) {
      const ids: string[] = [];
      const enterpriseIds: string[] = [];
      const years: number[] = [];
      const data: string[] = [];
      for (const row of rows) {
        for (const body of indicatorBodies(row.n)) {
          const r = rowRng(row.n, body.year);
          ids.push(uuid(r, YEAR_KIND[body.year], row.n));
          enterpriseIds.push(row.id);
          years.push(body.year);
          data.push(JSON.stringify(body.data));
        }
      }
      await client.query(INDICATORS_SQL, [ids, enterpriseIds, years, data]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Inserts enterprises [from, to) (with three years of indicators each when asked), in batches on two connections so
 * generating the next batch overlaps with PostgreSQL writing the last one. Rows the app will grade start orange;
 * the others carry generated colours, as if graded.
 */
export async function insertEnterprises(
  pool: Pool,
  from: number,
  to: number,
  withIndicators: boolean,
  generatedColours = !withIndicators,
) {
  const batch = withIndicators ? 2000 : 5000;
  let next = from;
  const worker = async () => {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + batch);
      await insertBatch(pool, start, next, withIndicators, generatedColours);
    }
  };
  await Promise.all([worker(), worker()]);
}

const CERTIFICATIONS_SQL = `
INSERT INTO certifications (id, enterprise_id, tier, number, issued_on, valid_until, status, kind, source, version,
  created_at, updated_at)
SELECT u.id, u.enterprise_id, u.tier, u.number, u.issued_on::date, u.valid_until::date, 'active', u.kind, 'record', 1,
  timestamptz '2026-01-01 00:00:00+08', timestamptz '2026-01-01 00:00:00+08'
FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::text[], $7::varchar[])
  AS u(id, enterprise_id, tier, number, issued_on, valid_until, kind)`;

export interface CertificationRow {
  id: string;
  enterpriseId: string;
  tier: string;
  number: string;
  issuedOn: string;
  validUntil: string;
  kind: 'first' | 'renewal';
}

/**
 * The certificates behind row i's tier, as the registry would hold them: a tech SME entry of this year (the database
 * is renewed yearly), a high-tech certificate issued in 2024, 2025 or 2026 (three years' validity), and for a leader
 * both a high-tech and a leader certificate. About half are renewals. Startups and exited enterprises hold none.
 */
export function certificationRows(i: number): CertificationRow[] {
  const { id: enterpriseId, state } = enterpriseRow(i, false);
  const r = rowRng(i, 3);
  const date = (year: number) =>
    `${year}-${String(1 + Math.floor(r() * 10)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const rows: CertificationRow[] = [];
  // The id's variant digit tells the tier apart, its last group is i: unique.
  const kindOf: Record<string, '9' | 'a' | 'b'> = { tech_sme: '9', high_tech: 'a', leader: 'b' };
  const add = (tier: string, issuedOn: string, validUntil: string, prefix: string) =>
    rows.push({
      id: uuid(r, kindOf[tier], i),
      enterpriseId,
      tier,
      number: `${prefix}${issuedOn.slice(0, 4)}${String(i).padStart(8, '0')}`,
      issuedOn,
      validUntil,
      kind: r() < 0.5 ? 'first' : 'renewal',
    });
  if (state === 'tech_sme') add('tech_sme', date(2026), '2026-12-31', 'TS');
  if (state === 'high_tech' || state === 'leader') {
    const year = 2024 + Math.floor(r() * 3);
    const issuedOn = date(year);
    const until = new Date(Date.parse(issuedOn) + 3 * 365 * 86_400_000).toISOString().slice(0, 10);
    add('high_tech', issuedOn, until, 'GR');
  }
  if (state === 'leader') add('leader', date(2025 + Math.floor(r() * 2)), '2028-12-31', 'LD');
  return rows;
}

/** Inserts the certificates of enterprises [from, to) (see certificationRows). */
export async function insertCertifications(pool: Pool, from: number, to: number) {
  for (let start = from; start < to; start += 10_000) {
    const rows: CertificationRow[] = [];
    for (let i = start; i < Math.min(to, start + 10_000); i++) rows.push(...certificationRows(i));
    if (!rows.length) continue;
    const col = <K extends keyof CertificationRow>(k: K) => rows.map((row) => row[k]);
    await pool.query(CERTIFICATIONS_SQL, [
      col('id'),
      col('enterpriseId'),
      col('tier'),
      col('number'),
      col('issuedOn'),
      col('validUntil'),
      col('kind'),
    ]);
  }
}
