import type { EventStore, EventStoreOptions } from '@tributary/core';
import { afterEach, beforeEach, type TestContext } from 'vitest';
import type { EventStoreHarness, EventStoreHarnessFactory } from './harness.js';

/** The harness of the current test, and the stores opened through it (closed after the test). */
export interface EventStoreFixture {
  readonly harness: EventStoreHarness;
  /** Opens a fresh store through the harness; the fixture closes it after the test. */
  open(options?: EventStoreOptions<unknown>): Promise<EventStore>;
  /** Closes `store` and reopens its storage; skip the test first if there is no `reopen`. */
  reopen(store: EventStore, options?: EventStoreOptions<unknown>): Promise<EventStore>;
  /** Whether the harness can reopen a store's storage. */
  readonly canReopen: boolean;
  /** Skips the current test unless the harness provides `reopen`. */
  requireReopen(context: TestContext): void;
}

/** Registers hooks that give every test a fresh harness from `factory`, cleaned up afterwards. */
export function useEventStoreFixture(factory: EventStoreHarnessFactory): EventStoreFixture {
  let harness: EventStoreHarness | undefined;
  let stores: EventStore[] = [];

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

  const current = (): EventStoreHarness => {
    if (harness === undefined) throw new Error('The event store fixture is only available inside a test.');
    return harness;
  };

  return {
    get harness() {
      return current();
    },
    get canReopen() {
      return current().reopen !== undefined;
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
