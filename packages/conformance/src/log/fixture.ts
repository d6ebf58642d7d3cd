import type { Log } from '@tributary/core';
import { afterEach, beforeEach, type TestContext } from 'vitest';
import type { LogHarness, LogHarnessFactory } from './harness.js';

/** The log under test in the current test, with its harness. Read `log` inside tests only. */
export interface LogFixture {
  /** The open log (after {@link reopen}, the reopened one). */
  readonly log: Log;
  readonly harness: LogHarness;
  /** Closes and reopens the storage through the harness; skip the test first if there is no `reopen`. */
  reopen(): Promise<Log>;
  /** Runs the harness's retention hook. */
  enforceRetention(): Promise<void>;
  /** Skips the current test unless the harness provides `hook`. */
  requireHook(context: TestContext, hook: 'reopen' | 'enforceRetention'): void;
}

/** Registers hooks that give every test a fresh log from `factory`, closed and cleaned up afterwards. */
export function useLogFixture(factory: LogHarnessFactory): LogFixture {
  let harness: LogHarness | undefined;
  let log: Log | undefined;

  beforeEach(async () => {
    harness = await factory();
    log = await harness.open();
  });

  afterEach(async () => {
    const [h, l] = [harness, log];
    harness = undefined;
    log = undefined;
    try {
      await l?.close();
    } finally {
      await h?.cleanup?.();
    }
  });

  const current = (): { harness: LogHarness; log: Log } => {
    if (harness === undefined || log === undefined)
      throw new Error('The log fixture is only available inside a test.');
    return { harness, log };
  };

  return {
    get log() {
      return current().log;
    },
    get harness() {
      return current().harness;
    },
    async reopen() {
      const { harness: h, log: l } = current();
      if (h.reopen === undefined) throw new Error('This harness has no reopen(); call requireHook first.');
      log = await h.reopen(l);
      return log;
    },
    async enforceRetention() {
      const { harness: h, log: l } = current();
      if (h.enforceRetention === undefined)
        throw new Error('This harness has no enforceRetention(); call requireHook first.');
      await h.enforceRetention(l);
    },
    requireHook(context, hook) {
      if (current().harness[hook] === undefined) context.skip(`the harness has no ${hook}()`);
    },
  };
}
