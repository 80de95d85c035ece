import fc from 'fast-check';
import { randomUUID } from 'node:crypto';

/**
 * fast-check arbitraries for hostile input: wrong types, huge and negative numbers, NaN-like strings, deep nesting,
 * prototype-pollution keys, unicode edge cases, very long strings, arrays for objects, invalid ids and dates.
 */

/** A JSON token written as is (`1e999`, `NaN`, `-0`), for what JSON.stringify cannot produce. */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold Raw tokens and own `__proto__` keys (kept, unlike with object spread). */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** encodeURIComponent that also takes lone surrogates (written as the invalid UTF-8 bytes a sloppy client sends). */
export function encodeAny(text: string): string {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (ch) => {
    if (ch.length === 2 || ch.charCodeAt(0) < 0xd800 || ch.charCodeAt(0) > 0xdfff) return encodeURIComponent(ch);
    const u = ch.charCodeAt(0);
    return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
      .map((b) => '%' + b.toString(16).toUpperCase())
      .join('');
  });
}

/** An object with the given own keys, `__proto__` included as a plain key. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

export const protoKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '__defineGetter__',
);

export const hugeNumber = fc.constantFrom<unknown>(
  new Raw('1e999'),
  new Raw('-1e999'),
  new Raw('123456789012345678901234567890'),
  new Raw('-0'),
  new Raw('1E+400'),
  new Raw('0.0000000000000000000000000000001'),
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER * 10,
  2 ** 63,
  2 ** 31,
  -(2 ** 31) - 1,
  5e-324,
);

export const negativeMoney = fc.oneof(
  fc.integer({ min: -1e12, max: -1 }),
  fc.double({ max: -0.0001, min: -1e15, noNaN: true }),
  fc.constant(-0.01),
);

export const nanLike = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  '1_000',
  ' 12 ',
  '',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '-',
  '+1',
  '1,000.00',
  '１２３',
  '٣',
  '12abc',
  '0.1.2',
);
export const nanToken = fc.constantFrom(
  new Raw('NaN'),
  new Raw('Infinity'),
  new Raw('-Infinity'),
  new Raw('undefined'),
);

export const unicodeEdge = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '\uFEFF',
    '\u202Eevil',
    'e\u0301',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '👨‍👩‍👧‍👦',
    '\u200B',
    '\r\n',
    '\t',
    '\\',
    '"',
    "'; DROP TABLE users; --",
    '<script>alert(1)</script>',
    '${7*7}',
    '{{7*7}}',
    '../../etc/passwd',
    '%00',
    '\uFFFF',
    '\u2028\u2029',
    '科技局',
    'ǅǈ',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

export const longString = fc.oneof(
  fc.constantFrom(10_000, 100_000, 400_000).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 201, max: 3000 }).map((n) => '长'.repeat(n)),
  fc.string({ minLength: 500, maxLength: 2000 }),
);

export const invalidUuid = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '0',
    '-1',
    '00000000-0000-0000-0000-000000000000',
    'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
    'null',
    'undefined',
    '1e999',
    '😀',
    "' OR '1'='1",
    '..',
    '%00',
    'a'.repeat(300),
  ),
  fc.uuid().map((u) => u + 'x'),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => `{${u}}`),
  fc.uuid().map((u) => ` ${u}`),
  fc.uuid().map((u) => u.replace(/-/g, '')),
);

export const invalidDate = fc.constantFrom(
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-99-99',
  '2026-1-1',
  '20260101',
  '2026-01-01T00:00:00Z',
  '-2026-01-01',
  '+02026-01-01',
  '1e5',
  'today',
  '',
  '2025-02-29',
  '1800-01-01',
  '2200-01-01',
  '２０２６-01-01',
  '2026-01-01\u0000',
);

export function deepNest(depth: number, array = false): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
}
export const deep = fc
  .tuple(fc.integer({ min: 8, max: 120 }), fc.boolean())
  .map(([depth, array]) => deepNest(depth, array));

const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 20 }));

/** One hostile value for a field of any type. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hugeNumber, weight: 3 },
  { arbitrary: negativeMoney, weight: 3 },
  { arbitrary: nanLike, weight: 3 },
  { arbitrary: nanToken, weight: 1 },
  { arbitrary: unicodeEdge, weight: 3 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: invalidUuid, weight: 2 },
  { arbitrary: invalidDate, weight: 2 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: scalar, weight: 3 },
  { arbitrary: fc.array(scalar, { maxLength: 5 }), weight: 2 },
  { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 4 }), weight: 2 },
  { arbitrary: fc.anything({ maxDepth: 3 }), weight: 1 },
  {
    arbitrary: fc.tuple(protoKey, scalar).map(([k, v]) =>
      objectOf([
        [
          k,
          objectOf([
            ['role', 'admin'],
            ['x', v],
          ]),
        ],
      ]),
    ),
    weight: 1,
  },
);

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length) out.push(prefix);
  if (prefix.length < 4 && value && typeof value === 'object')
    for (const key of Object.keys(value))
      paths((value as any)[key], [...prefix, Array.isArray(value) ? +key : key], out);
  return out;
}

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

function setAt(root: unknown, path: Path, value: unknown) {
  let node = root as any;
  for (const key of path.slice(0, -1)) node = node?.[key];
  if (node && typeof node === 'object')
    Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(root: unknown, path: Path) {
  let node = root as any;
  for (const key of path.slice(0, -1)) node = node?.[key];
  if (node && typeof node === 'object') delete node[path[path.length - 1]];
}

const swapType = (value: unknown): unknown =>
  typeof value === 'number'
    ? String(value)
    : typeof value === 'string'
      ? /^\d+$/.test(value)
        ? Number(value)
        : [value]
      : typeof value === 'boolean'
        ? String(value)
        : Array.isArray(value)
          ? objectOf(value.map((v, i) => [String(i), v]))
          : value && typeof value === 'object'
            ? [value]
            : 0;

/** A malformed JSON body derived from a route's plausible one: 1 to 3 mutations, or a whole replacement. */
export function malformedBody(template: unknown): fc.Arbitrary<unknown> {
  const base = template && typeof template === 'object' ? template : {};
  const all = paths(base);
  const pathArb = all.length ? fc.constantFrom(...all) : fc.constant<Path>(['field']);
  const knownKeys = all.filter((p) => p.length === 1).map((p) => String(p[0]));
  const keyArb = fc.oneof(
    protoKey,
    fc.constantFrom('id', 'version', 'createdAt', 'enterpriseId', 'role', 'state', 'tier', 'amount', ...knownKeys),
    fc.string({ maxLength: 20 }),
  );
  const mutation = fc.oneof(
    { arbitrary: fc.tuple(fc.constant('set' as const), pathArb, badValue), weight: 6 },
    { arbitrary: fc.tuple(fc.constant('add' as const), keyArb, badValue), weight: 2 },
    { arbitrary: fc.tuple(fc.constant('delete' as const), pathArb, fc.constant(null)), weight: 1 },
    { arbitrary: fc.tuple(fc.constant('swap' as const), pathArb, fc.constant(null)), weight: 2 },
  );
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ops) => {
    const body = clone(base);
    for (const [op, where, value] of ops) {
      if (op === 'set') setAt(body, where as Path, value);
      else if (op === 'add') setAt(body, [where as string], value);
      else if (op === 'delete') deleteAt(body, where as Path);
      else {
        let node = body as any;
        for (const key of (where as Path).slice(0, -1)) node = node?.[key];
        const last = (where as Path)[(where as Path).length - 1];
        if (node && typeof node === 'object') setAt(body, where as Path, swapType(node[last]));
      }
    }
    return body;
  });
  const replaced = fc.oneof(
    fc.constant([base]),
    fc.constant([]),
    fc.array(badValue, { maxLength: 3 }),
    badValue,
    fc.constant(objectOf([['__proto__', objectOf([['role', 'admin']])]])),
    fc.constant(objectOf([['constructor', objectOf([['prototype', objectOf([['isAdmin', true]])]])]])),
  );
  return fc.oneof({ arbitrary: mutated, weight: 5 }, { arbitrary: replaced, weight: 1 });
}

