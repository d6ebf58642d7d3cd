import { afterEach, beforeEach, type TestContext } from 'vitest';

/** What the harness of a store-like port gives a suite: fresh stores, optionally reopened. */
export interface StoreHarness<Store, Options> {
  open(options?: Options): Promise<Store>;
  reopen?(store: Store, options?: Options): Promise<Store>;
  cleanup?(): Promise<void>;
}

/** The harness of the current test, and the stores opened through it (closed after the test). */
export interface StoreFixture<Store, Options, Harness extends StoreHarness<Store, Options>> {
  readonly harness: Harness;
  /** Opens a fresh store through the harness; the fixture closes it after the test. */
  open(options?: Options): Promise<Store>;
  /** Closes `store` and reopens its storage; skip the test first if there is no `reopen`. */
  reopen(store: Store, options?: Options): Promise<Store>;
  /** Whether the harness can reopen a store's storage. */
  readonly canReopen: boolean;
  /** Skips the current test unless the harness provides `reopen`. */
  requireReopen(context: TestContext): void;
}

/**
 * Registers hooks that give every test a fresh harness from `factory`, and close the stores it
 * opened and clean up after the test. `what` names the port in misuse errors.
 */
export function useStoreFixture<
  Store extends { close(): Promise<void> },
  Options,
  Harness extends StoreHarness<Store, Options>,
>(factory: () => Promise<Harness> | Harness, what: string): StoreFixture<Store, Options, Harness> {
  let harness: Harness | undefined;
  let stores: Store[] = [];

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

  const current = (): Harness => {
    if (harness === undefined) throw new Error(`The ${what} fixture is only available inside a test.`);
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
