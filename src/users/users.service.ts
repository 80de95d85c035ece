import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { OwnershipRegistry } from '../auth/ownership.registry';
import { hashPassword } from '../auth/password-hasher';
import { conflict, validationFailed } from '../common/domain-error';
import { Page } from '../common/pagination.dto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { CreateUserDto, ListUsersQueryDto, UserView } from './user.dto';
import { UserEntity } from './user.entity';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    displayName: user.displayName,
    expertise: user.expertise,
    enterpriseId: user.enterpriseId,
    active: user.active,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('users');

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ownership: OwnershipRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** First start: with BOOTSTRAP_ADMIN_PASSWORD set and no admin yet, create `admin` so someone can sign in. */
  async onApplicationBootstrap() {
    if (this.config.role === 'worker' || !this.config.bootstrapAdminPassword) return;
    const admins = await this.dataSource.getRepository(UserEntity).count({ where: { role: 'admin' } });
    if (admins > 0) return;
    await this.create(
      { username: 'admin', password: this.config.bootstrapAdminPassword, role: 'admin', displayName: 'Administrator' },
      { id: null, role: 'system', enterpriseId: null },
    ).catch((error) => {
      // Two API processes starting together: the other one created it (unique username).
      if ((error as { code?: string }).code !== 'USERNAME_TAKEN') throw error;
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
      // One name whatever the case (unique index on lower(username)): `ADMIN` is not a second `admin`.
      const taken = await manager
        .createQueryBuilder(UserEntity, 'u')
        .where('lower(u.username) = lower(:username)', { username: dto.username })
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
      .where('lower(u.username) = lower(:username)', { username })
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
