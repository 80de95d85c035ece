import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { OwnershipRegistry } from '../auth/ownership.registry';
import { hashPassword } from '../auth/password-hasher';
import { conflict, notFound, validationFailed } from '../common/domain-error';
import { isUniqueViolation } from '../database/db-errors';
import { Page } from '../common/pagination.dto';
import { AppConfig, ConfigError } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { passwordPolicyProblem, passwordProblem } from './password-policy';
import { CreateUserDto, ListUsersQueryDto, ResetPasswordDto, UpdateUserDto, UserView } from './user.dto';
import { UserEntity } from './user.entity';
import { UserStanding } from './user-standing';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    displayName: user.displayName,
    expertise: user.expertise,
    enterpriseId: user.enterpriseId,
    active: user.active,
    version: user.version,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
  };
}

/** What a change to an account writes (`set`) and how the audit log records it. */
interface AccountChange {
  set: Partial<UserEntity>;
  event: string;
  from?: string;
  to?: string;
  payload: Record<string, unknown>;
}

/**
 * Usernames are one name whatever the case (unique index on lower(username), migration 1763700015000): `ADMIN` is not
 * a second `admin`, and signing in as `Admin` finds `admin`. For a query builder whose user alias is `u`.
 */
const SAME_USERNAME = 'lower(u.username) = lower(:username)';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('users');

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ownership: OwnershipRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly standing: UserStanding,
  ) {}

  /** First start: with BOOTSTRAP_ADMIN_PASSWORD set and no admin yet, create `admin` so someone can sign in. */
  async onApplicationBootstrap() {
    if (this.config.role === 'worker' || !this.config.bootstrapAdminPassword) return;
    const admins = await this.dataSource.getRepository(UserEntity).count({ where: { role: 'admin' } });
    if (admins > 0) return;
    // The first admin's password meets the policy every other password meets; checked only when it is used.
    const problem = passwordPolicyProblem(this.config.bootstrapAdminPassword, 'admin');
    if (problem) throw new ConfigError([`BOOTSTRAP_ADMIN_PASSWORD: ${problem}`]);
    await this.create(
      { username: 'admin', password: this.config.bootstrapAdminPassword, role: 'admin', displayName: 'Administrator' },
      { id: null, role: 'system', enterpriseId: null },
    ).catch((error) => {
      // Two API processes starting together: the other one created it. Seen as our check's 409, or, when both passed
      // the check before either inserted, as the unique index refusing the second insert.
      if ((error as { code?: string }).code !== 'USERNAME_TAKEN' && !isUniqueViolation(error)) throw error;
    });
    this.logger.log('bootstrap admin user created');
  }

  async create(dto: CreateUserDto, actor: Actor): Promise<UserView> {
    if (dto.role !== 'reviewer' && dto.expertise)
      throw validationFailed([{ field: 'expertise', reason: 'expertise applies to reviewers only' }]);
    if (dto.role !== 'enterprise' && dto.enterpriseId)
      throw validationFailed([{ field: 'enterpriseId', reason: 'enterpriseId applies to enterprise users only' }]);
    if (dto.enterpriseId && !(await this.ownership.ownerOf('enterprise', dto.enterpriseId)))
      throw validationFailed([{ field: 'enterpriseId', reason: 'no enterprise has this id' }]);
    const now = new Date();
    const user: UserEntity = {
      id: randomUUID(),
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      role: dto.role,
      displayName: dto.displayName ?? null,
      expertise: dto.expertise ?? null,
      enterpriseId: dto.enterpriseId ?? null,
      active: true,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx.run(async (manager) => {
      const taken = await manager
        .createQueryBuilder(UserEntity, 'u')
        .where(SAME_USERNAME, { username: dto.username })
        .getCount();
      if (taken) throw conflict('USERNAME_TAKEN', `Username ${dto.username} is taken`);
      await manager.insert(UserEntity, user);
      const { passwordHash: _omit, ...audited } = user;
      await appendAudit(manager, {
        entityType: 'user',
        entityId: user.id,
        event: 'CREATED',
        to: 'active',
        actorId: actor.id,
        payload: { ...audited },
      });
    });
    return toUserView(user);
  }

  /**
   * An admin deactivates or reactivates an account, renames it, or corrects a reviewer's expertise. Every change raises
   * the version, which ends the account's sessions (UserStanding): a deactivated caseworker's token stops working, and
   * a reviewer's next sign-in carries the corrected expertise that scoring reads.
   */
  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    return this.changeAccount(id, actor, async (user, manager) => {
      if (user.version !== dto.version)
        throw conflict('STALE_VERSION', `user ${id} is at version ${user.version}, not ${dto.version}`, {
          version: user.version,
        });
      if (dto.expertise !== undefined && user.role !== 'reviewer')
        throw validationFailed([{ field: 'expertise', reason: 'expertise applies to reviewers only' }]);
      const changes: Partial<Pick<UserEntity, 'active' | 'displayName' | 'expertise'>> = {};
      if (dto.active !== undefined && dto.active !== user.active) changes.active = dto.active;
      if (dto.displayName !== undefined && dto.displayName !== user.displayName) changes.displayName = dto.displayName;
      if (dto.expertise !== undefined && dto.expertise !== user.expertise) changes.expertise = dto.expertise;
      if (!Object.keys(changes).length) return null;
      if (changes.active === false && user.role === 'admin') await this.keepAnAdmin(manager, id);
      const before = Object.fromEntries(Object.keys(changes).map((k) => [k, user[k as keyof typeof changes]]));
      return {
        set: changes,
        event: changes.active === false ? 'DEACTIVATED' : changes.active === true ? 'REACTIVATED' : 'UPDATED',
        from: user.active ? 'active' : 'inactive',
        to: (changes.active ?? user.active) ? 'active' : 'inactive',
        payload: { before, after: changes },
      };
    });
  }

  /** An admin sets a new password (the person lost theirs); the account's current sessions end. */
  resetPassword(id: string, dto: ResetPasswordDto, actor: Actor): Promise<UserView> {
    return this.replacePassword(id, dto.password, actor, 'PASSWORD_RESET');
  }

  /** The user's own change, once AuthService has checked the current password; their other sessions end. */
  changeOwnPassword(actor: Actor & { id: string }, password: string): Promise<UserView> {
    return this.replacePassword(actor.id, password, actor, 'PASSWORD_CHANGED');
  }

  private async replacePassword(id: string, password: string, actor: Actor, event: string): Promise<UserView> {
    const passwordHash = await hashPassword(password);
    return this.changeAccount(id, actor, (user) => {
      const problem = passwordProblem(password, user.username);
      if (problem)
        throw validationFailed([{ field: event === 'PASSWORD_RESET' ? 'password' : 'newPassword', reason: problem }]);
      return { set: { passwordHash }, event, payload: {} };
    });
  }

  /**
   * The one way an existing account changes: in one transaction, read it, let `change` decide (null: nothing to do),
   * write with a raised version (version-checked; the raise ends the account's sessions) and audit; then this process
   * forgets the account's standing at once (UserStanding; the others within seconds).
   */
  private async changeAccount(
    id: string,
    actor: Actor,
    change: (user: UserEntity, manager: EntityManager) => Promise<AccountChange | null> | AccountChange | null,
  ): Promise<UserView> {
    const view = await this.tx.run(async (manager) => {
      const user = await manager.findOne(UserEntity, { where: { id } });
      if (!user) throw notFound('user', id);
      const decided = await change(user, manager);
      if (!decided) return toUserView(user);
      const updated = { ...user, ...decided.set, version: user.version + 1, updatedAt: new Date() };
      await this.writeVersioned(manager, user, {
        ...decided.set,
        version: updated.version,
        updatedAt: updated.updatedAt,
      });
      await appendAudit(manager, {
        entityType: 'user',
        entityId: id,
        event: decided.event,
        from: decided.from,
        to: decided.to,
        actorId: actor.id,
        payload: { ...decided.payload, version: updated.version },
      });
      return toUserView(updated);
    });
    this.standing.forget(id);
    return view;
  }

  /** Deactivating the last active admin would leave nobody able to manage accounts. */
  private async keepAnAdmin(manager: EntityManager, leaving: string) {
    const admins = manager
      .createQueryBuilder(UserEntity, 'u')
      .select('u.id')
      .where("u.role = 'admin' AND u.active = :active", { active: true })
      .orderBy('u.id');
    // Two admins deactivating each other at once must not both pass: lock every active admin's row, in one order so
    // that the two wait for each other instead of deadlocking (SQLite has one writer at a time anyway).
    if (this.tx.isPostgres) admins.setLock('pessimistic_write');
    if (!(await admins.getMany()).some((admin) => admin.id !== leaving))
      throw conflict('LAST_ADMIN', 'The last active admin cannot be deactivated');
  }

  /** The version-checked write of a user row: a change that lost a race is 409, never a silent overwrite. */
  private async writeVersioned(manager: EntityManager, user: UserEntity, set: Partial<UserEntity>) {
    const result = await manager
      .createQueryBuilder()
      .update(UserEntity)
      .set(set)
      .where('id = :id AND version = :version', { id: user.id, version: user.version })
      .execute();
    if (result.affected === 0)
      throw conflict('CONCURRENT_UPDATE', `user ${user.id} was changed by someone else; reload and retry`);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserView>> {
    const where = {
      ...(query.role ? { role: query.role } : {}),
      ...(query.active !== undefined ? { active: query.active } : {}),
    };
    const [rows, total] = await this.dataSource.getRepository(UserEntity).findAndCount({
      where,
      order: { username: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: rows.map(toUserView), total };
  }

  /** For sign-in only: the one read that includes the password hash. The username's case does not matter. */
  findForLogin(username: string) {
    return this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(SAME_USERNAME, { username })
      .getOne();
  }

  /**
   * Rewrites a password hash made with older parameters (see password-hasher.ts) after a successful login. Only if it
   * is still the hash that was verified: a password changed meanwhile wins. Not a profile change, so the version stays.
   */
  async rehashPassword(id: string, verified: string, password: string) {
    await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder()
      .update()
      .set({ passwordHash: await hashPassword(password) })
      .where('id = :id AND password_hash = :verified', { id, verified })
      .execute();
  }

  findById(id: string) {
    return this.dataSource.getRepository(UserEntity).findOne({ where: { id } });
  }
}