/** Bodies that are not JSON at all, or JSON in a wrong encoding or wrapper. */
export function rawBody(template: unknown): fc.Arbitrary<{ payload: string | Buffer; contentType: string }> {
  const text = toJson(template ?? {});
  const json = (payload: string | Buffer) => ({ payload, contentType: 'application/json' });
  return fc.oneof(
    fc.nat({ max: Math.max(1, text.length - 1) }).map((n) => json(text.slice(0, n))),
    fc.string({ maxLength: 30 }).map((junk) => json(text + junk)),
    fc.constantFrom(
      json('{"a":1,"a":2}'),
      json(`\uFEFF${text}`),
      json(`/* comment */${text}`),
      json(text.replace(/"/g, "'")),
      json('{"__proto__":{"role":"admin"}}'),
      json('{"constructor":{"prototype":{"isAdmin":true}}}'),
      json('NaN'),
      json(
        '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      ),
      json(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      json(Buffer.from(text, 'utf16le')),
      json(Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xc3, 0x28]), Buffer.from('}')])),
      json('{"a":"\u0000"}'),
      json(' '),
      json('\u0000'),
    ),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'text/json',
        'application/jsonx',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'APPLICATION/JSON',
        'application/json, text/plain',
        'application/octet-stream',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        '',
      )
      .map((contentType) => ({ payload: text, contentType })),
  );
}

