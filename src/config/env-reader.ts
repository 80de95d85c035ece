/**
 * Reading one environment variable, with the fallback when it is unset and a message in `problems` when it is set
 * but wrong. `loadConfig` and the feature settings it builds (`applicationSettings`, `visitPolicy`, `numberFormats`)
 * share these, so every variable is read, checked and defaulted in one place.
 */
export function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return n;
}

/** A variable that must match `shape` (described for the message) when it is set. */
export function readText(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: string,
  shape: RegExp,
  described: string,
  problems: string[],
): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!shape.test(raw)) {
    problems.push(`${name}: expected ${described}, got "${raw}"`);
    return fallback;
  }
  return raw;
}

/** A variable holding a regular expression (a number format): it must compile. */
export function readPattern(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const raw = env[name];
  if (!raw) return fallback;
  try {
    new RegExp(raw);
    return raw;
  } catch (error) {
    problems.push(`${name}: not a regular expression (${(error as Error).message})`);
    return fallback;
  }
}

/** A comma-separated list; blanks are dropped. */
export function readList(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
