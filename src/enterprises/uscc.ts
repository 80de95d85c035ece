/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters: registration authority (1), entity type (1), administrative division (6 digits),
 * organisation code (9), check character (1). The alphabet leaves out I, O, Z, S and V so that
 * codes cannot be misread as 1, 0, 2, 5 and U. The registry prints codes in upper case, so lower
 * case is rejected rather than folded: a stored code must match the published one byte for byte.
 *
 * Not checked here: the organisation code's own GB 11714 check digit (character 17) and whether the
 * authority, entity type and division codes are currently assigned. Those tables change over time;
 * the standard's check character is what catches typing mistakes.
 */

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100-2015 table 3: weight of position i is 3^i mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const DIVISION = { from: 2, to: 8 }; // characters 3-8 (0-based slice bounds)

/**
 * Why a code is not a well-formed USCC, or null when it is. Positions in messages are 1-based, as a
 * person counts them on the certificate.
 */
export function usccProblem(code: string): string | null {
  if (typeof code !== 'string') return 'must be a string of 18 characters';
  if (code.length !== 18) return `must have 18 characters, has ${code.length}`;
  const bodyProblem = seedProblem(code.slice(0, 17));
  if (bodyProblem) return bodyProblem;
  const last = code[17];
  if (!USCC_ALPHABET.includes(last)) return invalidCharacter(last, 18);
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (last !== expected) return `check character is ${last}, expected ${expected}`;
  return null;
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** The 18th character for the first 17; throws if those 17 are not valid USCC characters. */
export function usccCheckCharacter(first17: string): string {
  const problem = seedProblem(first17);
  if (problem) throw new Error(`Invalid USCC body "${first17}": ${problem}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  // 31 - 0 would be 31, which has no character: the standard maps it to 0.
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** A valid code from 17 characters (tests and data generators): appends the check character. */
export function makeUscc(seed17: string): string {
  return seed17 + usccCheckCharacter(seed17);
}

function seedProblem(first17: string): string | null {
  if (typeof first17 !== 'string' || first17.length !== 17)
    return 'the body before the check character must have 17 characters';
  for (let i = 0; i < 17; i++) {
    if (!USCC_ALPHABET.includes(first17[i])) return invalidCharacter(first17[i], i + 1);
  }
  const division = first17.slice(DIVISION.from, DIVISION.to);
  if (!/^\d{6}$/.test(division))
    return `characters 3-8 are the administrative division code and must be digits, got ${division}`;
  return null;
}

function invalidCharacter(char: string, position: number): string {
  const hint = /[a-z]/.test(char)
    ? ' (use upper case)'
    : /[IOZSV]/.test(char)
      ? ' (I, O, Z, S and V are not used)'
      : '';
  return `invalid character "${char}" at position ${position}${hint}`;
}
