import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { CertificationEntity } from '../certifications/certification.entity';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import type { IndicatorYear } from '../grading/stored-facts';
import { AnnualIndicatorsEntity } from '../indicators/annual-indicators.entity';
import { GrantEntity } from './grant.entity';
import type { ProgrammeEntity } from './programme.entity';
import type { FactSource, TriggerEvent } from './rules/fact-vocabulary';
import type { EnterpriseRecord, FactInputs, TriggerFacts } from './rules/programme-facts';

/** One enterprise and one event a programme is evaluated for (a batch may replay several per enterprise). */
export interface Candidate {
  enterpriseId: string;
  trigger: TriggerFacts;
}

/**
 * The enterprises a read is about. A keyset page of the whole registry is a contiguous id range: the rows hanging
 * off it are read by range (an index range scan) rather than by a list of a thousand ids, and sorted out here.
 */
export interface EnterpriseSet {
  ids: string[];
  range: [string, string] | null;
}

export const listOf = (ids: string[]): EnterpriseSet => ({ ids, range: null });

/** A page from `FactsLoader.page`; `contiguous` when no district filter left gaps in it. */
export const pageOf = (records: EnterpriseRecord[], contiguous: boolean): EnterpriseSet => ({
  ids: records.map((r) => r.id),
  range: contiguous && records.length > 1 ? [records[0].id, records[records.length - 1].id] : null,
});

/** The date a batch-replayed event takes effect: today, or the last day of a past period. */
export function eventDateFor(period: number, today: string): string {
  return Number(today.slice(0, 4)) > period ? `${period}-12-31` : today;
}

/**
 * Reads what programme rules need for a set of enterprises, in one statement per source (sequential: inside a
 * transaction the reads share one connection), as raw rows. Only the sources the compiled rules name are read.
 */
export class FactsLoader {
  constructor(private readonly manager: EntityManager) {}

  /** Registry rows of enterprises still in the region (an enterprise that has exited is not paid). */
  async enterprises(ids: string[]): Promise<EnterpriseRecord[]> {
    if (!ids.length) return [];
    const rows = await this.manager.find(EnterpriseEntity, {
      where: { id: In(ids) },
      select: { id: true, district: true, state: true, colour: true, registeredOn: true, techSmeScore: true },
    });
    return rows.filter((r) => r.state !== 'exited').map(toRecord);
  }

  /** The next page of enterprises in id order (keyset), within the programme's districts. */
  async page(districts: string[] | null, after: string, limit: number): Promise<EnterpriseRecord[]> {
    const qb = this.manager
      .getRepository(EnterpriseEntity)
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .addSelect('e.district', 'district')
      .addSelect('e.state', 'state')
      .addSelect('e.colour', 'colour')
      .addSelect('e.registered_on', 'registeredOn')
      .addSelect('e.tech_sme_score', 'techSmeScore')
      .where('e.id > :after', { after })
      .andWhere("e.state <> 'exited'")
      .orderBy('e.id', 'ASC')
      .limit(limit);
    if (districts?.length) qb.andWhere('e.district IN (:...districts)', { districts });
    return (await qb.getRawMany<EnterpriseRecord>()).map(toRecord);
  }

  count(districts: string[] | null): Promise<number> {
    const qb = this.manager.getRepository(EnterpriseEntity).createQueryBuilder('e').where("e.state <> 'exited'");
    if (districts?.length) qb.andWhere('e.district IN (:...districts)', { districts });
    return qb.getCount();
  }

