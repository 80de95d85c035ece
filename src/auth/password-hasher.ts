import { argon2id, hash, needsRehash, verify } from 'argon2';

/**
 * How passwords are hashed: argon2id with the OWASP Password Storage Cheat Sheet's first configuration (19 MiB, 2
 * passes, 1 lane) instead of the library's default (64 MiB, 3 passes, 4 lanes).
 *
 * Why not the default: each hash or verify allocates its whole memory cost outside the JavaScript heap, and the
 * libuv pool runs four at once, so a burst of logins added about 270 MB to an API process (measured in `npm run bench`:
 * the API's peak RSS was set by the bench's own logins, not by serving). With these parameters and at most
 * `MAX_CONCURRENT_HASHES` at a time the passwords can add at most about 40 MB, and the other users of the libuv pool
 * (files, DNS, crypto) keep two threads however many logins arrive. A hash written with other parameters still
 * verifies (they are stored in the hash) and is rewritten with these on the next successful login.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MAX_CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((go) => waiting.push(go));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, so `running` never dips below the number of calls at work.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return bounded(() => hash(password, PASSWORD_HASH_OPTIONS));
}

/** False for a wrong password and for a stored value that is not an argon2 hash. */
export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return bounded(() => verify(stored, password)).catch(() => false);
}

/** True when a stored hash was written with other parameters than today's (it is rewritten at the next login). */
export function passwordNeedsRehash(stored: string): boolean {
  try {
    return needsRehash(stored, PASSWORD_HASH_OPTIONS);
  } catch {
    return false;
  }
}
