import { describe } from 'vitest';
import { basicFeatures } from './basics.js';
import { boundFeatures } from './bounds.js';
import { durabilityFeatures } from './durability.js';
import { errorFeatures } from './errors.js';
import { useDedupeFixture } from './fixture.js';
import type { DedupeHarnessFactory } from './harness.js';

/**
 * Registers the DedupeStore contract as `describe(name, …)`: every behaviour of the port
 * (`@tributary/core`'s `DedupeStore`) that an adapter must have. Call it from the adapter's test:
 *
 * ```ts
 * import { testDedupeStore } from '@tributary/conformance';
 * testDedupeStore('memory dedupe', () => ({ open: async (options) => createMemoryDedupeStore(options) }));
 * ```
 *
 * The factory runs once per test; `open` must give a fresh, empty store with the given options.
 * Durability tests run only when the harness has `reopen`; otherwise they are reported as skipped.
 */
export function testDedupeStore(name: string, factory: DedupeHarnessFactory): void {
  describe(name, () => {
    const fx = useDedupeFixture(factory);
    basicFeatures(fx);
    boundFeatures(fx);
    errorFeatures(fx);
    durabilityFeatures(fx);
  });
}
