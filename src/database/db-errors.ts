/**
 * What a database or network error means, by its code, for the places that must tell them apart: the exception
 * filter and writers that lose a race (a unique violation), the start-up retry (worth waiting out?) and the start-up
 * message (the servers or the credentials, not the code).
 */

const code = (error: unknown): string => {
  const driver = (error as { driverError?: { code?: unknown } })?.driverError ?? (error as { code?: unknown });
  return String(driver?.code ?? '');
};

/** PostgreSQL 23505 or SQLite's UNIQUE/PRIMARY KEY constraint: a race two writers lost. */
export function isUniqueViolation(error: unknown): boolean {
  return ['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(code(error));
}

/** Nothing listening yet, a connection dropped or timed out, a server not accepting connections yet: waited out. */
const TRANSIENT = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', '57P03', '53300'];
/** A host that does not resolve, a database that does not exist, a wrong user or password: no wait will help. */
const PERMANENT = ['ENOTFOUND', '3D000', '28P01', '28000'];

export function isTransientConnectionError(error: unknown): boolean {
  return TRANSIENT.includes(code(error));
}

/** The servers or the credentials are wrong (now or for good), not the code. */
export function isConnectionError(error: unknown): boolean {
  return TRANSIENT.includes(code(error)) || PERMANENT.includes(code(error));
}
