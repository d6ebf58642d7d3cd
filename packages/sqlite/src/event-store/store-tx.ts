// The SqliteTx handed to inline projections and to `transaction(fn)`: user SQL in the open
// transaction, unusable once that transaction has ended.
import { TributaryError } from '@tributary/core';
import type Database from 'better-sqlite3';
import type { SqliteTx, StatementCache } from '../sqlite-tx.js';

/** A {@link SqliteTx} valid until `end()`: later use throws `CLOSED` (it would write outside the transaction). */
export class EventStoreTx implements SqliteTx {
  private ended = false;

  constructor(
    private readonly database: Database.Database,
    private readonly statements: StatementCache,
    /** What the handle belongs to, for the error message ("inline projection \"x\"", "transaction"). */
    private readonly owner: string,
  ) {}

  get db(): Database.Database {
    this.check('db');
    return this.database;
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    this.check('run');
    return this.statements.get(sql).run(...params);
  }

  get<R = unknown>(sql: string, ...params: unknown[]): R | undefined {
    this.check('get');
    return this.statements.get(sql).get(...params) as R | undefined;
  }

  all<R = unknown>(sql: string, ...params: unknown[]): R[] {
    this.check('all');
    return this.statements.get(sql).all(...params) as R[];
  }

  end(): void {
    this.ended = true;
  }

  private check(method: string): void {
    if (this.ended)
      throw new TributaryError(
        'CLOSED',
        `The ${this.owner}'s transaction has ended: tx.${method} cannot be used any more. Use tx only until the function it was given to returns (or its promise settles).`,
      );
  }
}
