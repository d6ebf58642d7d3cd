import type { CloudEvent, EventStore } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, positionsOf, shipped } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectConflict } from './helpers.js';

/** Appends two streams interleaved; returns the events in commit order. */
async function interleaved(store: EventStore): Promise<CloudEvent[]> {
  const order: CloudEvent[] = [];
  for (let i = 0; i < 3; i++)
    for (const stream of ['order-1', 'invoice-1']) {
      const event = i === 0 ? placed(stream) : shipped(stream);
      await store.appendToStream(stream, [event]);
      order.push(event);
    }
  return order;
}

export function readAllFeatures(fx: EventStoreFixture): void {
  describe('readAll', () => {
    it('reads every stream in commit order with strictly increasing positions', async () => {
      const store = await fx.open();
      const order = await interleaved(store);
      const all = await store.readAll();
      expect(idsOf(all)).toEqual(idsOf(order));
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      expect(all[0]!.position).toBeGreaterThanOrEqual(1n);
      expect(all.map((r) => `${r.stream}@${r.version}`).slice(0, 4)).toEqual([
        'order-1@1',
        'invoice-1@1',
        'order-1@2',
        'invoice-1@2',
      ]);
    });

    it('reads events after a position, at most maxCount, so paging sees each event once', async () => {
      const store = await fx.open();
      const order = await interleaved(store);
      const all = await store.readAll();
      const after = all[2]!.position;
      expect(idsOf(await store.readAll({ after }))).toEqual(idsOf(order.slice(3)));
      expect(idsOf(await store.readAll({ maxCount: 2 }))).toEqual(idsOf(order.slice(0, 2)));
      expect(await store.readAll({ after: all.at(-1)!.position })).toEqual([]);
      const paged: string[] = [];
      let from = 0n;
      for (;;) {
        const page = await store.readAll({ after: from, maxCount: 4 });
        if (page.length === 0) break;
        paged.push(...idsOf(page));
        from = page.at(-1)!.position;
      }
      expect(paged).toEqual(idsOf(order));
    });

    it('returns at most 1000 events by default', async () => {
      const store = await fx.open();
      for (let batch = 0; batch < 3; batch++)
        await store.appendToStream(
          `bulk-${batch}`,
          Array.from({ length: 334 }, (_, i) => shipped(`${batch}-${i}`)),
        );
      const first = await store.readAll();
      expect(first).toHaveLength(1000);
      const rest = await store.readAll({ after: first.at(-1)!.position });
      expect(rest).toHaveLength(2);
    });

    it('filters by event types and by stream categories (the part before the first dash)', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await store.appendToStream('order-2-a', [placed('2')]);
      await store.appendToStream('order', [placed('3')]);
      await store.appendToStream('orderly-1', [placed('4')]);
      await store.appendToStream('invoice-1', [shipped('5')]);
      const placedOnly = await store.readAll({ types: ['order.placed'] });
      expect(placedOnly.map((r) => r.stream)).toEqual(['order-1', 'order-2-a', 'order', 'orderly-1']);
      const orders = await store.readAll({ categories: ['order'] });
      expect(orders.map((r) => r.stream)).toEqual(['order-1', 'order-1', 'order-2-a', 'order']);
      const both = await store.readAll({ categories: ['order', 'invoice'], types: ['order.shipped'] });
      expect(both.map((r) => r.stream)).toEqual(['order-1', 'invoice-1']);
      expect(await store.readAll({ types: ['nothing.happened'] })).toEqual([]);
      expect(await store.readAll({ categories: ['ord'] })).toEqual([]);
    });

    it('filters by recorded time: since and until are inclusive', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      const [early] = await store.readAll();
      await waitFor(() => Date.now() > early!.recordedAt.getTime() + 5);
      await store.appendToStream('order-2', [placed('2')]);
      const [, late] = await store.readAll();
      expect(idsOf(await store.readAll({ until: early!.recordedAt }))).toEqual([early!.event.id]);
      expect(idsOf(await store.readAll({ since: late!.recordedAt }))).toEqual([late!.event.id]);
      const window = { since: early!.recordedAt, until: late!.recordedAt };
      expect(await store.readAll(window)).toHaveLength(2);
      expect(await store.readAll({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    });
  });

  describe('headPosition', () => {
    it('is 0n for an empty store and the last committed position after appends', async () => {
      const store = await fx.open();
      expect(await store.headPosition()).toBe(0n);
      const first = await store.appendToStream('order-1', orderEvents('1', 3));
      expect(await store.headPosition()).toBe(first.position);
      const second = await store.appendToStream('order-2', [placed('2')]);
      expect(await store.headPosition()).toBe(second.position);
      expect(positionsOf(await store.readAll()).at(-1)).toBe(second.position);
    });

    it('does not move when an append fails', async () => {
      const store = await fx.open();
      const { position } = await store.appendToStream('order-1', [placed('1')]);
      await expectConflict(
        () => store.appendToStream('order-1', [shipped('1')], { expectedVersion: 0n }),
        'order-1',
        0n,
        1n,
      );
      expect(await store.headPosition()).toBe(position);
    });
  });
}
