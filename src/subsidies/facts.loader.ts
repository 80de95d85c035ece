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

/**
 * A page of a batch run or a simulation: the enterprises to decide, how the rows hanging off them are read, how many
 * enterprises in scope the page stands for (the progress), whether it is the last, and where the next one starts
 * (the last id of `records` when not given).
 */
export interface EventPage {
  records: EnterpriseRecord[];
  set: EnterpriseSet;
  walked: number;
  last: boolean;
  cursor?: string | null;
}

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
    return (await this.pageQuery(districts, after, limit).getRawMany<EnterpriseRecord>()).map(toRecord);
  }

  /**
   * How a batch run or a simulation walks the registry for a programme, decided once: page by page through every
   * enterprise in scope (`page`) when most have an event to replay, or else only through those that have one (a
   * filing of the period's year; a recognition of the period, not revoked, of the right kind), so a period with few
   * events costs few pages and one with none costs a query or two. Both give the same candidates, in id order
   * (`strategy` forces one, for tests).
   */
  async walker(
    programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind' | 'districts'>,
    total: number,
    limit: number,
    strategy?: 'registry' | 'events',
  ): Promise<(after: string) => Promise<EventPage>> {
    const districts = programme.districts?.length ? programme.districts : null;
    if (programme.triggerEvent === 'manual') strategy = 'registry';
    strategy ??= (await this.eventCount(programme)) * 2 >= total ? 'registry' : 'events';
    if (strategy === 'registry')
      return async (after) => {
        const records = await this.page(districts, after, limit);
        return { records, set: pageOf(records, !districts), walked: records.length, last: records.length < limit };
      };
    return (after) => this.eventPage(programme, districts, after, limit);
  }

  /** The enterprises with an event to replay after `after`, in id order; `walked` counts all in scope they span. */
  private async eventPage(
    programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind'>,
    districts: string[] | null,
    after: string,
    limit: number,
  ): Promise<EventPage> {
    const ids = (await this.events(programme, after, limit).getRawMany<{ id: string }>()).map((r) => r.id);
    const last = ids.length < limit;
    let records: EnterpriseRecord[] = [];
    if (ids.length) {
      const qb = inList(this.pageQuery(districts, after, ids.length), 'e.id', 'eventIds', ids);
      records = (await qb.getRawMany<EnterpriseRecord>()).map(toRecord);
    }
    const walked = await this.countBetween(districts, after, last ? null : ids[ids.length - 1]);
    // Past the last id of the page only when there is no next page; the next page starts after that id.
    const cursor = last ? null : ids[ids.length - 1];
    return { records, set: listOf(records.map((r) => r.id)), walked, last, cursor };
  }

  /** Enterprises with an event of the period (of any district, exited or not: a share is all `walker` needs). */
  private async eventCount(programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind'>) {
    const qb = this.events(programme, '', null);
    const count = programme.triggerEvent === 'indicators.filed' ? 'COUNT(*)' : 'COUNT(DISTINCT x.enterprise_id)';
    const row = await qb.select(count, 'n').getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** Distinct enterprises with an event of the programme's period after `after` (id order, at most `limit`). */
  private events(
    programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind'>,
    after: string,
    limit: number | null,
  ) {
    const year = programme.period;
    let qb: SelectQueryBuilder<object>;
    if (programme.triggerEvent === 'indicators.filed')
      qb = this.manager
        .getRepository(AnnualIndicatorsEntity)
        .createQueryBuilder('x')
        .select('x.enterprise_id', 'id')
        .where('x.year = :year', { year });
    else {
      qb = this.manager
        .getRepository(CertificationEntity)
        .createQueryBuilder('x')
        .select('DISTINCT x.enterprise_id', 'id')
        .where("x.issued_on >= :from AND x.issued_on <= :to AND x.status <> 'revoked'", {
          from: `${year}-01-01`,
          to: `${year}-12-31`,
        });
      if (programme.triggerKind) qb.andWhere('x.kind = :kind', { kind: programme.triggerKind });
    }
    if (after) qb.andWhere('x.enterprise_id > :after', { after });
    if (limit !== null) qb.orderBy('x.enterprise_id', 'ASC').limit(limit);
    return qb;
  }

  /** Enterprises in scope with an id after `after`, up to `upTo` (inclusive; null: to the end). */
  private countBetween(districts: string[] | null, after: string, upTo: string | null): Promise<number> {
    const qb = this.manager
      .getRepository(EnterpriseEntity)
      .createQueryBuilder('e')
      .where('e.id > :after', { after })
      .andWhere("e.state <> 'exited'");
    if (upTo !== null) qb.andWhere('e.id <= :upTo', { upTo });
    if (districts?.length) qb.andWhere('e.district IN (:...districts)', { districts });
    return qb.getCount();
  }

  private pageQuery(districts: string[] | null, after: string, limit: number) {
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
    return qb;
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
      const rows = await within(qb, 'a.enterprise_id', set).getRawMany<StoredYear & { enterpriseId: string }>();
      const keys = grading ? null : need.dataKeys;
      if (!grading && trigger === 'indicators.filed') {
        // Only the event's year and the one before were read, and both are used: each row becomes a year as it is.
        for (const input of out.values()) input.years = [];
        for (const row of rows) out.get(row.enterpriseId)?.years?.push(storedYear(row, keys));
        return this.rest(out, need, set);
      }
      const raw = new Map<string, StoredYear[]>();
      for (const row of rows) {
        if (!out.has(row.enterpriseId)) continue;
        const list = raw.get(row.enterpriseId);
        if (list) list.push(row);
        else raw.set(row.enterpriseId, [row]);
      }
      for (const [id, input] of out) input.years = usedYears(raw.get(id) ?? [], grading, period, trigger, keys);
    }
    return this.rest(out, need, set);
  }

  /** The certification and grant sources of `inputs`. */
  private async rest(
    out: Map<string, FactInputs>,
    need: { sources: ReadonlySet<FactSource> },
    set: EnterpriseSet,
  ): Promise<Map<string, FactInputs>> {
    const grading = need.sources.has('grading');
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
  return inList(qb, column, 'setIds', set.ids);
}

