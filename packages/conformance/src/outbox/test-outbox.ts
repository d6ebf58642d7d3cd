import { describe } from 'vitest';
import { useEventStoreFixture } from '../event-store/fixture.js';
import type { EventStoreHarnessFactory } from '../event-store/harness.js';
import { outboxBasics } from './basics.js';
import { outboxDurabilityFeatures } from './durability.js';
import { publishingFeatures } from './publishing.js';
import { rollbackFeatures } from './rollback.js';

/**
 * Registers the transactional-outbox contract of an EventStore as `describe(name, …)`: which
 * appends write outbox entries, in what order, what rolls them back, and how a relay pages and
 * marks them. Takes the same harness factory as `testEventStore`:
 *
 * ```ts
 * testOutbox('memory outbox', () => ({ open: async (options) => createMemoryEventStore(options) }));
 * ```
 */
export function testOutbox(name: string, factory: EventStoreHarnessFactory): void {
  describe(name, () => {
    const fx = useEventStoreFixture(factory);
    outboxBasics(fx);
    publishingFeatures(fx);
    rollbackFeatures(fx);
    outboxDurabilityFeatures(fx);
  });
}
