import { USCC_ALPHABET, isValidUscc, makeUscc, usccCheckCharacter, usccProblem } from './uscc';

// Codes printed on published business licences; the first is the worked example of GB 32100-2015.
const PUBLISHED = [
  '91350100M000100Y43',
  '914403001922038216',
  '9144030071526726XG',
  '91330100716105852F',
  '91110000802100433B',
  '91110108551385082Q',
];

// Bodies for several registration authorities (9 market regulator, 1 institutions, 3 other, Y other) and entity types.
const GENERATED_SEEDS = [
  '91440106MA5CXXXXX',
  '92440112L12345678',
  '12100000400000624',
  '31440000MA0000001',
  'Y1440300000000000',
];

describe('USCC check character', () => {
  it.each(PUBLISHED)('accepts the published code %s', (code) => {
    expect(usccProblem(code)).toBeNull();
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the check character of the standard example', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  it('maps a remainder of 0 to the character 0', () => {
    // Find a body whose weighted sum is a multiple of 31 by varying the last body character.
    const body = '9144010612345678';
    const seed = [...USCC_ALPHABET].map((c) => body + c).find((s) => usccCheckCharacter(s) === '0');
    expect(seed).toBeDefined();
    expect(isValidUscc(seed + '0')).toBe(true);
  });

  describe.each([...PUBLISHED, ...GENERATED_SEEDS.map(makeUscc)])('mutations of %s', (code) => {
    it('is valid before mutation', () => expect(isValidUscc(code)).toBe(true));

    it('rejects every single-character substitution at every position', () => {
      // The weights are non-zero mod 31 (a prime), so any one substitution changes the sum mod 31.
      for (let i = 0; i < 18; i++) {
        for (const c of USCC_ALPHABET) {
          if (c === code[i]) continue;
          const mutated = code.slice(0, i) + c + code.slice(i + 1);
          expect([mutated, isValidUscc(mutated)]).toEqual([mutated, false]);
        }
      }
    });

    it('rejects swapping two different adjacent characters', () => {
      for (let i = 0; i < 17; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect([swapped, isValidUscc(swapped)]).toEqual([swapped, false]);
      }
    });
  });

  it('makes valid codes from 17 characters', () => {
    for (const seed of GENERATED_SEEDS) {
      const code = makeUscc(seed);
      expect(code).toHaveLength(18);
      expect(code.startsWith(seed)).toBe(true);
      expect(isValidUscc(code)).toBe(true);
    }
  });

  it('refuses to make a code from an invalid body', () => {
    expect(() => makeUscc('91440106MA5CXXXX')).toThrow(/17 characters/);
    expect(() => makeUscc('91440106MA5CXXXXI')).toThrow(/position 17/);
    expect(() => usccCheckCharacter('91A40106MA5CXXXXX')).toThrow(/administrative division/);
  });
});

describe('usccProblem reasons', () => {
  it('names the wrong length', () => {
    expect(usccProblem('91350100M000100Y4')).toBe('must have 18 characters, has 17');
    expect(usccProblem('')).toBe('must have 18 characters, has 0');
    expect(usccProblem('91350100M000100Y433')).toMatch(/has 19/);
  });

  it.each([
    ['I', 9],
    ['O', 10],
    ['Z', 11],
    ['S', 16],
    ['V', 18],
  ])('rejects the excluded letter %s', (letter, position) => {
    const code = '91350100M000100Y43';
    const bad = code.slice(0, position - 1) + letter + code.slice(position);
    expect(usccProblem(bad)).toBe(
      `invalid character "${letter}" at position ${position} (I, O, Z, S and V are not used)`,
    );
  });

  it('rejects lower case rather than folding it', () => {
    expect(usccProblem('91350100m000100Y43')).toBe('invalid character "m" at position 9 (use upper case)');
    expect(usccProblem('9144030071526726xg')).toMatch(/position 17 \(use upper case\)/);
  });

  it('rejects punctuation and spaces', () => {
    expect(usccProblem('91350100M000100Y4 ')).toMatch(/invalid character " " at position 18/);
    expect(usccProblem('9135-100M000100Y43')).toMatch(/position 5/);
  });

  it('requires digits in the administrative division', () => {
    expect(usccProblem('913501A0M000100Y43')).toMatch(/characters 3-8 .* got 3501A0/);
  });

  it('names the expected check character', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('check character is 4, expected 3');
  });
});
