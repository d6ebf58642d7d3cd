import type { DedupeOptions, DedupeStore } from '@tributary/core';
import { afterEach, beforeEach, type TestContext } from 'vitest';
import type { DedupeHarness, DedupeHarnessFactory } from './harness.js';

/** The harness of the current test, and the stores opened through it (closed after the test). */
export interface DedupeFixture {
  readonly harness: DedupeHarness;
  /** Opens a store through the harness; the fixture closes it after the test. */
  open(options?: DedupeOptions): Promise<DedupeStore>;
  /** Closes `store` and reopens its storage; skip the test first if there is no `reopen`. */
  reopen(store: DedupeStore, options?: DedupeOptions): Promise<DedupeStore>;
  /** Skips the current test unless the harness provides `reopen`. */
  requireReopen(context: TestContext): void;
}

/** Registers hooks that give every test a fresh harness from `factory`, cleaned up afterwards. */
export function useDedupeFixture(factory: DedupeHarnessFactory): DedupeFixture {
  let harness: DedupeHarness | undefined;
  let stores: DedupeStore[] = [];

  beforeEach(async () => {
    harness = await factory();
  });

  afterEach(async () => {
    const [h, opened] = [harness, stores];
    harness = undefined;
    stores = [];
    try {
      for (const store of opened) await store.close();
    } finally {
      await h?.cleanup?.();
    }
  });

  const current = (): DedupeHarness => {
    if (harness === undefined) throw new Error('The dedupe fixture is only available inside a test.');
    return harness;
  };

  return {
    get harness() {
      return current();
    },
    async open(options) {
      const store = await current().open(options);
      stores.push(store);
      return store;
    },
    async reopen(store, options) {
      const h = current();
      if (h.reopen === undefined) throw new Error('This harness has no reopen(); call requireReopen first.');
      const reopened = await h.reopen(store, options);
      stores.push(reopened);
      return reopened;
    },
    requireReopen(context) {
      if (current().reopen === undefined) context.skip('the harness has no reopen()');
    },
  };
}
