import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * How long a user's standing (active, version) read by this process is trusted. A token outlives a deactivation, a
 * password reset or an expertise change by at most this long in another process; the process that made the change
 * forgets at once. Short enough for an office, long enough that a busy user costs one read per interval, not one per
 * request.
 */
export const STANDING_TTL_MS = 5_000;
const STANDING_MAX = 10_000;

/**
 * Whether a token's user may still act: the account is active and is at the version the token was issued for
 * (`ver`). Every change an admin makes to a user (deactivation, password reset, expertise) raises the version, so
 * tokens issued before it stop working: the token alone cannot be trusted for the 8 hours it lives.
 */
@Injectable()
export class UserStanding {
  private readonly known = new Map<string, { version: number; active: boolean; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isCurrent(userId: string, tokenVersion: unknown): Promise<boolean> {
    if (typeof tokenVersion !== 'number') return false;
    const now = Date.now();
    let standing = this.known.get(userId);
    if (!standing || standing.until <= now) {
      const row = await this.dataSource
        .getRepository(UserEntity)
        .findOne({ where: { id: userId }, select: { id: true, version: true, active: true } });
      if (!row) return false;
      if (this.known.size >= STANDING_MAX) this.known.delete(this.known.keys().next().value!);
      standing = { version: row.version, active: row.active, until: now + STANDING_TTL_MS };
      this.known.set(userId, standing);
    }
    return standing.active && standing.version === tokenVersion;
  }

  /** After a change to the user made by this process: the next request reads the row again. */
  forget(userId: string) {
    this.known.delete(userId);
  }
}
