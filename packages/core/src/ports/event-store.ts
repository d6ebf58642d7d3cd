import type { CloudEvent } from '../envelope/types.js';

/**
 * The EventStore port: streams of events per aggregate with optimistic concurrency, a global log
 * in commit order, stream metadata, snapshots, a transactional outbox, projection checkpoints and
 * leases. Adapters: in-memory (`createMemoryEventStore`, core), SQLite (`@tributary/sqlite`),
 * PostgreSQL (`@tributary/postgres`). The `testEventStore` and `testOutbox` conformance suites
 * (`@tributary/conformance`) pin every behaviour promised here.
 *
 * Conventions:
 * - A stream is identified by `(tenant, stream)`. Every call takes `tenant` (default
 *   {@link DEFAULT_TENANT}); a stream of one tenant is invisible to calls for another.
 * - Stream versions are 1-based bigints: the first event of a stream has version `1n`; a stream
 *   with no events is at version `0n`. The version of a stream is the version of its last event.
 * - Global positions are bigints `>= 1n`, increasing in commit order. Positions may have holes
 *   (a rolled-back append) but a reader of {@link EventStore.readAll} never misses an event that
 *   commits later with a lower position than one it has already seen: when an event is visible,
 *   every event with a lower position is visible too.
 * - Event data must be JSON (the `datacontenttype` absent or `application/json`); `id` is unique
 *   across the whole store.
 * - Every read applies the store's upcasters, so events are stored as written and read as the
 *   newest version of their type.
 *
 * @typeParam Tx - the handle user code writes its own tables through inside a transaction
 *   (`SqliteTx` on SQLite, a `PgTx` on PostgreSQL, `undefined` in memory).
 */
export interface EventStore<Tx = unknown> {
  /**
   * Appends `events` to `stream` atomically, after checking `expectedVersion` (default `'any'`)
   * inside the same transaction:
   * - `'any'`: no check;
   * - `'no_stream'`: the stream has no events (or was soft-deleted and not appended to since);
   * - `'stream_exists'`: the stream has at least one event and is not soft-deleted;
   * - a bigint: the stream's version is exactly that (`0n` = no events).
   *
   * Idempotent: when every event id of `events` is already stored in this stream, at consecutive
   * versions, in the same order, nothing is written and the original {@link AppendResult} is
   * returned (whatever `expectedVersion` says). Partly stored, or stored in another stream →
   * `DUPLICATE_EVENT_ID`.
   *
   * Inline projections run inside the same transaction; outbox rows are written in it too (when
   * {@link AppendOptions.outbox} or the store's `outboxTopic` gives a topic).
   *
   * @throws ConcurrencyError `WRONG_EXPECTED_VERSION` carrying expected and actual versions.
   * @throws EventStoreError `STREAM_DELETED` (hard-deleted stream), `DUPLICATE_EVENT_ID`.
   * @throws ValidationError `INVALID_ARGUMENT`: empty `events`, bad stream name, non-JSON data, an
   *   event whose `tenantid` differs from `tenant`.
   */
  appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction, each with its own expected version: all
   * appends commit or none does. Results are in the order of `appends`. The same stream may not
   * appear twice (`INVALID_ARGUMENT`).
   */
  appendToStreams(appends: readonly StreamAppend[], options?: MultiAppendOptions): Promise<AppendResult[]>;
  /**
   * Events of one stream, in version order (`forward`, from `fromVersion`, default `1n`) or reverse
   * version order (`backward`, from `fromVersion`, default the last version), at most `maxCount`
   * (default unlimited). Events hidden by the stream's metadata (truncate-before, max count, max
   * age, soft delete) are not returned. A stream that does not exist reads as `[]`.
   * @throws EventStoreError `STREAM_DELETED` when the stream was hard-deleted.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The global log in position order, events with position `> after` (default `0n`), at most
   * `maxCount` (default 1000), optionally filtered by tenant, event types, stream categories and
   * recorded time. Events hidden by their stream's metadata, and events of hard-deleted streams,
   * are not returned.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last committed event (`0n` when the store is empty). */
  headPosition(): Promise<bigint>;

