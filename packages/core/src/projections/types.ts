import type { Bus } from '../bus/bus.js';
import type { RecordedEvent } from '../ports/event-store.js';

/** What a projection does with an event its handler fails on. */
export type ProjectionErrorPolicy = 'stop' | 'skip' | 'dead-letter';

/** What `handle` gets with each batch. */
export interface ProjectionContext {
  readonly name: string;
  /** The projection's version: write to versioned read-model tables (`orders_v2`) so a rebuild can run beside the live version. */
  readonly version: number;
}

/**
 * An async projection: builds a read model from the store's global log, batch by batch, outside
 * the append transaction (see `startProjection`).
 */
export interface ProjectionDefinition {
  /** Letters, digits, `.`, `_`, `-`; names the checkpoint, lease and dead-letter topic. */
  readonly name: string;
  /** Bump it to rebuild into new tables beside the running version (`rebuildProjection`). Default 1. */
  readonly version: number;
  /** Only these event types reach `handle` (default: every type). */
  readonly types?: readonly string[];
  /**
   * Applies a batch of events, in global position order. When it throws, the events of the batch
   * are handed to it again one at a time (to find the failing one), so a batch that throws must
   * leave no partial effect (write in one transaction) or its writes must be idempotent. Events
   * are delivered at least once: after a crash or a takeover the last uncommitted batch is
   * handled again.
   */
  handle(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void> | void;
  /**
   * What to do with an event `handle` fails on: `'stop'` (default) stops the runner with status
   * `'failed'` and the checkpoint just before the event; `'skip'` counts it and goes on;
   * `'dead-letter'` hands it to the dead-letter sink and goes on.
   */
  readonly onError: ProjectionErrorPolicy;
}

/** The input of `defineProjection`: a {@link ProjectionDefinition} with defaults left out. */
export interface ProjectionInput extends Omit<ProjectionDefinition, 'version' | 'onError'> {
  readonly version?: number;
  readonly onError?: ProjectionErrorPolicy;
}

/** Options of `startProjection`. */
export interface StartProjectionOptions {
  /** Names this instance in the lease (default: host, pid and a random part). */
  readonly owner?: string;
  /** How long the lease lasts without renewal; renewed every third of it. Default 30000 ms. */
  readonly leaseTtlMs?: number;
  /** Events read and handled per batch. Default 100. */
  readonly batchSize?: number;
  /**
   * How often the store is polled for events appended by other processes (appends in this process
   * wake the runner at once), and how often a standby instance tries to take over. Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
  /** The dead-letter sink of the `'dead-letter'` policy. When it throws, the runner fails. */
  readonly deadLetter?: (recorded: RecordedEvent, error: unknown) => Promise<void>;
  /**
   * Without `deadLetter`: dead letters go to this bus's topic `projection.<name>.dlq` with the DLQ
   * headers (topic = the stream name, partition 0, offset = the global position).
   */
  readonly bus?: Bus;
  /**
   * Called with errors of the store (reads, checkpoint writes, lease renewals), which are retried
   * with backoff. Default: a line on stderr.
   */
  readonly onError?: (error: unknown) => void;
}

/** The state of a runner. */
export type ProjectionState = 'starting' | 'active' | 'standby' | 'stopped' | 'failed';

/** A snapshot of a runner. */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  /** The committed checkpoint as this instance last saw it (`0n`: nothing processed). */
  readonly checkpoint: bigint;
  /** The store's head position as this instance last saw it. */
  readonly head: bigint;
  /** `head - checkpoint`, in positions (not every position holds a matching event). */
  readonly lag: bigint;
  /** Events handled successfully by this instance. */
  readonly processed: number;
  /** Events skipped by the `'skip'` policy in this instance. */
  readonly skipped: number;
  /** Events dead-lettered by this instance. */
  readonly deadLettered: number;
  /** Why the runner failed (state `'failed'`). */
  readonly error?: unknown;
}

/** A running projection, from `startProjection`. */
export interface ProjectionRunner {
  readonly name: string;
  readonly version: number;
  /**
   * Resolves once the checkpoint (of whichever instance is active) has reached the store's head
   * position at the time of the call. Rejects with `CLOSED` when the runner stops first,
   * `PERMANENT_FAILURE` when it fails, `REQUEST_TIMEOUT` after `timeoutMs` (default 30000).
   */
  whenCaughtUp(options?: { readonly timeoutMs?: number }): Promise<void>;
  status(): ProjectionStatus;
  /** Finishes the batch in progress, commits its checkpoint, releases the lease. Idempotent. */
  stop(): Promise<void>;
}

/** A progress report of a rebuild or a replay. */
export interface ProgressReport {
  /** Positions (or stream versions, for a stream replay) done so far. */
  readonly done: bigint;
  /** Where it ends: the head position (or the stream's version) as last seen. */
  readonly total: bigint;
  /** Positions (or versions) per second since the start. */
  readonly ratePerSec: number;
  /** Seconds left at that rate (`Infinity` while nothing is done yet). */
  readonly etaSeconds: number;
}
