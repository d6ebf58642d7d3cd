import { describe } from 'vitest';
import { appendFeatures } from './appends.js';
import { checkpointFeatures } from './checkpoints.js';
import { concurrencyFeatures } from './concurrency.js';
import { deletionFeatures } from './deletion.js';
import { durabilityFeatures } from './durability.js';
import { errorFeatures } from './errors.js';
import { expectedVersionFeatures } from './expected-version.js';
import { useEventStoreFixture } from './fixture.js';
import type { EventStoreHarnessFactory } from './harness.js';
import { inlineProjectionFeatures } from './inline-projections.js';
import { lifecycleFeatures } from './lifecycle.js';
import { metadataFeatures } from './metadata.js';
import { readAllFeatures } from './read-all.js';
import { readStreamFeatures } from './read-stream.js';
import { snapshotFeatures } from './snapshots.js';
import { tenantFeatures } from './tenants.js';
import { transactionFeatures } from './transactions.js';
import { upcastingFeatures } from './upcasting.js';

/**
 * Registers the EventStore contract as `describe(name, …)`: every behaviour of the port
 * (`@tributary/core`'s `EventStore`) except the outbox, which {@link testOutbox} covers. Call it
 * from the adapter's test:
 *
 * ```ts
 * import { testEventStore } from '@tributary/conformance';
 * testEventStore('memory event store', () => ({ open: async (options) => createMemoryEventStore(options) }));
 * ```
 *
 * The factory runs once per test; `open` must give a fresh, empty store with the given options.
 * Durability tests run only when the harness has `reopen`; otherwise they are reported as skipped.
 */
export function testEventStore(name: string, factory: EventStoreHarnessFactory): void {
  describe(name, () => {
    const fx = useEventStoreFixture(factory);
    appendFeatures(fx);
    expectedVersionFeatures(fx);
    concurrencyFeatures(fx);
    readStreamFeatures(fx);
    readAllFeatures(fx);
    tenantFeatures(fx);
    metadataFeatures(fx);
    deletionFeatures(fx);
    upcastingFeatures(fx);
    snapshotFeatures(fx);
    transactionFeatures(fx);
    inlineProjectionFeatures(fx);
    checkpointFeatures(fx);
    lifecycleFeatures(fx);
    errorFeatures(fx);
    durabilityFeatures(fx);
  });
}
