// The PostgreSQL EventStore: opens the pool and schema, and routes each port method to its module.
import type {
  AppendOptions,
  StoreAppendResult as AppendResult,
  CheckpointStore,
  CloudEvent,
  DeleteStreamOptions,
  EventStoreTransaction,
  EventUpcaster,
  MultiAppendOptions,
  OutboxStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  StreamAppend,
  StreamInfo,
  StreamMetadata,
  TenantOption,
} from '@tributary/core';
import { invalidArgument, NO_UPCASTING } from '@tributary/core/internal';
import pg from 'pg';
import { Appender } from './append/appender.js';
import { PostgresCheckpoints } from './checkpoints.js';
import { Database } from './database.js';
import { describeServer } from './errors.js';
import { checkStoreOptions } from './input-checks.js';
import { deleteStream, getStream, setStreamMetadata } from './metadata.js';
import { AppendNotifier, channelOf } from './notifications.js';
import {
  DEFAULT_POOL_SIZE,
  DEFAULT_SCHEMA,
  type PgTx,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './options.js';
import { PostgresOutbox } from './outbox.js';
import { headPosition, readAll, readStream } from './reads.js';
import { migrate } from './schema/migrate.js';
import { tablesOf } from './schema/tables.js';
import { loadSnapshot, saveSnapshot } from './snapshots.js';
import { quoteSchema } from './sql-names.js';
import { runTransaction } from './transaction.js';

/**
 * Opens an event store in a PostgreSQL schema (default `tributary`), creating or upgrading its
 * tables first; several processes may open the same schema at once. Give `connectionString` (the
 * store opens and closes its own pool) or `pool` (borrowed, not closed).
 *
 * ```ts
 * const store = await openPostgresEventStore({ connectionString: 'postgres://app@db:5432/app' });
 * await store.appendToStream('order-42', [placed], { expectedVersion: 'no_stream' });
 * ```
 *
 * @throws ValidationError `INVALID_ARGUMENT` for bad options.
 * @throws StorageError `STORAGE_FAILURE` when the server cannot be reached or the schema cannot be
 *   created (retryable when the server is unreachable).
 */
export async function openPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<PostgresEventStore> {
  checkStoreOptions(options);
  const { connectionString, pool: borrowed, schema = DEFAULT_SCHEMA, poolSize = DEFAULT_POOL_SIZE } = options;
  const quoted = quoteSchema(schema);
  if ((connectionString === undefined) === (borrowed === undefined))
    throw invalidArgument(
      'openPostgresEventStore needs exactly one of connectionString (postgres://user@host:5432/db) or pool.',
    );
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString === ''))
    throw invalidArgument('Invalid connectionString: expected postgres://user:password@host:5432/database.');
  if (!Number.isSafeInteger(poolSize) || poolSize < 1)
    throw invalidArgument(`Invalid poolSize ${String(poolSize)}: expected a positive integer.`);
  const pool = borrowed ?? new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 10_000 });
  // an idle client's error (server restart) surfaces on its next query instead of crashing
  if (borrowed === undefined) pool.on('error', () => undefined);
  const db = new Database(pool, tablesOf(quoted), schema, describeServer(connectionString, pool));
  try {
    await db.withClient(`create the event store schema ${quoted}`, async (client) => {
      try {
        await migrate(client, db.tables, schema);
      } catch (err) {
        throw db.failure(err, `create the event store schema ${quoted}`);
      }
    });
  } catch (err) {
    if (borrowed === undefined) await pool.end().catch(() => undefined);
    throw err;
  }
  return new Store(db, options, borrowed === undefined);
}

class Store implements PostgresEventStore {
  readonly schema: string;
  readonly outbox: OutboxStore;
  readonly checkpoints: CheckpointStore;
  private readonly upcaster: EventUpcaster;
  private readonly notifier: AppendNotifier;
  private readonly appender: Appender;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    options: PostgresEventStoreOptions,
    private readonly ownsPool: boolean,
  ) {
    this.schema = db.schemaName;
    this.upcaster = options.upcasters ?? NO_UPCASTING;
    this.notifier = new AppendNotifier(channelOf(db.schemaName), db.pool.options);
    this.outbox = new PostgresOutbox(db, this.upcaster);
    this.checkpoints = new PostgresCheckpoints(db);
    this.appender = new Appender(db, {
      projections: options.inlineProjections ?? [],
      topicOf: options.outboxTopic,
      upcaster: this.upcaster,
      notice: { channel: this.notifier.channel, origin: this.notifier.origin },
      onWritten: () => this.notifier.emit(),
    });
  }

  appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return this.appender.appendToStream(stream, events, options);
  }

  appendToStreams(appends: readonly StreamAppend[], options?: MultiAppendOptions): Promise<AppendResult[]> {
    return this.appender.appendToStreams(appends, options);
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return readStream(this.db, this.upcaster, stream, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return readAll(this.db, this.upcaster, options);
  }

  headPosition(): Promise<bigint> {
    return headPosition(this.db);
  }

  getStream(stream: string, options?: TenantOption): Promise<StreamInfo | undefined> {
    return getStream(this.db, stream, options);
  }

  setStreamMetadata(stream: string, metadata: StreamMetadata, options?: TenantOption): Promise<void> {
    return setStreamMetadata(this.db, stream, metadata, options);
  }

  deleteStream(stream: string, options?: DeleteStreamOptions): Promise<void> {
    return deleteStream(this.db, stream, options);
  }

  saveSnapshot(stream: string, snapshot: Snapshot, options?: TenantOption): Promise<void> {
    return saveSnapshot(this.db, stream, snapshot, options);
  }

  loadSnapshot(stream: string, options?: TenantOption): Promise<Snapshot | undefined> {
    return loadSnapshot(this.db, stream, options);
  }

  async transaction<T>(fn: (tx: EventStoreTransaction<PgTx>) => Promise<T>): Promise<T> {
    if (typeof fn !== 'function')
      throw invalidArgument('transaction needs a function: transaction(async (tx) => …).');
    return runTransaction(this.db, this.appender, fn, () => this.notifier.emit());
  }

  onAppended(listener: () => void): () => void {
    if (typeof listener !== 'function') throw invalidArgument('onAppended needs a function.');
    return this.notifier.subscribe(listener);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // appends already accepted finish; everything called from now on rejects with CLOSED
    await this.appender.drain();
    this.db.markClosed();
    await this.notifier.close();
    if (this.ownsPool) await this.db.pool.end().catch(() => undefined);
  }
}
