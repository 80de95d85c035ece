import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usernames are one name whatever the case: `ADMIN` must not be created beside `admin` (a look-alike account for
 * phishing a colleague's approval, and two rows the login throttle already counts as one). A unique index on
 * `lower(username)` (an expression index, on PostgreSQL and SQLite alike) enforces it and serves the sign-in lookup.
 * Usernames are ASCII (the DTO's pattern), so SQLite's ASCII-only `lower` is enough.
 */
export class UsernamesCaseInsensitive1763700015000 implements MigrationInterface {
  name = 'UsernamesCaseInsensitive1763700015000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const clashes: { name: string }[] = await queryRunner.query(
      `SELECT lower(username) AS name FROM users GROUP BY lower(username) HAVING COUNT(*) > 1`,
    );
    if (clashes.length)
      throw new Error(
        `Usernames that differ only in case must be renamed before this migration: ${clashes.map((c) => c.name).join(', ')}`,
      );
    await queryRunner.query('CREATE UNIQUE INDEX uq_users_username_ci ON users (lower(username))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX uq_users_username_ci');
  }
}
