// Opening the event store's database and checking the store's options.
import { type EventStoreOptions, StorageError, TributaryError } from '@tributary/core';
import { resolveEventStoreOptions } from '@tributary/core/internal';
import Database from 'better-sqlite3';
import { type DatabaseHandle, openDatabase, storageFailure } from '../database.js';
import type { SqliteTx } from '../sqlite-tx.js';
import type { PreparedProjection } from './append.js';
import { EVENT_STORE_SCHEMA } from './schema.js';

/** Page cache of a database the store opens itself: index pages of appends and reads stay hot. */
const OWNED_CACHE_KIB = 64 * 1024;

/**
 * Opens (a path: WAL, `synchronous = FULL`) or borrows (a Database, as it is) the database and
 * creates the event store's tables. A file that is not a SQLite database fails with a
 * `STORAGE_FAILURE` saying so.
 */
export function openEventStoreDatabase(target: string | Database.Database): DatabaseHandle {
  let handle: DatabaseHandle;
  try {
    handle = openDatabase(target);
  } catch (err) {
    throw explainNotADatabase(err, target);
  }
  try {
    if (handle.owned) handle.db.pragma(`cache_size = -${OWNED_CACHE_KIB}`);
    handle.db.exec(EVENT_STORE_SCHEMA);
  } catch (err) {
    if (handle.owned) handle.db.close();
    throw explainNotADatabase(storageFailure(err, "creating the event store's tables"), target);
  }
  return handle;
}

function explainNotADatabase(err: unknown, target: string | Database.Database): unknown {
  if (!(err instanceof TributaryError) || !(err.cause instanceof Database.SqliteError)) return err;
  if (err.cause.code !== 'SQLITE_NOTADB') return err;
  const name = typeof target === 'string' ? target : target.name;
  return new StorageError(
    'STORAGE_FAILURE',
    `Cannot open the event store: ${JSON.stringify(name)} is not a SQLite database (another kind of file, or an encrypted or corrupt one). Give a new path or an existing Tributary database file.`,
    { cause: err.cause },
  );
}

/** The store's options, checked, with defaults applied. */
export interface ResolvedStoreOptions {
  readonly upcaster: NonNullable<EventStoreOptions<SqliteTx>['upcasters']>;
  readonly projections: readonly PreparedProjection[];
  readonly outboxTopic: EventStoreOptions<SqliteTx>['outboxTopic'];
}

export function resolveStoreOptions(options: EventStoreOptions<SqliteTx> | undefined): ResolvedStoreOptions {
  const { upcaster, inlineProjections, outboxTopic } = resolveEventStoreOptions(options);
  const projections = inlineProjections.map(
    (projection): PreparedProjection => ({
      projection,
      types: projection.types === undefined ? undefined : new Set(projection.types),
    }),
  );
  return { upcaster, projections, outboxTopic };
}