/**
 * `column IN (…ids)`: on PostgreSQL one array parameter (`= ANY`), so a page of a thousand ids is neither a thousand
 * parameters to bind nor a thousand constants to plan; SQLite takes the list.
 */
export function inList<T extends object>(qb: SelectQueryBuilder<T>, column: string, name: string, ids: string[]) {
  if (qb.connection.options.type === 'postgres') return qb.andWhere(`${column} = ANY(:${name})`, { [name]: ids });
  return qb.andWhere(`${column} IN (:...${name})`, { [name]: ids });
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
    out.push(storedYear(r, keys));
  }
  return out;
}

function storedYear(r: StoredYear, keys: string[] | null): IndicatorYear {
  const data = typeof r.data !== 'string' ? r.data : keys ? readKeys(r.data, keys) : JSON.parse(r.data);
  return { year: Number(r.year), data: data as never };
}

/**
 * Top-level numbers of a stored filing without parsing all of it: a filing is the app's own compact JSON
 * (`simple-json`), and the keys asked for are money and head counts that occur once, at the top level (nested
 * objects are `ip`, `innovation` and `declarations`). A filing this cannot read is parsed whole instead.
 * Each key is the first match of `"key"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,}]`, found by a scan rather
 * than a regular expression: 200,000 filings in a simulation, and no match objects to collect.
 */
export function readKeys(text: string, keys: readonly string[]): Record<string, number> {
  const data: Record<string, number> = {};
  for (const key of keys) {
    const quoted = `"${key}"`;
    const value = numberAfter(text, quoted);
    if (value !== undefined) data[key] = value;
    else if (text.includes(quoted)) {
      const whole = JSON.parse(text) as Record<string, unknown>;
      for (const k of keys) if (typeof whole[k] === 'number') data[k] = whole[k] as number;
      return data;
    }
  }
  return data;
}

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The number after the first `"key"` that is followed by `:`, a JSON number and `,` or `}`. */
function numberAfter(text: string, quoted: string): number | undefined {
  for (let at = text.indexOf(quoted); at !== -1; at = text.indexOf(quoted, at + 1)) {
    let i = at + quoted.length;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 58 /* : */) continue;
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    const start = i;
    if (text.charCodeAt(i) === 45 /* - */) i++;
    const digits = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === digits) continue;
    if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(text.charCodeAt(j))) {
        i = j + 1;
        while (isDigit(text.charCodeAt(i))) i++;
      }
    }
    const end = i;
    while (isSpace(text.charCodeAt(i))) i++;
    const next = text.charCodeAt(i);
    if (next === 44 /* , */ || next === 125 /* } */) return Number(text.slice(start, end));
  }
  return undefined;
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
