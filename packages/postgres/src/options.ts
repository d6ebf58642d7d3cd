import type { EventStore, EventStoreOptions } from '@tributary/core';
import type pg from 'pg';

/**
 * The handle user code runs its own SQL through inside a transaction (`tx.db` of
 * `EventStore.transaction`, and the second argument of inline projections). Bound to the
 * transaction's connection: what it writes commits or rolls back with the events.
 */
export interface PgTx {
  /** Runs one statement with `$1, $2, …` parameters and returns its rows. `R` is the caller's row type. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** Options of {@link openPostgresEventStore}. Give either `connectionString` or `pool`. */
export interface PostgresEventStoreOptions extends EventStoreOptions<PgTx> {
  /** `postgres://user:password@host:5432/database`; the store opens (and closes) its own pool. */
  readonly connectionString?: string;
  /** A pool the caller owns: the store borrows it and does not end it on `close()`. */
  readonly pool?: pg.Pool;
  /** The PostgreSQL schema holding the store's tables (created on open). Default `'tributary'`. */
  readonly schema?: string;
  /** Connections of the pool the store opens from `connectionString`. Default 10. */
  readonly poolSize?: number;
}

/** An {@link EventStore} on PostgreSQL; see {@link openPostgresEventStore}. */
export interface PostgresEventStore extends EventStore<PgTx> {
  /** The schema the store's tables live in. */
  readonly schema: string;
}

export const DEFAULT_SCHEMA = 'tributary';
export const DEFAULT_POOL_SIZE = 10;
