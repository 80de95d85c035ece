import { eventDateFor, pageOf, readKeys } from './facts.loader';

describe('readKeys', () => {
  const filing = JSON.stringify({
    employees: 120,
    revenue: 42_000_000,
    rdExpense: 2_200_000,
    domesticRdExpense: 2_000_000,
    ip: { classI: 0, classII: 3 },
    innovation: { ip: 18, conversion: 19, rdManagement: 14 },
    highTechRevenue: 30_000_000,
    mainBusinessRevenue: 41_000_000,
  });

  it('reads top-level numbers without mistaking longer keys that end the same way', () => {
    expect(readKeys(filing, ['revenue', 'rdExpense', 'employees'])).toEqual({
      revenue: 42_000_000,
      rdExpense: 2_200_000,
      employees: 120,
    });
  });

  it('leaves absent keys out and falls back to a full parse for a shape it cannot read', () => {
    expect(readKeys(filing, ['netAssets'])).toEqual({});
    expect(readKeys('{"revenue": 5, "rdExpense" :\n 7}', ['revenue', 'rdExpense'])).toEqual({
      revenue: 5,
      rdExpense: 7,
    });
    expect(readKeys('{"revenue":null,"rdExpense":3}', ['revenue', 'rdExpense'])).toEqual({ rdExpense: 3 });
  });
});

describe('readKeys reads what the regular expression it replaces reads', () => {
  // The former implementation, kept here as the reference.
  const byPattern = (text: string, keys: readonly string[]) => {
    const data: Record<string, number> = {};
    for (const key of keys) {
      const match = new RegExp(`"${key}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\s*[,}]`).exec(text);
      if (match) data[key] = Number(match[1]);
      else if (text.includes(`"${key}"`)) {
        const whole = JSON.parse(text) as Record<string, unknown>;
        for (const k of keys) if (typeof whole[k] === 'number') data[k] = whole[k] as number;
        return data;
      }
    }
    return data;
  };
  const KEYS = ['"revenue"', '"rdExpense"', '"revenueX"', '"x"', 'revenue'];
  const SPACES = ['', '', ' ', '\t', '\v', '\f', '\n', '\u00a0', '\u2028', '\u3000', '\u0085'];
  const NUMBERISH = ['-', '0', '7', '42', '.', '.5', 'e', 'E+', 'e-', '3', '"12"', 'null', '[', 'true'];
  const ENDS = [',', '}', ']', '', ' ,', ':'];

  it('on 50,000 random fragments and on whole filings (first match, strict number shape, JSON fallback)', () => {
    let seed = 7;
    const r = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const pick = (list: string[]) => list[Math.floor(r() * list.length)];
    const keys = ['revenue', 'rdExpense'];
    // Key, spaces, colon, spaces, a few number-like pieces, spaces, an end: the shape the scan must judge exactly.
    const segment = () =>
      pick(KEYS) +
      pick(SPACES) +
      (r() < 0.9 ? ':' : '') +
      pick(SPACES) +
      Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(NUMBERISH)).join('') +
      pick(SPACES) +
      pick(ENDS);
    const outcome = (read: typeof readKeys, text: string) => {
      try {
        return read(text, keys);
      } catch (error) {
        return (error as Error).constructor.name;
      }
    };
    const fragments = Array.from(
      { length: 50_000 },
      () => '{' + Array.from({ length: 1 + Math.floor(r() * 3) }, segment).join(''),
    );
    const whole = [
      '{"revenue":-1.5e+7,"rdExpense":0}',
      '{"ip":{"revenue":3},"revenue":4}',
      '{"revenue":"5","rdExpense":1e400}',
      '{"revenue" \u2028: 12 }',
      '{"revenue":1.,"rdExpense":2}',
    ];
    for (const text of [...fragments, ...whole]) {
      const [actual, expected] = [outcome(readKeys, text), outcome(byPattern, text)];
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        expect({ text, actual }).toEqual({ text, actual: expected });
    }
  });
});

describe('pages and dates', () => {
  it('reads a contiguous page by id range, a filtered one by its ids', () => {
    const records = ['a', 'b', 'c'].map((id) => ({ id }) as never);
    expect(pageOf(records, true).range).toEqual(['a', 'c']);
    expect(pageOf(records, false).range).toBeNull();
  });

  it('replays a past period on its last day', () => {
    expect(eventDateFor(2025, '2026-11-21')).toBe('2025-12-31');
    expect(eventDateFor(2026, '2026-11-21')).toBe('2026-11-21');
  });
});
