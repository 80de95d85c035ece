import { CN_2026_DEFAULT_CONFIG } from './cn-2026';
import { validateRegionConfig } from './region-config';

const valid = () => JSON.parse(JSON.stringify(CN_2026_DEFAULT_CONFIG));

describe('validateRegionConfig', () => {
  it('accepts the default, as JSON', () => {
    expect(validateRegionConfig(valid())).toEqual([]);
  });

  it('rejects a non-object', () => {
    expect(validateRegionConfig(null)).toEqual([{ field: '', reason: 'must be an object' }]);
    expect(validateRegionConfig([])).toEqual([{ field: '', reason: 'must be an object' }]);
  });

  it('rejects unknown fields at every level', () => {
    const c = valid();
    c.extra = 1;
    c.leader.patents = 3;
    c.colours[0].label = 'x';
    expect(validateRegionConfig(c).map((e) => e.field)).toEqual(['extra', 'leader.patents', 'colours.0.label']);
  });

  it('names each bad leader parameter', () => {
    const c = valid();
    c.leader = {
      revenueMin: -1,
      revenueGrowthMin: 0.0000000001,
      rdTwoYearMin: 1.5,
      rdRatioMin: 1.2,
      classOneIpMin: '4',
      mainBusinessShareMin: -0.1,
      debtRatioMax: 0.75,
    };
    expect(validateRegionConfig(c)).toEqual([
      { field: 'leader.revenueMin', reason: 'must be a non-negative integer' },
      { field: 'leader.revenueGrowthMin', reason: 'must have at most 9 decimals' },
      { field: 'leader.rdTwoYearMin', reason: 'must be a non-negative integer' },
      { field: 'leader.rdRatioMin', reason: 'must be a fraction from 0 to 1' },
      { field: 'leader.classOneIpMin', reason: 'must be a number' },
      { field: 'leader.mainBusinessShareMin', reason: 'must be a fraction from 0 to 1' },
      { field: 'leader.certificateValidityYears', reason: 'is required' },
    ]);
  });

  it('accepts growth above 100% but bounds certificate validity', () => {
    const c = valid();
    c.leader.revenueGrowthMin = 1.5;
    c.leader.certificateValidityYears = 0;
    expect(validateRegionConfig(c)).toEqual([
      { field: 'leader.certificateValidityYears', reason: 'must be an integer from 1 to 10' },
    ]);
  });

  it('checks colours and predicates against the vocabulary', () => {
    const c = valid();
    c.colours[0] = { colour: 'purple', when: 'is_gazelle' };
    const found = validateRegionConfig(c);
    expect(found.map((e) => e.field)).toEqual(['colours.0.colour', 'colours.0.when']);
    expect(found[1].reason).toContain('holds_high_tech_or_leader');
  });

  it('requires a non-empty list ending with an always rule', () => {
    expect(validateRegionConfig({ ...valid(), colours: [] })).toEqual([
      { field: 'colours', reason: 'must be a non-empty list of {colour, when} rules' },
    ]);
    const c = valid();
    c.colours.pop();
    expect(validateRegionConfig(c)).toEqual([
      { field: 'colours', reason: "the last rule must have when 'always' so every enterprise gets a colour" },
    ]);
  });

  it('accepts a custom mapping', () => {
    const c = valid();
    c.colours = [
      { colour: 'green', when: 'high_tech_all_met' },
      { colour: 'blue', when: 'leader_no_unmet' },
      { colour: 'red', when: 'always' },
    ];
    expect(validateRegionConfig(c)).toEqual([]);
  });
});
