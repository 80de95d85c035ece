import { isConnectionError } from '../database/db-errors';
import { ConfigError } from './app-config';

/**
 * What a process prints when it cannot start: the configuration's own messages, one line for a database or network
 * error (its code says what is wrong: 3D000 no such database, 28P01 wrong password, ECONNREFUSED nothing listening),
 * and the whole error with its stack for anything else, which is a bug.
 */
export function startFailure(error: unknown): string | unknown {
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: unknown })?.code;
  if (isConnectionError(error) && error instanceof Error)
    return `Cannot start: ${error.message} (${code}). Check DATABASE_URL and REDIS_URL, and that the servers are up.`;
  return error;
}
