import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { LoginFailureEntity } from './login-failure.entity';

/**
 * Repeated failed sign-ins are throttled per username and per client address (each key counts on its own, so one
 * address guessing many usernames and many addresses guessing one username are both slowed). Successes are not counted.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  private keys(username: string, address: string) {
    // The address key allows more failures: a bureau's staff often share one outgoing address.
    return [
      { key: `user:${username.toLowerCase()}|ip:${address}`, max: this.config.loginThrottle.maxFailures },
      { key: `user:${username.toLowerCase()}`, max: this.config.loginThrottle.maxFailures * 4 },
      { key: `ip:${address}`, max: this.config.loginThrottle.maxFailures * 10 },
    ];
  }

  async assertAllowed(username: string, address: string) {
    const windowMs = this.config.loginThrottle.windowSeconds * 1000;
    const now = Date.now();
    for (const { key, max } of this.keys(username, address)) {
      const row = await this.dataSource.getRepository(LoginFailureEntity).findOne({ where: { throttleKey: key } });
      if (!row) continue;
      const started = new Date(row.windowStartedAt).getTime();
      if (now - started < windowMs && row.failures >= max) {
        const retryAfterSeconds = Math.ceil((started + windowMs - now) / 1000);
        throw new DomainError(429, 'LOGIN_THROTTLED', 'Too many failed sign-ins; try again later', undefined, {
          retryAfterSeconds,
        });
      }
    }
  }

  async recordFailure(username: string, address: string) {
    const windowMs = this.config.loginThrottle.windowSeconds * 1000;
    const now = new Date();
    await this.tx.run(async (manager) => {
      for (const { key } of this.keys(username, address)) {
        const row = await manager.findOne(LoginFailureEntity, { where: { throttleKey: key } });
        if (!row) await manager.insert(LoginFailureEntity, { throttleKey: key, failures: 1, windowStartedAt: now });
        else if (now.getTime() - new Date(row.windowStartedAt).getTime() >= windowMs)
          await manager.update(LoginFailureEntity, { throttleKey: key }, { failures: 1, windowStartedAt: now });
        else await manager.increment(LoginFailureEntity, { throttleKey: key }, 'failures', 1);
      }
    });
  }
}
