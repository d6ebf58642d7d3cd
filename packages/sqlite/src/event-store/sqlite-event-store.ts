// The SQLite EventStore: appends through a group-commit queue, reads on committed data.
import type {
  AppendOptions,
  StoreAppendResult as AppendResult,
  CloudEvent,
  DeleteStreamOptions,
  EventStore,
  EventStoreOptions,
  EventStoreTransaction,
  MultiAppendOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  StreamAppend,
  StreamInfo,
  StreamMetadata,
  TenantOption,
} from '@tributary/core';
import {
  checkAppend,
  checkAppends,
  checkExpectedVersion,
  checkSnapshot,
  checkStreamMetadata,
  checkStreamName,
  invalidArgument,
  resolveReadAll,
  resolveReadStream,
  tenantOf,
} from '@tributary/core/internal';
import Database from 'better-sqlite3';
import { closedError, storageFailure } from '../database.js';
import { type SqliteTx, StatementCache } from '../sqlite-tx.js';
import { type AppendEnvironment, appendAll } from './append.js';
import { SqliteCheckpoints } from './checkpoints.js';
import { CommittedView } from './committed-view.js';
import { openEventStoreDatabase, resolveStoreOptions } from './open.js';
import { SqliteOutbox } from './outbox.js';
import type { ReadStatements } from './read-statements.js';
import type { StoreReads } from './reads.js';
import type { StoreAccess } from './store-access.js';
import { deleteStream, saveSnapshot, setMetadata } from './stream-admin.js';
import { TransactionScope } from './transaction-scope.js';
import { WriteQueue } from './write-queue.js';
import { WriteStatements } from './write-statements.js';

/** Options of {@link openSqliteEventStore}: the port's (upcasters, inline projections, outbox topic). */
export interface SqliteEventStoreOptions extends EventStoreOptions<SqliteTx> {}

/** The SQLite {@link EventStore}; `Tx` is a {@link SqliteTx} over the same database. */
export interface SqliteEventStore extends EventStore<SqliteTx> {
  /**
   * The database, for reading read-model tables. Write through `transaction(fn)` or inline
   * projections, so writes commit with the events and never interleave with the store's.
   */
  readonly db: Database.Database;
}

/**
 * Opens the embedded {@link EventStore} on SQLite (tables `tributary_es_*`, created if missing).
 *
 * `target` is a file path, opened in WAL mode with `synchronous = FULL` (an acknowledged append
 * survives kill -9 and power loss) and closed by `close()`, or an open better-sqlite3 Database,
 * used as it is (its pragmas kept, left open by `close()`).
 *
 * Writes are group-committed: appends (and other writes) issued while a flush is pending run in
 * one transaction, each in a savepoint, so one append's conflict rejects only that append.
 * `transaction(fn)` holds the write lock alone while `fn` runs: inside it, write only through
 * its `tx` (awaiting `store.appendToStream` there would wait for the transaction itself).
 *
 * Reads see committed data only. While a transaction is open across an await (`transaction(fn)`,
 * an async inline projection) they run on a second, read-only connection to the same file; on an
 * in-memory database, which has no second connection, they wait until that transaction ends (so
 * do not await `store` reads inside `fn` there).
 *
 * @throws StorageError `STORAGE_FAILURE` when the file cannot be opened or is not a database.
 * @throws ValidationError `INVALID_ARGUMENT` for bad options.
 */
export async function openSqliteEventStore(
  target: string | Database.Database,
  options?: SqliteEventStoreOptions,
): Promise<SqliteEventStore> {
  const resolved = resolveStoreOptions(options);
  const handle = openEventStoreDatabase(target);
  return new SqliteEventStoreImpl(handle.db, handle.owned, resolved);
}

/** How many write transactions a store has committed (group commit makes it fewer than writes). */
export function committedTransactions(store: SqliteEventStore): number {
  if (!(store instanceof SqliteEventStoreImpl)) throw invalidArgument('Not a SQLite event store.');
  return store.queue.committedTransactions;
}