const pathValue = fc.oneof(
  { arbitrary: invalidUuid, weight: 4 },
  { arbitrary: invalidDate, weight: 2 },
  { arbitrary: nanLike, weight: 2 },
  { arbitrary: unicodeEdge, weight: 2 },
  { arbitrary: fc.constantFrom('1948', '0', '-2024', '20245', '2024.0', '9999', '2024 ', '0x7E8'), weight: 2 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: fc.integer({ min: 101, max: 2000 }).map((n) => 'p'.repeat(n)), weight: 1 },
);

/** A path parameter value: encoded (it reaches the route) or raw (broken percent-encoding, slashes). */
export const badPathParam: fc.Arbitrary<{ value: string; raw: boolean }> = fc.oneof(
  { arbitrary: pathValue.map((value) => ({ value: String(value), raw: false })), weight: 5 },
  {
    arbitrary: fc
      .constantFrom('%', '%zz', '%E0%A4%A', '%00', '..%2F..%2F', '%2e%2e', 'a/b', '%C0%AE', ';x=1', '#frag')
      .map((value) => ({ value, raw: true })),
    weight: 1,
  },
);

const queryValue = fc.oneof(
  nanLike,
  hugeNumber.map((v) => (v instanceof Raw ? v.text : String(v))),
  negativeMoney.map(String),
  invalidUuid,
  invalidDate,
  unicodeEdge,
  longString.map((s) => s.slice(0, 4000)),
  fc.string({ maxLength: 10 }),
);

/** A malformed query string over the route's own parameter names, pagination, pollution keys and random keys. */
export function badQuery(names: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    fc.constantFrom('page', 'pageSize', ...names),
    protoKey,
    fc.constantFrom('__proto__[role]', 'constructor[prototype][isAdmin]', 'a[b][c]', 'page[]', ''),
    fc.string({ maxLength: 12 }),
  );
  const encoded = fc
    .array(fc.tuple(key, queryValue), { minLength: 1, maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&'));
  const raw = fc.constantFrom(
    '%%',
    '&&&',
    '=',
    'a=%E0%A4%A',
    'page=1&page=2',
    'pageSize=1e999',
    'page=-1',
    'a=%00',
    '%zz=1',
  );
  return fc.oneof({ arbitrary: encoded, weight: 5 }, { arbitrary: raw, weight: 1 });
}

/** A multipart upload that is wrong in some way (or right, carrying hostile content). */
export const badUpload = fc.record({
  field: fc.oneof(fc.constant('file'), fc.constant('file'), fc.string({ maxLength: 10 })),
  filename: fc.oneof(
    fc.constantFrom('a.csv', 'a.pdf', 'a.xlsx', '../../../etc/passwd', 'a\u0000.csv', '.csv', 'x'.repeat(300) + '.csv'),
    unicodeEdge.map((s) => `${s}.csv`),
  ),
  contentType: fc.constantFrom('text/csv', 'application/pdf', 'application/octet-stream', 'text/html', ''),
  content: fc.oneof(
    fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
    fc
      .array(fc.array(fc.oneof(nanLike, unicodeEdge, fc.string({ maxLength: 8 })), { maxLength: 17 }), { maxLength: 5 })
      .map((rows) => Buffer.from(['uscc,name,district,registeredOn,year', ...rows.map((r) => r.join(','))].join('\n'))),
    fc.constant(Buffer.from('%PDF-1.4\n%%EOF\n')),
    fc.constant(Buffer.alloc(0)),
  ),
  breakage: fc.constantFrom('none', 'none', 'no-closing-boundary', 'wrong-boundary', 'two-files', 'field-only'),
});

export function uploadPayload(u: typeof badUpload extends fc.Arbitrary<infer U> ? U : never) {
  const boundary = `----fuzz-${randomUUID()}`;
  const part = (field: string) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${u.filename.replace(/"/g, '')}"\r\n` +
          (u.contentType ? `Content-Type: ${u.contentType}\r\n` : '') +
          '\r\n',
      ),
      u.content,
      Buffer.from('\r\n'),
    ]);
  const parts =
    u.breakage === 'field-only'
      ? [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`)]
      : u.breakage === 'two-files'
        ? [part(u.field), part('file')]
        : [part(u.field)];
  const closing = u.breakage === 'no-closing-boundary' ? Buffer.alloc(0) : Buffer.from(`--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([...parts, closing]),
    contentType: `multipart/form-data; boundary=${u.breakage === 'wrong-boundary' ? 'nope' : boundary}`,
  };
}