  /**
   * The events a batch run replays from stored rows for a programme's period (DOMAIN.md section 8: an event counts
   * toward the period of its own date): recognitions issued in the period (not revoked), filings of the period's
   * year, or for a manual programme one event per enterprise.
   */
  async candidates(
    programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind'>,
    set: EnterpriseSet,
    today: string,
  ): Promise<Candidate[]> {
    if (!set.ids.length) return [];
    const year = programme.period;
    const date = eventDateFor(year, today);
    if (programme.triggerEvent === 'manual')
      return set.ids.map((enterpriseId) => ({ enterpriseId, trigger: { type: 'manual', year, date } }));
    const wanted = new Set(set.ids);
    if (programme.triggerEvent === 'indicators.filed') {
      const qb = this.manager
        .getRepository(AnnualIndicatorsEntity)
        .createQueryBuilder('a')
        .select('a.enterprise_id', 'enterpriseId')
        .where('a.year = :year', { year });
      const rows = await within(qb, 'a.enterprise_id', set).getRawMany<{ enterpriseId: string }>();
      return rows
        .filter((r) => wanted.has(r.enterpriseId))
        .map((r) => ({ enterpriseId: r.enterpriseId, trigger: { type: 'indicators.filed', year, date } }));
    }
    const qb = this.manager
      .getRepository(CertificationEntity)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .addSelect('c.enterprise_id', 'enterpriseId')
      .addSelect('c.tier', 'tier')
      .addSelect('c.kind', 'kind')
      .addSelect('c.issued_on', 'issuedOn')
      .where('c.issued_on >= :from AND c.issued_on <= :to', { from: `${year}-01-01`, to: `${year}-12-31` })
      .andWhere("c.status <> 'revoked'")
      .orderBy('c.issued_on', 'ASC')
      .addOrderBy('c.id', 'ASC');
    if (programme.triggerKind) qb.andWhere('c.kind = :kind', { kind: programme.triggerKind });
    const rows = await within(qb, 'c.enterprise_id', set).getRawMany<{
      id: string;
      enterpriseId: string;
      tier: string;
      kind: string;
      issuedOn: string;
    }>();
    return rows
      .filter((c) => wanted.has(c.enterpriseId))
      .map((c) => ({
        enterpriseId: c.enterpriseId,
        trigger: {
          type: 'tier.recognised',
          year,
          date: c.issuedOn,
          tier: c.tier,
          kind: c.kind === 'renewal' ? 'renewal' : 'first',
          issuedOn: c.issuedOn,
          certificationId: c.id,
        },
      }));
  }

  /**
   * The inputs of buildFacts for each enterprise, reading only the sources named. Grading facts are built by
   * `storedFacts` from the same rows GradingRepository reads (whole filings, the latest three of the period or
   * before). When only indicator facts are read, just their keys are taken from the stored filings (`dataKeys`).
   */
  async inputs(
    records: EnterpriseRecord[],
    need: { sources: ReadonlySet<FactSource>; dataKeys: string[] | null },
    period: number,
    trigger: TriggerEvent,
    set: EnterpriseSet = listOf(records.map((r) => r.id)),
  ): Promise<Map<string, FactInputs>> {
    const out = new Map<string, FactInputs>(records.map((r) => [r.id, { enterprise: r }]));
    if (!records.length) return out;
    const grading = need.sources.has('grading');
    if (grading || need.sources.has('indicators')) {
      const qb = this.manager
        .getRepository(AnnualIndicatorsEntity)
        .createQueryBuilder('a')
        .select('a.enterprise_id', 'enterpriseId')
        .addSelect('a.year', 'year')
        .addSelect('a.data', 'data');
      if (!grading && trigger === 'indicators.filed')
        qb.where('a.year IN (:...years)', { years: [period, period - 1] });
      else qb.where('a.year <= :period', { period });
      const raw = new Map<string, StoredYear[]>();
      for (const row of await within(qb, 'a.enterprise_id', set).getRawMany<StoredYear & { enterpriseId: string }>()) {
        if (!out.has(row.enterpriseId)) continue;
        const list = raw.get(row.enterpriseId);
        if (list) list.push(row);
        else raw.set(row.enterpriseId, [row]);
      }
      const keys = grading ? null : need.dataKeys;
      for (const [id, input] of out) input.years = usedYears(raw.get(id) ?? [], grading, period, trigger, keys);
    }
    if (grading) {
      for (const input of out.values()) input.highTechIssuedOn = null;
      const qb = this.manager
        .getRepository(CertificationEntity)
        .createQueryBuilder('c')
        .select('c.enterprise_id', 'enterpriseId')
        .addSelect('MAX(c.issued_on)', 'issuedOn')
        .where("c.tier = 'high_tech' AND c.status = 'active'")
        .groupBy('c.enterprise_id');
      for (const c of await within(qb, 'c.enterprise_id', set).getRawMany<{
        enterpriseId: string;
        issuedOn: string;
      }>()) {
        const input = out.get(c.enterpriseId);
        if (input) input.highTechIssuedOn = c.issuedOn;
      }
    }
    if (need.sources.has('grants')) {
      for (const input of out.values()) input.grants = [];
      const qb = this.manager
        .getRepository(GrantEntity)
        .createQueryBuilder('g')
        .select('g.enterprise_id', 'enterpriseId')
        .addSelect('g.programme_code', 'programmeCode')
        .addSelect('g.period', 'period')
        .addSelect('g.state', 'state')
        .addSelect('g.amount', 'amount')
        .where('1 = 1');
      for (const g of await within(qb, 'g.enterprise_id', set).getRawMany<Record<string, any>>())
        out.get(g.enterpriseId)?.grants?.push({
          programmeCode: g.programmeCode,
          period: Number(g.period),
          state: g.state,
          amount: g.amount === null ? null : Number(g.amount),
        });
    }
    return out;
  }
}

