/**
 * The Dedupe port: a durable record of which event ids each consumer group has already handled, so
 * a re-delivered or re-driven event is skipped instead of handled twice ("idempotent handlers").
 *
 * Adapters: the in-memory store (`createMemoryDedupeStore`, for tests and `memory:`) and SQLite
 * (`openSqliteDedupeStore` in `@tributary/sqlite`, the embedded default); PostgreSQL later. Every
 * adapter must pass `testDedupeStore(factory)` from `@tributary/conformance`; a behaviour not
 * pinned there is not promised.
 *
 * Records are keyed by `(group, id)`: groups are independent, and ids are compared as exact strings
 * (case- and Unicode-sensitive, no normalisation). Each record carries the time it was marked
 * (`handledAt`, milliseconds since the epoch). The store is bounded two ways, both applied by
 * {@link DedupeStore.purge}:
 * - **age**: a record older than `ttlMs` (`now - handledAt > ttlMs`) has expired. `has` already
 *   treats it as absent; `purge` deletes it.
 * - **size**: past `maxEntriesPerGroup` records in one group, `purge` deletes that group's oldest
 *   (smallest `handledAt`, ties broken by the order they were first marked).
 *
 * So an event re-delivered after its record expired or was evicted is handled again: pick `ttlMs`
 * longer than the longest re-delivery or re-drive window you rely on. Whoever owns the store (the
 * bus does, for subscriptions with dedupe) calls `purge` periodically.
 *
 * Errors: an empty or non-string `group`/`id`, a non-finite `now` or a bad option is rejected with
 * `INVALID_ARGUMENT` naming what was wrong; any call after {@link DedupeStore.close} is rejected
 * with `CLOSED`; a storage failure with `STORAGE_FAILURE` (the driver's error as `cause`). Methods
 * never throw synchronously: they return rejected promises.
 */

/** Bounds of a {@link DedupeStore}. Both are validated when the store is created. */
export interface DedupeOptions {
  /**
   * How long a record counts, in milliseconds: a positive integer. Default 7 days (the default
   * retention of a topic, so a record lives as long as the event it guards can be re-read).
   */
  readonly ttlMs?: number;
  /** Most records kept per group after a `purge`: a positive integer. Default 1,000,000. */
  readonly maxEntriesPerGroup?: number;
}

/** The defaults of {@link DedupeOptions}. */
export const DEFAULT_DEDUPE_OPTIONS: Required<DedupeOptions> = {
  ttlMs: 7 * 24 * 3600 * 1000,
  maxEntriesPerGroup: 1_000_000,
};

/** Which event ids each consumer group has handled. See the module comment for the full contract. */
export interface DedupeStore {
  /**
   * True when `group` already recorded `id` as handled and the record has not expired (its age
   * against `Date.now()` is at most `ttlMs`). An expired record that `purge` has not deleted yet
   * counts as absent.
   */
  has(group: string, id: string): Promise<boolean>;
  /**
   * Records `id` as handled by `group` at `now` (default `Date.now()`). Idempotent: marking an id
   * again keeps one record, whose `handledAt` becomes the later of the two times (so re-marking an
   * expired record revives it). Resolves once the record is durable, for durable adapters.
   */
  mark(group: string, id: string, now?: number): Promise<void>;
  /**
   * Deletes every record older than `ttlMs` at `now` (default `Date.now()`) and then, in each
   * group holding more than `maxEntriesPerGroup`, its oldest records beyond that bound. Resolves to
   * how many records were deleted.
   */
  purge(now?: number): Promise<number>;
  /** Releases the store's resources. Idempotent; every other call afterwards rejects with `CLOSED`. */
  close(): Promise<void>;
}
