import { Foundation1763700000000 } from './1763700000000-foundation';

/** Every migration, in order. Listed explicitly so the same array serves ts-jest, the compiled app and the CLI. */
export const ALL_MIGRATIONS = [Foundation1763700000000];
