// The store's access to PostgreSQL: queries with error mapping, transactions, the closed flag.
import { StorageError } from '@tributary/core';
import type pg from 'pg';
import { storeClosed, toStorageError } from './errors.js';
import type { Tables } from './schema/tables.js';

/** A pool or one checked-out client (inside a transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** A statement: SQL text, parameters, and a name when it is worth preparing once per connection. */
export interface Statement {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

export class Database {
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly tables: Tables,
    /** The schema's name, unquoted. */
    readonly schemaName: string,
    /** The server as messages name it (no password). */
    readonly server: string,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  markClosed(): void {
    this.closed = true;
  }

  /** Throws `CLOSED` once the store is closed. */
  checkOpen(doing: string): void {
    if (this.closed) throw storeClosed(doing);
  }

  /** A prepared statement's name, unique per schema (several stores may share one pool). */
  statementName(key: string): string {
    return `trib_${this.schemaName}_${key}`;
  }

  /** Runs one statement on `on` (default: the pool) and returns its rows. */
  async query<R extends pg.QueryResultRow>(
    doing: string,
    statement: Statement,
    on: Queryable = this.pool,
  ): Promise<R[]> {
    this.checkOpen(doing);
    try {
      const result = await on.query<R>(statement);
      return result.rows;
    } catch (err) {
      throw this.failure(err, doing);
    }
  }

  /** Runs `fn` with one client of the pool, released afterwards (destroyed when it broke). */
  async withClient<T>(doing: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.checkOpen(doing);
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.failure(err, doing);
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionLost(err)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `fn` inside BEGIN … COMMIT on one client; on any error rolls back and rethrows. Errors
   * of the driver become Tributary errors; errors of `fn` itself pass through unchanged.
   */
  async transaction<T>(doing: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(doing, async (client) => {
      await this.query(doing, { text: 'BEGIN' }, client);
      let result: T;
      try {
        result = await fn(client);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      let committed: pg.QueryResult;
      try {
        committed = await client.query('COMMIT');
      } catch (err) {
        throw this.failure(err, doing);
      }
      // COMMIT of a transaction in which a statement failed rolls back, without an error
      if (committed.command === 'ROLLBACK')
        throw new StorageError(
          'STORAGE_FAILURE',
          `Cannot ${doing}: a statement in the transaction failed, and PostgreSQL rolled all of it back. Nothing was written; let errors inside transaction() propagate (or retry the whole transaction).`,
        );
      return result;
    });
  }

  /** Maps a driver error of `doing` to a Tributary error naming the server. */
  failure(err: unknown, doing: string): Error {
    return toStorageError(err, doing, this.server);
  }
}

/** Whether the connection itself failed (so the client must not go back to the pool). */
function isConnectionLost(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (!(cause instanceof Error)) return false;
  const code = 'code' in cause ? cause.code : undefined;
  return (
    (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'))) ||
    /Connection terminated/i.test(cause.message)
  );
}
