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
 *
 * Every attempt is counted before its password is checked (`reserve`, one atomic upsert per key) and given back when
 * it succeeds (`release`). Checking the count first and recording the failure after the password check let any
 * number of attempts sent at once through: none had failed yet when each was checked.
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

  /**
   * Counts an attempt on each key (a window past its length starts again at 1); 429 once a key is over its limit,
   * giving back what this attempt counted.
   */
  async reserve(username: string, address: string) {
    const windowMs = this.config.loginThrottle.windowSeconds * 1000;
    const now = new Date();
    const column = this.dataSource.getMetadata(LoginFailureEntity).findColumnWithPropertyName('windowStartedAt')!;
    const driver = this.dataSource.driver;
    const stored = (date: Date) => driver.preparePersistentValue(date, column) as unknown;
    const [at, expired] = [stored(now), stored(new Date(now.getTime() - windowMs))];
    const postgres = this.dataSource.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    // SQLite binds `?` in order, so the window bound is passed once per use.
    const sql = `INSERT INTO login_failures (throttle_key, failures, window_started_at) VALUES (${p(1)}, 1, ${p(2)})
      ON CONFLICT (throttle_key) DO UPDATE SET
        failures = CASE WHEN login_failures.window_started_at <= ${p(3)} THEN 1 ELSE login_failures.failures + 1 END,
        window_started_at = CASE WHEN login_failures.window_started_at <= ${p(postgres ? 3 : 4)}
          THEN EXCLUDED.window_started_at ELSE login_failures.window_started_at END
      RETURNING failures, window_started_at AS "windowStartedAt"`;
    const counted: string[] = [];
    for (const { key, max } of this.keys(username, address)) {
      const params = postgres ? [key, at, expired] : [key, at, expired, expired];
      const [row] = (await this.tx.readThenWrite((manager) => manager.query(sql, params))) as {
        failures: number | string;
        windowStartedAt: unknown;
      }[];
      counted.push(key);
      if (Number(row.failures) <= max) continue;
      // A refused attempt checks no password, so it is not counted.
      await this.giveBack(counted);
      const started = (driver.prepareHydratedValue(row.windowStartedAt, column) as Date).getTime();
      const retryAfterSeconds = Math.max(1, Math.ceil((started + windowMs - now.getTime()) / 1000));
      throw new DomainError(429, 'LOGIN_THROTTLED', 'Too many failed sign-ins; try again later', undefined, {
        retryAfterSeconds,
      });
    }
  }

  /** A successful sign-in gives its counted attempt back. */
  release(username: string, address: string) {
    return this.giveBack(this.keys(username, address).map((k) => k.key));
  }

  private async giveBack(keys: string[]) {
    await this.tx.readThenWrite((manager) =>
      manager
        .createQueryBuilder()
        .update(LoginFailureEntity)
        .set({ failures: () => 'CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END' })
        .where('throttle_key IN (:...keys)', { keys })
        .execute(),
    );
  }
}