/** Restricts a query to the enterprise set: an id range for a contiguous page, the id list otherwise. */
function within<T extends object>(qb: SelectQueryBuilder<T>, column: string, set: EnterpriseSet) {
  if (set.range)
    return qb.andWhere(`${column} >= :rangeFrom AND ${column} <= :rangeTo`, {
      rangeFrom: set.range[0],
      rangeTo: set.range[1],
    });
  return qb.andWhere(`${column} IN (:...setIds)`, { setIds: set.ids });
}

/**
 * The filings the facts read: the latest three up to the period (grading), and the event's year with the one before
 * (indicators). With `keys`, only those top-level numbers are taken from each stored filing (see `readKeys`).
 */
interface StoredYear {
  year: number | string;
  data: string | object;
}

function usedYears(
  rows: StoredYear[],
  grading: boolean,
  period: number,
  trigger: TriggerEvent,
  keys: string[] | null,
): IndicatorYear[] {
  let latest = -Infinity;
  for (const r of rows) if (Number(r.year) <= period && Number(r.year) > latest) latest = Number(r.year);
  const target = trigger === 'indicators.filed' ? period : latest;
  // The latest three of the period or before feed grading; the event's year and the year before feed indicators.
  const cutoff = grading
    ? [...rows]
        .map((r) => Number(r.year))
        .filter((y) => y <= period)
        .sort((a, b) => b - a)[2]
    : undefined;
  const out: IndicatorYear[] = [];
  for (const r of rows) {
    const year = Number(r.year);
    if (year > period) continue;
    if (!((grading && year >= (cutoff ?? -Infinity)) || year === target || year === target - 1)) continue;
    const data = typeof r.data !== 'string' ? r.data : keys ? readKeys(r.data, keys) : JSON.parse(r.data);
    out.push({ year, data: data as never });
  }
  return out;
}

const KEY_PATTERNS = new Map<string, RegExp>();

/**
 * Top-level numbers of a stored filing without parsing all of it: a filing is the app's own compact JSON
 * (`simple-json`), and the keys asked for are money and head counts that occur once, at the top level (nested
 * objects are `ip`, `innovation` and `declarations`). A filing the pattern cannot read is parsed whole instead.
 */
export function readKeys(text: string, keys: readonly string[]): Record<string, number> {
  const data: Record<string, number> = {};
  for (const key of keys) {
    let pattern = KEY_PATTERNS.get(key);
    if (!pattern) {
      pattern = new RegExp(`"${key}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\s*[,}]`);
      KEY_PATTERNS.set(key, pattern);
    }
    const match = pattern.exec(text);
    if (match) data[key] = Number(match[1]);
    else if (text.includes(`"${key}"`)) {
      const whole = JSON.parse(text) as Record<string, unknown>;
      for (const k of keys) if (typeof whole[k] === 'number') data[k] = whole[k] as number;
      return data;
    }
  }
  return data;
}

function toRecord(e: EnterpriseRecord): EnterpriseRecord {
  return {
    id: e.id,
    district: e.district,
    state: e.state,
    colour: e.colour,
    registeredOn: e.registeredOn,
    techSmeScore: e.techSmeScore === null || e.techSmeScore === undefined ? null : Number(e.techSmeScore),
  };
}
