import type { OrderGenerator } from '../events.js';

/** The systems a row can measure; `--system <name>` filters on these. */
export const SYSTEM_NAMES = ['tributary', 'nats', 'redis', 'sqlite', 'postgres', 'disk', 'bullmq'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** Thrown by {@link BenchSystem.open} when the system cannot run here; the row is reported as skipped. */
export class SystemUnavailable extends Error {
  override readonly name = 'SystemUnavailable';
}

/** Called by a subscription with how many events were just delivered (in publish order). */
export type DeliveryListener = (count: number) => void;

/** How `consumer.process` runs a system's reliable consumer (see {@link SystemSession.process}). */
export interface ProcessOptions {
  /**
   * `at-least-once`: acknowledged (committed) after the handler returns. `exactly-once`: the
   * handler's own SQLite write, the dedupe mark and the commit in one transaction.
   */
  readonly mode: 'at-least-once' | 'exactly-once';
  /** Events whose position is a multiple of this throw on their first attempt (retried); 0: none fail. */
  readonly failEvery: number;
  /** Tributary: retry in place (`blocking`, keeps order) or via retry topics (`topics`, keeps flowing). */
  readonly retryMode?: 'blocking' | 'topics';
  /** Called once per event handled successfully (once per event, however many attempts it took). */
  readonly onHandled: () => void;
}

/**
 * One open destination (a fresh topic, stream, key or table) of one system. Publish methods take
 * the events from the shared generator themselves, so each row counts the whole cost a user pays:
 * building the event, encoding, writing, and fsync where the system is durable.
 */
export interface SystemSession {
  /** The server or library version, when known (reported as `system_version`). */
  readonly version?: string;
  /** A caveat found at connect time (e.g. the server's fsync setting); overrides the system's note. */
  readonly note?: string;
  /** Builds the next `size` events, writes them as one batch, resolves when all are acknowledged. */
  publishBatch(gen: OrderGenerator, size: number): Promise<void>;
  /** Publishes the next event alone, resolves on its acknowledgement; many publishers call at once. */
  publishSingle?(gen: OrderGenerator): Promise<void>;
  /**
   * Starts a consumer from the first event of the destination, calling `listener(n)` as events
   * are delivered. Resolves once the consumer is started.
   */
  subscribe?(listener: DeliveryListener): Promise<void>;
  /**
   * Starts the system's reliable consumer (retries with backoff on) from the first event of the
   * destination with a no-op handler. Resolves once started, with a note on its settings for the
   * row; `close()` stops it.
   */
  process?(options: ProcessOptions): Promise<string>;
  /** Reads every event written so far through the system's natural read path; returns the count. */
  readAll?(): Promise<number>;
  /** Deletes the destination and disconnects. */
  close(): Promise<void>;
}

/** A system under test: a factory of fresh sessions plus what a reader of the table must know. */
export interface BenchSystem {
  readonly name: SystemName;
  /** A caveat printed on every row of this system (e.g. "no fsync"). */
  readonly note?: string;
  /** The suites this system takes part in; every suite when absent. */
  readonly suites?: readonly string[];
  /**
   * Connects and creates a fresh, empty destination. Rejects with {@link SystemUnavailable} when
   * the server is unreachable or a driver is missing.
   */
  open(): Promise<SystemSession>;
}
