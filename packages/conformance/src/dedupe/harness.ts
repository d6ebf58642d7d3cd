import type { DedupeOptions, DedupeStore } from '@tributary/core';

/**
 * What a dedupe adapter gives the conformance suite. The suite calls the factory once per test, so
 * a disk-backed harness can give each test its own temporary file.
 */
export interface DedupeHarness {
  /**
   * Opens a fresh, empty store with `options` (the suite passes small bounds to test them). Bad
   * options must reject (or throw) with `INVALID_ARGUMENT`.
   */
  open(options?: DedupeOptions): Promise<DedupeStore>;
  /**
   * Closes `store` and opens the same storage again with `options` (for durability checks); omit
   * for non-durable adapters, and the durability tests are skipped.
   */
  reopen?(store: DedupeStore, options?: DedupeOptions): Promise<DedupeStore>;
  /** Cleans up after the test (the suite has closed the stores it opened by then). */
  cleanup?(): Promise<void>;
}

/** Builds a {@link DedupeHarness}; called once per test. */
export type DedupeHarnessFactory = () => Promise<DedupeHarness> | DedupeHarness;
