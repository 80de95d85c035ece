import { readInteger } from '../config/env-reader';

/** Visits are due for newly recognised high-tech enterprises this small or smaller (employees), within this many days. */
export interface VisitPolicy {
  maxEmployees: number;
  dueWithinDays: number;
}

/** Read once at start by `loadConfig` (the app's config carries it as `visits`). */
export function visitPolicy(env: NodeJS.ProcessEnv, problems: string[]): VisitPolicy {
  return {
    maxEmployees: readInteger(env, 'VISIT_MAX_EMPLOYEES', 300, 1, 10_000_000, problems),
    dueWithinDays: readInteger(env, 'VISIT_DUE_DAYS', 30, 1, 365, problems),
  };
}
