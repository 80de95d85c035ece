import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * A short list of the passwords every guessing tool tries first (compared ignoring case), including the usual
 * Chinese ones. It is not meant to be complete: the length and variety rules do most of the work.
 */
export const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '123456789a',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'a123456789',
  'aa123456789',
  'abc1234567',
  'abcd123456',
  'admin12345',
  'admin123456',
  'administrator',
  'changeme123',
  'iloveyou123',
  'letmein123',
  'p@ssw0rd123',
  'passw0rd123',
  'password01',
  'password1!',
  'password12',
  'password123',
  'password1234',
  'qwe123456789',
  'qwer123456',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'qwertyuiop',
  'welcome123',
  'woaini1314',
  'woaini520',
  'zaq12wsxcde',
]);

const CLASSES: [string, RegExp][] = [
  ['lower-case letters', /\p{Ll}/u],
  ['upper-case letters', /\p{Lu}/u],
  ['digits', /\p{Nd}/u],
  ['other characters', /[^\p{Ll}\p{Lu}\p{Nd}]/u],
];

/**
 * Why a password is refused, or null when it is acceptable. Length is checked by its own decorator (so a short
 * password gets one reason, not two); this adds variety, the username and the common list.
 */
export function passwordProblem(password: unknown, username?: unknown): string | null {
  if (typeof password !== 'string') return null;
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return null;
  if (typeof username === 'string' && password.toLowerCase() === username.toLowerCase())
    return 'password must not be the username';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'password is too common; choose another';
  if (new Set(password).size < 5) return 'password must contain at least 5 different characters';
  const present = CLASSES.filter(([, pattern]) => pattern.test(password)).length;
  if (present < 2)
    return 'password must mix at least two of: lower-case letters, upper-case letters, digits, other characters';
  return null;
}

/** The whole policy, length included, for a password that does not come through a DTO (the bootstrap admin's). */
export function passwordPolicyProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    return `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  return passwordProblem(password, username);
}

@ValidatorConstraint({ name: 'passwordPolicy' })
export class PasswordPolicyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments) {
    return passwordProblem(value, (args.object as { username?: unknown }).username) === null;
  }
  defaultMessage(args: ValidationArguments) {
    return passwordProblem(args.value, (args.object as { username?: unknown }).username) ?? 'password is not allowed';
  }
}
