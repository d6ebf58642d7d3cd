import type { EventStore, EventStoreOptions } from '@tributary/core';

/**
 * What an EventStore adapter gives the conformance suites (`testEventStore`, `testOutbox`). The
 * suites call the factory once per test, so a disk-backed harness can give each test its own file
 * and a database-backed one its own schema.
 */
export interface EventStoreHarness {
  /** Opens a fresh, empty store with `options` (upcasters, inline projections, outbox topic). */
  open(options?: EventStoreOptions<unknown>): Promise<EventStore>;
  /**
   * Closes `store` and opens the same storage again with `options` (for durability checks); omit
   * for non-durable adapters, and the durability tests are skipped.
   */
  reopen?(store: EventStore, options?: EventStoreOptions<unknown>): Promise<EventStore>;
  /** Cleans up after the test (the suite has closed the stores it opened by then). */
  cleanup?(): Promise<void>;
}

/** Builds an {@link EventStoreHarness}; called once per test. */
export type EventStoreHarnessFactory = () => Promise<EventStoreHarness> | EventStoreHarness;
