import type { DedupeOptions, DedupeStore, ExactlyOnceKey, ExactlyOnceStore } from '@tributary/core';
import {
  checkDedupeKey,
  invalidArgument,
  resolveDedupeOptions,
  validateGroupName,
  validateTopicName,
} from '@tributary/core/internal';
import type Database from 'better-sqlite3';
import { closedError, openDatabase, storageFailure } from './database.js';
import { SqliteDedupeStore } from './sqlite-dedupe.js';
import { ActiveTx, type SqliteTx, StatementCache } from './sqlite-tx.js';

/** Identifies one consumed event: who handled it, and where to resume after it (core's `ExactlyOnceKey`). */
export type SqliteExactlyOnceKey = ExactlyOnceKey;

/** What {@link SqliteExactlyOnce.apply} returns. */
export type ApplyResult<T> = { applied: true; result: T } | { applied: false };

/**
 * Exactly-once effects on SQLite: the handler's writes, the dedupe mark and the consumed offset
 * commit in ONE transaction, so after a crash at any point either all three are on disk or none is.
 *
 * `db` is a file path (opened with WAL and `synchronous = FULL`, closed by `close()`) or an open
 * better-sqlite3 Database, which is borrowed (its pragmas kept, left open by `close()`). Tables
 * `tributary_dedupe` and `tributary_offsets(group_name, topic, partition, next_offset)` are
 * created if missing; the handler's own tables live in the same database.
 *
 * Everything here is synchronous, as better-sqlite3 is: `apply` runs `effect` and commits before
 * it returns. Bad arguments throw `INVALID_ARGUMENT` (or `INVALID_TOPIC_NAME`), calls after
 * `close()` throw `CLOSED`, failures of Tributary's own statements `STORAGE_FAILURE`.
 */
export class SqliteExactlyOnce implements ExactlyOnceStore<SqliteTx> {
  readonly db: Database.Database;
  /** The same `tributary_dedupe` table as a {@link DedupeStore}, for `has()` checks outside `apply`. */
  readonly dedupe: DedupeStore;
  private readonly store: SqliteDedupeStore;
  private readonly owned: boolean;
  private readonly statements: StatementCache;
  private readonly saveOffset: Database.Statement;
  private readonly readOffset: Database.Statement;
  private readonly applyTx: <T>(key: SqliteExactlyOnceKey, effect: (tx: SqliteTx) => T) => ApplyResult<T>;
  private closed = false;

