import { describe, expect, it } from 'vitest';
import { orderEvents } from '../event-store/events.js';
import type { EventStoreFixture } from '../event-store/fixture.js';

export function outboxDurabilityFeatures(fx: EventStoreFixture): void {
  describe('outbox durability across a reopen', () => {
    it('keeps pending entries and published marks', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3), { outbox: 'orders' });
      const [first, ...rest] = await store.outbox.pending();
      await store.outbox.markPublished([first!.id]);

      const reopened = await fx.reopen(store);

      expect(await reopened.outbox.pending()).toEqual(rest);
      expect(await reopened.outbox.countPending()).toBe(2);
      await reopened.appendToStream('order-2', orderEvents('2', 1), { outbox: 'orders' });
      const after = await reopened.outbox.pending();
      expect(after).toHaveLength(3);
      expect(after[2]!.id).toBeGreaterThan(rest.at(-1)!.id);
    });
  });
}
