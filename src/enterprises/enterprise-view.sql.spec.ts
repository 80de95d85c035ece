import { registryCountSql, registryPageSql } from './enterprise-view.sql';

describe('registry list SQL', () => {
  it('numbers its placeholders in the order of its values, the page last', () => {
    const page = registryPageSql({ tier: 'startup', district: '思明区', q: '50%_a\\' }, '-score', 20, 40);
    expect(page.values).toEqual(['startup', '思明区', '%50\\%\\_a\\\\%', '50\\%\\_A\\\\%', 20, 40]);
    for (let n = 1; n <= page.values.length; n++) expect(page.text).toContain(`$${n}`);
    expect(page.text).not.toContain(`$${page.values.length + 1}`);
    expect(page.text).toContain('ORDER BY e.tech_sme_score DESC, e.id ASC LIMIT $5 OFFSET $6');
    expect(registryCountSql({ tier: 'startup', district: '思明区' })).toEqual({
      text: 'SELECT CAST(COUNT(1) AS INTEGER) AS n FROM enterprises e WHERE e.state = $1 AND e.district = $2',
      values: ['startup', '思明区'],
    });
  });

  it("scopes to the caller's own enterprise even when its id is empty", () => {
    expect(registryCountSql({ own: '' })).toEqual({
      text: 'SELECT CAST(COUNT(1) AS INTEGER) AS n FROM enterprises e WHERE e.id = $1',
      values: [''],
    });
  });

  it('refuses a sort it does not know, inherited names included', () => {
    for (const sort of ['uscc', 'constructor', '-toString'])
      expect(() => registryPageSql({}, sort, 20, 0)).toThrow(/unknown sort/);
  });
});