  constructor(db: Database.Database | string, options?: DedupeOptions) {
    const resolved = resolveDedupeOptions(options);
    const handle = openDatabase(db);
    this.db = handle.db;
    this.owned = handle.owned;
    // The dedupe store borrows the database: closing it must not close ours.
    this.store = new SqliteDedupeStore({ db: handle.db, owned: false }, resolved);
    this.dedupe = this.store;
    this.statements = new StatementCache(this.db);
    this.saveOffset = this.db.prepare(
      `INSERT INTO tributary_offsets (group_name, topic, partition, next_offset) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_name, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
    );
    this.readOffset = this.db
      .prepare(
        'SELECT next_offset FROM tributary_offsets WHERE group_name = ? AND topic = ? AND partition = ?',
      )
      .pluck();
    const run = this.db.transaction(
      (key: SqliteExactlyOnceKey, effect: (tx: SqliteTx) => unknown): ApplyResult<unknown> =>
        this.applyInTransaction(key, effect),
    );
    // The transaction passes `effect`'s result through unchanged, so T is preserved.
    this.applyTx = run as <T>(key: SqliteExactlyOnceKey, effect: (tx: SqliteTx) => T) => ApplyResult<T>;
  }

  /**
   * Runs `effect(tx)` in one transaction together with: checking that `(group, eventId)` is not yet
   * marked (an unexpired record, as `dedupe.has` sees it) — if it is, nothing runs and
   * `{ applied: false }` is returned; marking it now; and setting the offset row of
   * `(group, topic, partition)` to `nextOffset`. All or nothing: if `effect` throws, nothing is
   * written and its error propagates unchanged. `effect` must be synchronous: one returning a
   * promise is rolled back with `INVALID_ARGUMENT`. Called inside a transaction the caller opened
   * on a borrowed database, it becomes a savepoint that commits with the caller's transaction.
   */
  apply<T>(key: SqliteExactlyOnceKey, effect: (tx: SqliteTx) => T): ApplyResult<T> {
    this.checkOpen('apply');
    checkKey(key);
    if (typeof effect !== 'function')
      throw invalidArgument(`Invalid effect ${String(effect)}: expected a function (tx) => result.`);
    // Marks queued through `dedupe.mark` commit first: a rollback here must not undo them.
    this.store.flushPending();
    return this.applyTx(key, effect);
  }

  /**
   * Runs `fn` in one transaction: `apply` calls inside it become savepoints (one failing effect
   * rolls back only itself) and everything commits with one fsync. This is how a subscription
   * applies a whole fetched batch at the cost of one commit.
   */
  transaction<T>(fn: () => T): T {
    this.checkOpen('transaction');
    this.store.flushPending();
    return this.db.transaction(fn)();
  }

  /** The offset recorded by the last applied event of `(group, topic, partition)`, or `undefined`. */
  committedOffset(group: string, topic: string, partition: number): bigint | undefined {
    this.checkOpen('committedOffset');
    checkPosition(group, topic, partition);
    let value: unknown;
    try {
      value = this.readOffset.get(group, topic, partition);
    } catch (err) {
      throw storageFailure(err, 'reading a committed offset');
    }
    return value === undefined ? undefined : BigInt(String(value));
  }

  /** Closes the dedupe view and, when it opened the database itself, the database. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.store.close();
    if (this.owned && this.db.open) this.db.close();
  }

  private applyInTransaction(
    key: SqliteExactlyOnceKey,
    effect: (tx: SqliteTx) => unknown,
  ): ApplyResult<unknown> {
    const now = Date.now();
    if (this.store.isMarked(key.group, key.eventId, now - this.store.ttlMs)) return { applied: false };
    const tx = new ActiveTx(this.db, this.statements);
    let result: unknown;
    try {
      result = effect(tx);
    } finally {
      tx.end();
    }
    if (isThenable(result))
      throw invalidArgument(
        'The exactly-once effect returned a promise: it must be synchronous (better-sqlite3 commits when it returns). Its writes were rolled back.',
      );
    this.store.markNow(key.group, key.eventId, now);
    try {
      this.saveOffset.run(key.group, key.topic, key.partition, key.nextOffset.toString());
    } catch (err) {
      throw storageFailure(err, 'recording the consumed offset');
    }
    return { applied: true, result };
  }

  private checkOpen(operation: string): void {
    if (this.closed || !this.db.open) throw closedError('exactly-once store', operation);
  }
}

function checkKey(key: SqliteExactlyOnceKey): void {
  if (typeof key !== 'object' || key === null)
    throw invalidArgument(
      `Invalid exactly-once key ${String(key)}: expected { group, eventId, topic, partition, nextOffset }.`,
    );
  checkDedupeKey(key.group, key.eventId);
  checkPosition(key.group, key.topic, key.partition);
  if (typeof key.nextOffset !== 'bigint' || key.nextOffset < 0n)
    throw invalidArgument(`Invalid nextOffset ${String(key.nextOffset)}: expected a bigint >= 0n.`);
}

function checkPosition(group: string, topic: string, partition: number): void {
  validateGroupName(group);
  validateTopicName(topic);
  if (!Number.isSafeInteger(partition) || partition < 0)
    throw invalidArgument(`Invalid partition ${String(partition)}: expected an integer >= 0.`);
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'then' in value &&
    typeof value.then === 'function'
  );
}
