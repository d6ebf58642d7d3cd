import type { OrderGenerator } from '../events.js';
import type { OrderTotals } from './aggregate.js';

/** The event-store systems the `store.*` and `projection.catchup` suites measure; `--system` filters on these. */
export const STORE_SYSTEM_NAMES = [
  'tributary-sqlite',
  'tributary-postgres',
  'pg-plain',
  'emmett-postgresql',
] as const;
export type StoreSystemName = (typeof STORE_SYSTEM_NAMES)[number];

/** What a store system may lack; the suite then reports a skipped row with the system's reason. */
export type StoreCapability = 'snapshots';

/** How far a catch-up got (see {@link StoreSession.catchUp}). */
export interface CatchUpResult {
  /** Events handed to the handler. */
  readonly events: number;
  /** Pages read (each followed by one checkpoint update). */
  readonly pages: number;
}

export interface CatchUpOptions {
  /** Events per page (one read, one checkpoint update). */
  readonly pageSize: number;
  /** `performance.now()` after which the catch-up stops at the end of the current page. */
  readonly deadline: number;
}

/** Loading an aggregate from a snapshot and the events after it. */
export interface SnapshotSupport {
  /** Stores `state` as the stream's snapshot at `version`. */
  save(stream: string, version: bigint, state: OrderTotals): Promise<void>;
  /** Reads the snapshot, then the events after it, folding them onto the snapshot's state. */
  load(stream: string): Promise<OrderTotals>;
}

/**
 * One fresh, empty event store of one system (a temp file, a fresh PostgreSQL schema). Every
 * write builds its events from the shared generator, so each row counts the whole cost a user
 * pays: building (and for Tributary validating) the event, serializing, writing, and the fsync
 * of the commit.
 */
export interface StoreSession {
  /** Server or library version (reported as `system_version`). */
  readonly version?: string;
  /** A caveat found at connect time (e.g. PostgreSQL's `synchronous_commit`); overrides the system's note. */
  readonly note?: string;
  /** Appends the next `size` events to `stream` in one call without a version check (`'any'`). */
  appendBatch(stream: string, gen: OrderGenerator, size: number): Promise<void>;
  /**
   * Appends the next event alone to `stream`, whose version must be exactly `expectedVersion`
   * (`0n`: no events yet). Resolves with the stream's new version.
   */
  appendSingle(stream: string, gen: OrderGenerator, expectedVersion: bigint): Promise<bigint>;
  /** Bulk-loads the next `count` events into `stream` the fastest way the system has (not timed). */
  prefill(stream: string, gen: OrderGenerator, count: number): Promise<void>;
  /** Reads the whole stream and folds it with {@link evolveOrderTotals}. */
  loadAggregate(stream: string): Promise<OrderTotals>;
  /** Snapshots, when the system has them (see {@link StoreSystem.unsupported}). */
  readonly snapshots?: SnapshotSupport;
  /**
   * An async projection catching up on the global log from the beginning: reads pages of
   * `pageSize` events in position order, folds each event with a trivial handler and moves the
   * projection's checkpoint once per page, until the log is exhausted or `deadline` passes.
   */
  catchUp(options: CatchUpOptions): Promise<CatchUpResult>;
  /** Drops the schema or file and disconnects. */
  close(): Promise<void>;
}

/** An event store under test: a factory of fresh sessions plus what a reader of the table must know. */
export interface StoreSystem {
  readonly name: StoreSystemName;
  /** Durability and design caveats printed on every row of this system. */
  readonly note?: string;
  /** Why a capability is missing (the row is reported as skipped with this reason). */
  readonly unsupported?: Partial<Record<StoreCapability, string>>;
  /**
   * Connects and creates a fresh, empty store. Rejects with `SystemUnavailable` (from
   * `systems/types.ts`) when the server is unreachable or the adapter is missing.
   */
  open(): Promise<StoreSession>;
}
