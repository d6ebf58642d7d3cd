import type { DedupeOptions, DedupeStore } from '@tributary/core';
import { checkDedupeKey, checkNow, resolveDedupeOptions } from '@tributary/core/internal';
import type Database from 'better-sqlite3';
import { closedError, type DatabaseHandle, openDatabase, storageFailure } from './database.js';

/**
 * Opens the embedded {@link DedupeStore}: table `tributary_dedupe(group_name, event_id, handled_at)`
 * in SQLite, created if missing.
 *
 * `db` is a file path (opened with WAL and `synchronous = FULL`, closed by `close()`) or an open
 * better-sqlite3 Database, which is borrowed: its pragmas are left as they are and `close()` leaves
 * it open. Marks made in the same event-loop turn commit together in one transaction (one fsync);
 * each `mark` resolves once its transaction has committed.
 *
 * Throws `INVALID_ARGUMENT` for bad options or an empty path, `STORAGE_FAILURE` when the file
 * cannot be opened.
 */
export function openSqliteDedupeStore(db: Database.Database | string, options?: DedupeOptions): DedupeStore {
  const resolved = resolveDedupeOptions(options);
  return new SqliteDedupeStore(openDatabase(db), resolved);
}

interface PendingMark {
  readonly group: string;
  readonly id: string;
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

// Groups cannot hold control characters (validateGroupName), so NUL separates the key unambiguously.
const pendingKey = (group: string, id: string): string => `${group}\u0000${id}`;

/** The SQLite DedupeStore; `SqliteExactlyOnce` shares one over its own database. */
export class SqliteDedupeStore implements DedupeStore {
  private readonly db: Database.Database;
  private readonly owned: boolean;
  private readonly options: Required<DedupeOptions>;
  private readonly hasStmt: Database.Statement;
  private readonly markStmt: Database.Statement;
  private readonly groupSizesStmt: Database.Statement;
  private readonly expireStmt: Database.Statement;
  private readonly evictStmt: Database.Statement;
  private readonly markMany: (marks: readonly PendingMark[]) => void;
  private readonly purgeAll: (now: number) => number;
  /** Marks waiting for the end of this event-loop turn, and their times by key for `has`. */
  private pending: PendingMark[] = [];
  private readonly pendingAt = new Map<string, number>();
  private flushScheduled = false;
  private closed = false;

  constructor(handle: DatabaseHandle, options: Required<DedupeOptions>) {
    ({ db: this.db, owned: this.owned } = handle);
    this.options = options;
    const db = this.db;
    this.hasStmt = db.prepare(
      'SELECT 1 FROM tributary_dedupe WHERE group_name = ? AND event_id = ? AND handled_at >= ?',
    );
    // Keeps the first rowid (first-mark order, the eviction tie-break) and the later time.
    this.markStmt = db.prepare(
      `INSERT INTO tributary_dedupe (group_name, event_id, handled_at) VALUES (?, ?, ?)
       ON CONFLICT (group_name, event_id) DO UPDATE SET handled_at = max(handled_at, excluded.handled_at)`,
    );
    this.groupSizesStmt = db.prepare(
      'SELECT group_name AS name, COUNT(*) AS size FROM tributary_dedupe GROUP BY group_name',
    );
    this.expireStmt = db.prepare('DELETE FROM tributary_dedupe WHERE group_name = ? AND handled_at < ?');
    this.evictStmt = db.prepare(
      `DELETE FROM tributary_dedupe WHERE rowid IN (SELECT rowid FROM tributary_dedupe
       WHERE group_name = ? ORDER BY handled_at, rowid LIMIT ?)`,
    );
    this.markMany = db.transaction((marks: readonly PendingMark[]) => {
      for (const m of marks) this.markStmt.run(m.group, m.id, m.at);
    });
    this.purgeAll = db.transaction((now: number) => this.purgeNow(now));
  }

  async has(group: string, id: string): Promise<boolean> {
    this.checkOpen('has');
    checkDedupeKey(group, id);
    const oldest = Date.now() - this.options.ttlMs;
    const pendingAt = this.pendingAt.get(pendingKey(group, id));
    if (pendingAt !== undefined && pendingAt >= oldest) return true;
    return this.isMarked(group, id, oldest);
  }

  async mark(group: string, id: string, now?: number): Promise<void> {
    this.checkOpen('mark');
    checkDedupeKey(group, id);
    const at = checkNow(now, 'mark');
    const key = pendingKey(group, id);
    this.pendingAt.set(key, Math.max(at, this.pendingAt.get(key) ?? at));
    const done = new Promise<void>((resolve, reject) => {
      this.pending.push({ group, id, at, resolve, reject });
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushPending());
    }
    return done;
  }

  async purge(now?: number): Promise<number> {
    this.checkOpen('purge');
    const at = checkNow(now, 'purge');
    this.flushPending();
    try {
      return this.purgeAll(at);
    } catch (err) {
      throw storageFailure(err, 'purging dedupe records');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushPending();
    this.closed = true;
    if (this.owned && this.db.open) this.db.close();
  }

  /**
   * Whether `(group, id)` has a record at least as recent as `oldest`, read synchronously (within
   * the caller's transaction, for `SqliteExactlyOnce`). Does not see marks still pending: call
   * {@link flushPending} before opening the transaction.
   */
  isMarked(group: string, id: string, oldest: number): boolean {
    try {
      return this.hasStmt.get(group, id, oldest) !== undefined;
    } catch (err) {
      throw storageFailure(err, 'reading a dedupe record');
    }
  }

  /** Writes `(group, id)` at `at` synchronously, inside the caller's transaction. */
  markNow(group: string, id: string, at: number): void {
    try {
      this.markStmt.run(group, id, at);
    } catch (err) {
      throw storageFailure(err, 'writing a dedupe record');
    }
  }

  /** The store's TTL, for callers that check records themselves. */
  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** Throws `CLOSED` when the store, or the database under it, is closed. */
  checkOpen(operation: string): void {
    if (this.closed || !this.db.open) throw closedError('dedupe store', operation);
  }

  /**
   * Commits every pending mark in one transaction and settles their promises. Call it outside any
   * transaction: a rollback would undo marks whose promises already resolved.
   */
  flushPending(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingAt.clear();
    try {
      if (!this.db.open) throw closedError('dedupe store', 'mark');
      this.markMany(batch);
    } catch (err) {
      const failure = storageFailure(err, `recording ${batch.length} dedupe mark(s)`);
      for (const m of batch) m.reject(failure);
      return;
    }
    for (const m of batch) m.resolve();
  }

  private purgeNow(now: number): number {
    const cutoff = now - this.options.ttlMs;
    let deleted = 0;
    for (const row of this.groupSizesStmt.all()) {
      const { name, size } = groupSize(row);
      const expired = this.expireStmt.run(name, cutoff).changes;
      const excess = size - expired - this.options.maxEntriesPerGroup;
      const evicted = excess > 0 ? this.evictStmt.run(name, excess).changes : 0;
      deleted += expired + evicted;
    }
    return deleted;
  }
}

/** Reads a `(name, size)` row; sizes may come back as bigint when the database uses safe integers. */
function groupSize(row: unknown): { name: string; size: number } {
  if (typeof row !== 'object' || row === null || !('name' in row) || !('size' in row))
    throw new Error('unexpected row shape from tributary_dedupe');
  return { name: String(row.name), size: Number(row.size) };
}
