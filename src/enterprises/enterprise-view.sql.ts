/**
 * PostgreSQL writes the registry's reads as the JSON of their answers: `JSON.stringify(toEnterpriseView(row))` in SQL,
 * the view's fields in its order, timestamps as the ISO text `toISOString` writes, `contact` (simple-json text) as the
 * JSON it holds. row_to_json writes compact JSON as JSON.stringify does, so the answer is the same bytes; the API sends
 * it as it comes, with no driver parse of the columns, no entity hydration (the machine snapshot is not read) and no
 * re-serialisation. The texts are few (one per filter combination and sort), so they run as prepared statements.
 */
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The view's columns of the enterprise row `e`, named and ordered as `toEnterpriseView`'s fields. */
const VIEW_COLUMNS = `e.id, e.uscc, e.name, e.district, e.registered_on::text AS "registeredOn", e.industry, e.address,
  e.contact::json AS contact, e.state AS tier, e.colour, e.tech_sme_score AS "techSmeScore", e.gap_count AS "gapCount",
  e.caseworker_id AS "caseworkerId", e.version, ${ISO('e.created_at')} AS "createdAt", ${ISO('e.updated_at')} AS "updatedAt"`;

/** The view bodies of the enterprises with the ids `$1`, in no order. */
export const VIEW_BODIES_BY_IDS_SQL = `SELECT v.id, row_to_json(v)::text AS body
  FROM (SELECT ${VIEW_COLUMNS} FROM enterprises e WHERE e.id = ANY($1)) v`;

/** What a registry list is narrowed to: the caller's own enterprise, the query's filters. */
export interface RegistryFilter {
  own?: string;
  tier?: string;
  colour?: string;
  district?: string;
  /** A part of the name, or the start of the USCC. */
  q?: string;
}

/** Columns a list may be sorted by (the query's `sort`, with `-` for descending); `e.id` breaks ties. */
const SORT_COLUMNS: Record<string, string> = {
  name: 'e.name',
  registeredOn: 'e.registered_on',
  createdAt: 'e.created_at',
  score: 'e.tech_sme_score',
};

export interface Statement {
  text: string;
  values: unknown[];
}

function where(filter: RegistryFilter): Statement {
  const values: unknown[] = [];
  const conditions: string[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (filter.own !== undefined) conditions.push(`e.id = ${param(filter.own)}`);
  if (filter.tier) conditions.push(`e.state = ${param(filter.tier)}`);
  if (filter.colour) conditions.push(`e.colour = ${param(filter.colour)}`);
  if (filter.district) conditions.push(`e.district = ${param(filter.district)}`);
  if (filter.q) {
    // LIKE's own characters in the search text match themselves; names match whatever the case, as on SQLite.
    const q = filter.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(
      `(LOWER(e.name) LIKE LOWER(${param(`%${q}%`)}) ESCAPE '\\' OR e.uscc LIKE ${param(`${q.toUpperCase()}%`)} ESCAPE '\\')`,
    );
  }
  return { text: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/** The view's JSON as `body`, from the enterprise row `e` (PostgreSQL; a LATERAL subquery keeps `e`'s columns for the ORDER BY out of the JSON). */
export const VIEW_BODY_FROM = `SELECT row_to_json(v)::text AS body FROM enterprises e CROSS JOIN LATERAL (SELECT ${VIEW_COLUMNS}) v`;

/**
 * One page of the list in the sort's order, `select` naming what each row returns from the enterprise row `e` (by
 * default the view's JSON as `body`).
 */
export function registryPageSql(
  filter: RegistryFilter,
  sort: string,
  limit: number,
  offset: number,
  select = VIEW_BODY_FROM,
): Statement {
  const { text, values } = where(filter);
  const descending = sort.startsWith('-');
  const key = descending ? sort.slice(1) : sort;
  // The DTO allows only these keys; own properties only, so no inherited name can reach the SQL.
  if (!Object.hasOwn(SORT_COLUMNS, key)) throw new Error(`unknown sort ${sort}`);
  const column = SORT_COLUMNS[key];
  const page = `LIMIT $${values.length + 1} OFFSET $${values.length + 2}`;
  return {
    text: `${select}\n  ${text} ORDER BY ${column} ${descending ? 'DESC' : 'ASC'}, e.id ASC ${page}`,
    values: [...values, limit, offset],
  };
}

/** How many enterprises the list's filter matches (either database). */
export function registryCountSql(filter: RegistryFilter): Statement {
  const { text, values } = where(filter);
  return { text: `SELECT CAST(COUNT(1) AS INTEGER) AS n FROM enterprises e ${text}`, values };
}
