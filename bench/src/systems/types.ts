import type { OrderGenerator } from '../events.js';

/** The systems a row can measure; `--system <name>` filters on these. */
export const SYSTEM_NAMES = ['tributary', 'nats', 'redis', 'sqlite', 'postgres', 'disk'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

/** Thrown by {@link BenchSystem.open} when the system cannot run here; the row is reported as skipped. */
export class SystemUnavailable extends Error {
  override readonly name = 'SystemUnavailable';
}

/** Called by a subscription with how many events were just delivered (in publish order). */
export type DeliveryListener = (count: number) => void;

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
  /**
   * Connects and creates a fresh, empty destination. Rejects with {@link SystemUnavailable} when
   * the server is unreachable or a driver is missing.
   */
  open(): Promise<SystemSession>;
}
