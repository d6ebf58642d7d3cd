import type { Log } from '@tributary/core';

/**
 * What a log adapter gives the conformance suite: a way to open a fresh, empty log, and optionally
 * hooks for the durability and retention checks. The suite calls the factory once per test, so a
 * disk-backed harness can give each test its own temporary directory.
 *
 * @typeParam L - the adapter's log type, so hooks can use adapter-specific methods.
 */
export interface LogHarness<L extends Log = Log> {
  /** Opens a fresh, empty log. */
  open(): Promise<L>;
  /**
   * Closes `log` and opens the same storage again (for durability checks); omit for non-durable
   * adapters, and the durability tests are skipped.
   */
  reopen?(log: L): Promise<L>;
  /**
   * Runs the adapter's retention now (deleting expired and over-size segments) and resolves when
   * it is done; omit when retention cannot be triggered, and the retention tests are skipped.
   */
  enforceRetention?(log: L): Promise<void>;
  /** Cleans up after the test (the suite has closed the log by then). */
  cleanup?(): Promise<void>;
}

/** Builds a {@link LogHarness}; called once per test. */
export type LogHarnessFactory<L extends Log = Log> = () => Promise<LogHarness<L>> | LogHarness<L>;
