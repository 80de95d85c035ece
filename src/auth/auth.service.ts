import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError, notFound, validationFailed } from '../common/domain-error';
import type { UserEntity } from '../users/user.entity';
import { toUserView, UsersService } from '../users/users.service';
import type { Actor } from './actor';
import type { ChangePasswordDto } from './auth.dto';
import type { TokenClaims } from './auth.guard';
import { LoginThrottle } from './login-throttle.service';
import { hashPassword, passwordNeedsRehash, verifyPassword } from './password-hasher';

@Injectable()
export class AuthService {
  private readonly logger = new Logger('auth');
  /** An unknown username is verified against this, so it costs as long as a wrong password (no enumeration by timing). */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(username: string, password: string, address: string) {
    await this.throttle.reserve(username, address);
    const user = await this.users.findForLogin(username);
    this.dummyHash ??= hashPassword('no such user');
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok || !user.active)
      throw new DomainError(401, 'INVALID_CREDENTIALS', 'Username or password is wrong');
    await this.throttle.release(username, address);
    // Upgrading an old hash is housekeeping: if it fails, the sign-in still succeeds and the next one tries again.
    if (passwordNeedsRehash(user.passwordHash))
      await this.users
        .rehashPassword(user.id, user.passwordHash, password)
        .catch((error) => this.logger.warn({ err: error, userId: user.id }, 'could not rewrite an old password hash'));
    return this.tokenFor(user);
  }

  /**
   * The signed-in user's own password change: the current password is checked (and throttled) as at sign-in. Their
   * other sessions end; the answer is a fresh token for this one.
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto, address: string) {
    const username = actor.username ?? '';
    await this.throttle.reserve(username, address);
    const user = actor.id ? await this.users.findForLogin(username) : null;
    if (!user || user.id !== actor.id || !(await verifyPassword(user.passwordHash, dto.currentPassword)))
      throw validationFailed([{ field: 'currentPassword', reason: 'the current password is wrong' }]);
    await this.throttle.release(username, address);
    if (dto.newPassword === dto.currentPassword)
      throw validationFailed([{ field: 'newPassword', reason: 'the new password must differ from the current one' }]);
    return this.tokenFor(await this.users.changeOwnPassword({ ...actor, id: user.id }, dto.newPassword));
  }

  private async tokenFor(
    user: Pick<UserEntity, 'id' | 'username' | 'role' | 'enterpriseId' | 'expertise' | 'version'>,
  ) {
    const claims: TokenClaims = {
      sub: user.id,
      username: user.username,
      role: user.role,
      enterpriseId: user.enterpriseId,
      expertise: user.expertise,
      ver: user.version,
    };
    return { accessToken: await this.jwt.signAsync(claims), tokenType: 'Bearer' };
  }

  async me(actor: Actor) {
    const user = actor.id ? await this.users.findById(actor.id) : null;
    if (!user) throw notFound('user', actor.id ?? undefined);
    return toUserView(user);
  }
}
