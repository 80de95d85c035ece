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
