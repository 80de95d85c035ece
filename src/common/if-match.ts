import { validationFailed } from './domain-error';

/**
 * The version an `If-Match` header carries: `3` or the entity tag `"3"`; absent is undefined (no check). Anything
 * else is a 400 naming the header, not a check silently skipped.
 */
export function versionFromIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^\s*"?(\d{1,9})"?\s*$/.exec(value);
  if (!match || Number(match[1]) < 1)
    throw validationFailed([{ field: 'If-Match', reason: 'If-Match must be the version you saw, e.g. "3"' }]);
  return Number(match[1]);
}
