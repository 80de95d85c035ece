import { ConfigError } from './app-config';

/**
 * Codes that say the servers or the credentials are wrong, not the code: nothing listening, a name that does not
 * resolve, a database that does not exist, a wrong password, a server not accepting connections yet.
 */
const STARTUP_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '3D000',
  '28P01',
  '28000',
  '57P03',
  '53300',
];

/**
 * What a process prints when it cannot start: the configuration's own messages, one line for a database or network
 * error (its code says what is wrong: 3D000 no such database, 28P01 wrong password, ECONNREFUSED nothing listening),
 * and the whole error with its stack for anything else, which is a bug.
 */
export function startFailure(error: unknown): string | unknown {
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && STARTUP_CODES.includes(code) && error instanceof Error)
    return `Cannot start: ${error.message} (${code}). Check DATABASE_URL and REDIS_URL, and that the servers are up.`;
  return error;
}
