// Opening or borrowing a better-sqlite3 database, creating Tributary's tables, and mapping driver errors.
import { StorageError, TributaryError } from '@tributary/core';
import { invalidArgument } from '@tributary/core/internal';
import Database from 'better-sqlite3';

/** A database handle and whether Tributary opened it (and so must close it). */
export interface DatabaseHandle {
  readonly db: Database.Database;
  readonly owned: boolean;
}

/**
 * Opens `target` when it is a path (WAL, `synchronous = FULL`: a commit survives power loss) or
 * borrows it when it is an open Database (its pragmas are the caller's choice), then creates the
 * tables if missing.
 */
export function openDatabase(target: Database.Database | string): DatabaseHandle {
  const handle = typeof target === 'string' ? openPath(target) : borrow(target);
  try {
    handle.db.exec(SCHEMA);
  } catch (err) {
    if (handle.owned) handle.db.close();
    throw storageFailure(err, `creating Tributary's tables in ${describe(handle.db)}`);
  }
  return handle;
}

function openPath(path: string): DatabaseHandle {
  if (path.length === 0)
    throw invalidArgument('Invalid SQLite database path "": give a file path or ":memory:".');
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (err) {
    throw storageFailure(err, `opening the SQLite database ${JSON.stringify(path)}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (err) {
    db.close();
    throw storageFailure(err, `configuring the SQLite database ${JSON.stringify(path)}`);
  }
  return { db, owned: true };
}

function borrow(db: unknown): DatabaseHandle {
  if (!(db instanceof Database))
    throw invalidArgument(
      `Invalid SQLite database ${String(db)}: expected a file path or a better-sqlite3 Database.`,
    );
  if (!db.open) throw invalidArgument(`The SQLite database ${describe(db)} is closed: pass an open one.`);
  return { db, owned: false };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tributary_dedupe (
  group_name TEXT NOT NULL,
  event_id TEXT NOT NULL,
  handled_at INTEGER NOT NULL,
  PRIMARY KEY (group_name, event_id)
);
CREATE INDEX IF NOT EXISTS tributary_dedupe_by_age ON tributary_dedupe (group_name, handled_at);
CREATE TABLE IF NOT EXISTS tributary_offsets (
  group_name TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset TEXT NOT NULL,
  PRIMARY KEY (group_name, topic, partition)
);`;

const describe = (db: Database.Database): string => JSON.stringify(db.name);

/** Wraps a driver error as `STORAGE_FAILURE`; busy/locked databases are retryable. */
export function storageFailure(err: unknown, doing: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const code = err instanceof Database.SqliteError ? err.code : undefined;
  const retryable = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  const why = err instanceof Error ? err.message : String(err);
  return new StorageError(
    'STORAGE_FAILURE',
    `SQLite failed while ${doing}: ${why}${code === undefined ? '' : ` (${code})`}.`,
    { cause: err, retryable },
  );
}

/** The error for any call on a closed store or a database closed under it. */
export function closedError(what: string, operation: string): TributaryError {
  return new TributaryError('CLOSED', `The ${what} is closed: ${operation} cannot run. Open a new one.`);
}
