import { describe, expect, it } from 'vitest';
import { orderEvents } from '../event-store/events.js';
import type { EventStoreFixture } from '../event-store/fixture.js';

export function publishingFeatures(fx: EventStoreFixture): void {
  describe('pending and markPublished', () => {
    it('pages pending entries by after and limit (default 100)', async () => {
      const store = await fx.open();
      await store.appendToStream('bulk-1', orderEvents('b1', 80), { outbox: 'orders' });
      await store.appendToStream('bulk-2', orderEvents('b2', 70), { outbox: 'orders' });
      const first = await store.outbox.pending();
      expect(first).toHaveLength(100);
      const rest = await store.outbox.pending({ after: first.at(-1)!.id });
      expect(rest).toHaveLength(50);
      expect(rest[0]!.id).toBeGreaterThan(first.at(-1)!.id);
      const small = await store.outbox.pending({ after: first[4]!.id, limit: 3 });
      expect(small.map((e) => e.id)).toEqual(first.slice(5, 8).map((e) => e.id));
      expect(await store.outbox.pending({ after: rest.at(-1)!.id })).toEqual([]);
      expect(await store.outbox.countPending()).toBe(150);
    });

    it('removes published entries from pending; unknown and repeated ids are ignored', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 5), { outbox: 'orders' });
      const all = await store.outbox.pending();
      const ids = all.map((e) => e.id);
      await store.outbox.markPublished([ids[0]!, ids[2]!, 999_999n]);
      await store.outbox.markPublished([ids[0]!]);
      await store.outbox.markPublished([]);
      expect((await store.outbox.pending()).map((e) => e.id)).toEqual([ids[1], ids[3], ids[4]]);
      expect(await store.outbox.countPending()).toBe(3);
      await store.outbox.markPublished(ids);
      expect(await store.outbox.pending()).toEqual([]);
      expect(await store.outbox.countPending()).toBe(0);
    });

    it('keeps ids increasing after earlier entries are published', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2), { outbox: 'orders' });
      const before = await store.outbox.pending();
      await store.outbox.markPublished(before.map((e) => e.id));
      await store.appendToStream('order-2', orderEvents('2', 1), { outbox: 'orders' });
      const after = await store.outbox.pending();
      expect(after).toHaveLength(1);
      expect(after[0]!.id).toBeGreaterThan(before.at(-1)!.id);
      expect(await store.outbox.pending({ after: before.at(-1)!.id })).toEqual(after);
    });
  });
}