  /** The stream's version, deletion state and metadata; `undefined` when it never existed. */
  getStream(stream: string, options?: TenantOption): Promise<StreamInfo | undefined>;
  /**
   * Sets (replaces) the stream's metadata, creating the stream record if needed. Older events
   * then disappear from reads as the metadata says; adapters may also remove them physically.
   */
  setStreamMetadata(stream: string, metadata: StreamMetadata, options?: TenantOption): Promise<void>;
  /**
   * Deletes a stream. Soft (default): its events disappear from reads, and a later append
   * continues the stream with the next version (`no_stream` is accepted for it). Hard: a
   * tombstone; its events are removed, later appends and `readStream` fail with `STREAM_DELETED`.
   * With `expectedVersion` the deletion is checked like an append.
   */
  deleteStream(stream: string, options?: DeleteStreamOptions): Promise<void>;

  /** Stores the latest snapshot of a stream (replacing any earlier one). */
  saveSnapshot(stream: string, snapshot: Snapshot, options?: TenantOption): Promise<void>;
  /** The latest snapshot of a stream, or `undefined`. */
  loadSnapshot(stream: string, options?: TenantOption): Promise<Snapshot | undefined>;

  /**
   * Runs `fn` in one transaction: appends through `tx`, the user's own writes through `tx.db`,
   * and outbox rows commit together or not at all. When `fn` throws, nothing is written and the
   * error is rethrown. Keep it short: on SQLite it holds the only write lock.
   */
  transaction<T>(fn: (tx: EventStoreTransaction<Tx>) => Promise<T>): Promise<T>;

  /** The transactional outbox that appends write to. */
  readonly outbox: OutboxStore;
  /** Checkpoints and leases of async projections and relays. */
  readonly checkpoints: CheckpointStore;

  /**
   * Calls `listener` after every committed append in this process (for relays and projections to
   * wake up instead of polling). Returns an unsubscribe function.
   */
  onAppended(listener: () => void): () => void;
  /** Closes the store; later calls reject with `CLOSED`. Idempotent. */
  close(): Promise<void>;
}

/** The tenant of streams appended or read without one. */
export const DEFAULT_TENANT = 'default';

/** The expected version of an append; see {@link EventStore.appendToStream}. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface TenantOption {
  /** The tenant the stream belongs to (default {@link DEFAULT_TENANT}). */
  readonly tenant?: string;
}

export interface AppendOptions extends TenantOption {
  readonly expectedVersion?: ExpectedVersion;
  /**
   * Topic to publish the events to through the outbox, overriding the store's `outboxTopic`;
   * `false` writes no outbox rows for this append.
   */
  readonly outbox?: string | false;
}

export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly CloudEvent[];
  readonly expectedVersion?: ExpectedVersion;
  readonly outbox?: string | false;
}

export type MultiAppendOptions = TenantOption;

export interface AppendResult {
  /** The stream's version after the append: the expected version for the next one. */
  readonly nextExpectedVersion: bigint;
  /** The global position of the last appended event. */
  readonly position: bigint;
}

export interface ReadStreamOptions extends TenantOption {
  readonly direction?: 'forward' | 'backward';
  readonly fromVersion?: bigint;
  readonly maxCount?: number;
  /** Only events recorded at or before this time (time travel). */
  readonly until?: Date;
}

export interface ReadAllOptions {
  /** Only events of this tenant (default: every tenant). */
  readonly tenant?: string;
  /** Exclusive lower bound of positions (default `0n`). */
  readonly after?: bigint;
  /** At most this many events (default 1000). */
  readonly maxCount?: number;
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams of these categories (the part of the stream name before the first `-`). */
  readonly categories?: readonly string[];
  /** Only events recorded at or after this time. */
  readonly since?: Date;
  /** Only events recorded at or before this time. */
  readonly until?: Date;
}

/** One stored event with where it is stored. `event.tenantid` is always the stream's tenant. */
export interface RecordedEvent<E extends CloudEvent = CloudEvent> {
  readonly event: E;
  readonly stream: string;
  readonly tenant: string;
  /** 1-based version within the stream. */
  readonly version: bigint;
  /** Position in the global log. */
  readonly position: bigint;
  /** When the store committed it. */
  readonly recordedAt: Date;
}

