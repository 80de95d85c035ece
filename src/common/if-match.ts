import { validationFailed } from './domain-error';

/**
 * The version an `If-Match` header carries: `3` or the entity tag `"3"`; absent is undefined (no check). Anything
 * else is a 400 naming the header, not a check silently skipped. `lowest`: 0 where version 0 means "nothing stored
 * yet" (a year without targets), so that two first saves cannot both succeed.
 */
export function versionFromIfMatch(value: string | undefined, lowest = 1): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^\s*"?(\d{1,9})"?\s*$/.exec(value);
  if (!match || Number(match[1]) < lowest)
    throw validationFailed([{ field: 'If-Match', reason: 'If-Match must be the version you saw, e.g. "3"' }]);
  return Number(match[1]);
}