class SqliteEventStoreImpl implements SqliteEventStore, StoreAccess {
  readonly outbox: SqliteOutbox;
  readonly checkpoints: SqliteCheckpoints;
  readonly queue: WriteQueue;
  private readonly writes: WriteStatements;
  private readonly view: CommittedView;
  private readonly env: AppendEnvironment;
  private readonly listeners = new Set<() => void>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly db: Database.Database,
    private readonly owned: boolean,
    options: ReturnType<typeof resolveStoreOptions>,
  ) {
    try {
      this.writes = new WriteStatements(db);
    } catch (err) {
      if (owned) db.close();
      throw storageFailure(err, "preparing the event store's statements");
    }
    this.queue = new WriteQueue(db, this.writes, () => this.notifyAppended());
    this.view = new CommittedView(db, this.queue, options.upcaster);
    this.env = {
      db,
      statements: this.writes,
      txStatements: new StatementCache(db),
      upcaster: options.upcaster,
      projections: options.projections,
      outboxTopic: options.outboxTopic,
    };
    this.outbox = new SqliteOutbox(this, options.upcaster);
    this.checkpoints = new SqliteCheckpoints(this);
  }

  async appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.checkOpen('appendToStream');
    const { tenant, append } = checkAppend(stream, events, options);
    const [result] = await this.queue.submit(
      (ctx) => appendAll(this.env, ctx, tenant, [append]),
      append.stored.length,
    );
    return result as AppendResult;
  }

  async appendToStreams(
    appends: readonly StreamAppend[],
    options?: MultiAppendOptions,
  ): Promise<AppendResult[]> {
    this.checkOpen('appendToStreams');
    const checked = checkAppends(appends, options);
    const weight = checked.appends.reduce((sum, a) => sum + a.stored.length, 0);
    return this.queue.submit((ctx) => appendAll(this.env, ctx, checked.tenant, checked.appends), weight);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const resolved = resolveReadStream(stream, options);
    return this.read('readStream', (_, reads) => reads.readStream(stream, resolved));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const resolved = resolveReadAll(options);
    return this.read('readAll', (_, reads) => reads.readAll(resolved));
  }

  async headPosition(): Promise<bigint> {
    return this.read('headPosition', (_, reads) => reads.headPosition());
  }

  async getStream(stream: string, options?: TenantOption): Promise<StreamInfo | undefined> {
    checkStreamName(stream);
    const tenant = tenantOf(options);
    return this.read('getStream', (_, reads) => reads.getStream(tenant, stream));
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata, options?: TenantOption): Promise<void> {
    checkStreamName(stream);
    const tenant = tenantOf(options);
    checkStreamMetadata(metadata);
    return this.write('setStreamMetadata', (s) => setMetadata(s, tenant, stream, metadata));
  }

  async deleteStream(stream: string, options?: DeleteStreamOptions): Promise<void> {
    checkStreamName(stream);
    const tenant = tenantOf(options);
    checkExpectedVersion(options?.expectedVersion);
    const hard = options?.hard ?? false;
    if (typeof hard !== 'boolean')
      throw invalidArgument(`Invalid hard ${String(hard)}: expected true or false.`);
    return this.write('deleteStream', (s) => deleteStream(s, tenant, stream, hard, options?.expectedVersion));
  }

  async saveSnapshot(stream: string, snapshot: Snapshot, options?: TenantOption): Promise<void> {
    checkStreamName(stream);
    const tenant = tenantOf(options);
    const checked = checkSnapshot(snapshot);
    return this.write('saveSnapshot', (s) =>
      saveSnapshot(s, tenant, stream, checked.snapshot, checked.stateJson),
    );
  }

  async loadSnapshot(stream: string, options?: TenantOption): Promise<Snapshot | undefined> {
    checkStreamName(stream);
    const tenant = tenantOf(options);
    return this.read('loadSnapshot', (_, reads) => reads.loadSnapshot(tenant, stream));
  }

  async transaction<T>(fn: (tx: EventStoreTransaction<SqliteTx>) => Promise<T>): Promise<T> {
    this.checkOpen('transaction');
    if (typeof fn !== 'function')
      throw invalidArgument(`Invalid transaction function ${String(fn)}: expected async (tx) => result.`);
    return this.queue.exclusive(async (ctx) => {
      const scope = new TransactionScope(this.queue, this.env, ctx);
      try {
        return await fn(scope.handle);
      } finally {
        await scope.end();
      }
    });
  }

  onAppended(listener: () => void): () => void {
    if (typeof listener !== 'function')
      throw invalidArgument(`Invalid onAppended listener ${String(listener)}: expected a function.`);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  async read<T>(operation: string, fn: (statements: ReadStatements, reads: StoreReads) => T): Promise<T> {
    this.checkOpen(operation);
    const side = this.queue.transactionOpen ? await this.view.whileTransactionOpen() : this.view.main;
    this.checkOpen(operation);
    try {
      return fn(side.statements, side.reads);
    } catch (err) {
      throw err instanceof Database.SqliteError
        ? storageFailure(err, `reading the event store (${operation})`)
        : err;
    }
  }

  async write<T>(operation: string, fn: (statements: WriteStatements) => T): Promise<T> {
    this.checkOpen(operation);
    return this.queue.submit(() => fn(this.writes));
  }

  private async closeNow(): Promise<void> {
    await this.queue.drain();
    this.listeners.clear();
    this.view.close();
    if (this.owned && this.db.open) this.db.close();
  }

  private notifyAppended(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure must not affect the appends that already committed, nor other listeners.
      }
    }
  }

  private checkOpen(operation: string): void {
    if (this.closing !== undefined || !this.db.open) throw closedError('event store', operation);
  }
}