export interface StreamMetadata {
  /** Events older than this many milliseconds (by recorded time) are hidden. */
  readonly maxAgeMs?: number;
  /** Only the last this many events are kept. */
  readonly maxCount?: number;
  /** Events with a lower version are hidden. */
  readonly truncateBefore?: bigint;
}

export interface StreamInfo {
  readonly stream: string;
  readonly tenant: string;
  /** Version of the last event ever appended (`0n` when none). */
  readonly version: bigint;
  readonly deleted: false | 'soft' | 'hard';
  readonly metadata: StreamMetadata;
}

export interface DeleteStreamOptions extends TenantOption {
  readonly hard?: boolean;
  readonly expectedVersion?: ExpectedVersion;
}

/** A stream's state at `version`, as computed by an aggregate whose `evolve` is `schemaVersion`. */
export interface Snapshot {
  readonly version: bigint;
  /** Identifies the code that built `state`; a loader ignores snapshots of another schema version. */
  readonly schemaVersion: string;
  /** JSON-serialisable state (bigints are not JSON; encode them). */
  readonly state: unknown;
}

/** What {@link EventStore.transaction} hands to its function. */
export interface EventStoreTransaction<Tx> {
  appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  appendToStreams(appends: readonly StreamAppend[], options?: MultiAppendOptions): Promise<AppendResult[]>;
  /** The adapter's handle for the user's own SQL in the same transaction. */
  readonly db: Tx;
}

/**
 * An inline projection: runs inside every append's transaction, so the read model it writes
 * through `tx` is always consistent with the events. When it throws, the append fails and
 * nothing is written.
 */
export interface InlineProjection<Tx> {
  readonly name: string;
  /** Event types it handles (default: every type). */
  readonly types?: readonly string[];
  apply(events: readonly RecordedEvent[], tx: Tx): void | Promise<void>;
}

/** One event waiting in the outbox. */
export interface OutboxEntry {
  /** The outbox's own sequence, increasing in commit order. */
  readonly id: bigint;
  readonly topic: string;
  readonly recorded: RecordedEvent;
}

/**
 * The transactional outbox: rows written with appends, read in commit order by a relay that
 * publishes them and marks them published.
 */
export interface OutboxStore {
  /** Unpublished entries with `id > after` (default `0n`) in id order, at most `limit` (default 100). */
  pending(options?: { after?: bigint; limit?: number }): Promise<OutboxEntry[]>;
  /** Marks entries published; unknown or already published ids are ignored. */
  markPublished(ids: readonly bigint[]): Promise<void>;
  /** How many entries are unpublished. */
  countPending(): Promise<number>;
}

/** A lease: at most one live owner per name across processes sharing the store. */
export interface LeaseGrant {
  readonly name: string;
  readonly owner: string;
  /** When the lease lapses unless renewed. */
  readonly expiresAt: Date;
}

/** Checkpoints (compare-and-set) and leases for async projections and relays. */
export interface CheckpointStore {
  /** The stored position of `name`, or `undefined` when none is stored. */
  get(name: string): Promise<bigint | undefined>;
  /**
   * Stores `next` only when the stored value is `expected` (`undefined`: none stored). Returns
   * whether it stored; a `false` means another instance moved the checkpoint.
   */
  compareAndSet(name: string, expected: bigint | undefined, next: bigint): Promise<boolean>;
  /** Removes a checkpoint (for rebuilds). */
  delete(name: string): Promise<void>;
  /**
   * Takes or renews the lease `name` for `owner` for `ttlMs`: granted when it is free, expired,
   * or already `owner`'s. Returns the grant, or `undefined` when another owner holds it.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined>;
  /** Gives up the lease if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
}

/** Options every adapter's factory accepts, on top of its own connection options. */
export interface EventStoreOptions<Tx> {
  /** Upcasters applied to every read (see `Upcasters`). */
  readonly upcasters?: EventUpcaster;
  /** Inline projections run inside every append's transaction. */
  readonly inlineProjections?: readonly InlineProjection<Tx>[];
  /** The topic each appended event is published to through the outbox (`undefined`: not published). */
  readonly outboxTopic?: (event: CloudEvent, stream: string) => string | undefined;
}

/** Turns a stored event into the newest version of its type (identity for current events). */
export interface EventUpcaster {
  upcast(event: CloudEvent): CloudEvent;
}
