import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The one way to write. On PostgreSQL each call is a pooled transaction. On SQLite, TypeORM shares a single
 * better-sqlite3 connection, so two interleaved transactions would nest into each other; calls are serialised here.
 */
@Injectable()
export class TransactionRunner {
  private readonly serialise: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.serialise = dataSource.options.type === 'better-sqlite3';
  }

  get isPostgres() {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * For work that reads and then writes exactly one statement that checks what it read (a transition's
   * version-checked write, `writeTransition`). On PostgreSQL no transaction is opened: each read takes a pooled
   * connection and sees what is committed at that moment, as it would inside a READ COMMITTED transaction, and the one
   * write is atomic on its own and refuses a row that changed since it was read. That saves the BEGIN and COMMIT
   * round trips (two of a transition's five) and holds no connection while the request computes between its reads.
   * Work that writes anything else must use `run`: `isolated(manager)` tells the transition service which it got.
   * On SQLite the write is several statements, so this is `run`. Also the way to send one statement that stands
   * alone (a sign-in count, the outbox relay's mark): on SQLite it then cannot land inside another request's
   * transaction on the shared connection.
   */
  readThenWrite<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.serialise) return this.run(work);
    return work(this.dataSource.manager);
  }

  /** Whether writes through this manager commit together (a transaction, not `readThenWrite`'s pooled manager). */
  static isolated(manager: EntityManager): boolean {
    return !!manager.queryRunner?.isTransactionActive;
  }
}
