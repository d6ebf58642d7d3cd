import { TributaryError } from '@tributary/core';
import type Database from 'better-sqlite3';

/**
 * What an exactly-once handler uses inside its transaction: the same database (for its own
 * tables) and helpers that run SQL with positional or named parameters through cached prepared
 * statements. Valid only during the `effect` call it was given to: any helper called afterwards
 * throws `CLOSED`, because its writes would no longer be part of the transaction.
 */
export interface SqliteTx {
  /** The database; use it for anything the helpers do not cover, and only during the effect. */
  readonly db: Database.Database;
  /** Runs a statement that returns no rows (INSERT, UPDATE, DELETE, …). */
  run(sql: string, ...params: unknown[]): Database.RunResult;
  /** The first row of a query, or `undefined` when there is none. `R` is the caller's row type. */
  get<R = unknown>(sql: string, ...params: unknown[]): R | undefined;
  /** Every row of a query. `R` is the caller's row type. */
  all<R = unknown>(sql: string, ...params: unknown[]): R[];
}

const MAX_CACHED_STATEMENTS = 256;

/** Prepared statements by SQL text, shared by every transaction on one database. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[]>(sql);
      // Evict the oldest entry: handlers use a handful of statements; this bounds dynamic SQL.
      if (this.statements.size >= MAX_CACHED_STATEMENTS) {
        const oldest = this.statements.keys().next();
        if (oldest.done !== true) this.statements.delete(oldest.value);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** The {@link SqliteTx} of one `apply`; `end()` makes it unusable. */
export class ActiveTx implements SqliteTx {
  private ended = false;

  constructor(
    readonly db: Database.Database,
    private readonly statements: StatementCache,
  ) {}

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql, 'run').run(...params);
  }

  get<R = unknown>(sql: string, ...params: unknown[]): R | undefined {
    return this.statement(sql, 'get').get(...params) as R | undefined;
  }

  all<R = unknown>(sql: string, ...params: unknown[]): R[] {
    return this.statement(sql, 'all').all(...params) as R[];
  }

  end(): void {
    this.ended = true;
  }

  private statement(sql: string, method: string): Database.Statement<unknown[]> {
    if (this.ended)
      throw new TributaryError(
        'CLOSED',
        `This exactly-once transaction has ended: tx.${method}() cannot run. Use tx only inside the effect (synchronously).`,
      );
    return this.statements.get(sql);
  }
}
