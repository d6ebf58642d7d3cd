import type { InlineProjection } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { orderEvents, placed, shipped } from '../event-store/events.js';
import type { EventStoreFixture } from '../event-store/fixture.js';

export function rollbackFeatures(fx: EventStoreFixture): void {
  describe('rolled-back appends', () => {
    it('write no entries when the expected version conflicts', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      await expect(
        store.appendToStream('order-1', [shipped('1')], { outbox: 'orders', expectedVersion: 0n }),
      ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
      await expect(
        store.appendToStreams([
          { stream: 'order-2', events: [placed('2')], outbox: 'orders' },
          { stream: 'order-1', events: [shipped('1')], expectedVersion: 'no_stream', outbox: 'orders' },
        ]),
      ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
      expect(await store.outbox.countPending()).toBe(0);
      expect(await store.outbox.pending()).toEqual([]);
    });

    it('write no entries when the transaction function throws', async () => {
      const store = await fx.open();
      await expect(
        store.transaction(async (tx) => {
          await tx.appendToStream('order-1', orderEvents('1', 2), { outbox: 'orders' });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await store.outbox.countPending()).toBe(0);
    });

    it('write no entries when an inline projection throws', async () => {
      const failing: InlineProjection<unknown> = {
        name: 'failing',
        types: ['order.shipped'],
        apply: () => {
          throw new Error('projection failed');
        },
      };
      const store = await fx.open({ inlineProjections: [failing], outboxTopic: () => 'orders' });
      await expect(store.appendToStream('order-1', orderEvents('1', 2))).rejects.toThrow('projection failed');
      expect(await store.outbox.countPending()).toBe(0);
      await store.appendToStream('order-1', [placed('1')]);
      expect(await store.outbox.countPending()).toBe(1);
    });

    it('write no entries when the outboxTopic function throws, and the append fails', async () => {
      const store = await fx.open({
        outboxTopic: (event) => {
          if (event.type === 'order.shipped') throw new Error('no topic for shipments');
          return 'orders';
        },
      });
      await expect(store.appendToStream('order-1', orderEvents('1', 2))).rejects.toThrow(
        'no topic for shipments',
      );
      expect(await store.outbox.countPending()).toBe(0);
      expect(await store.readAll()).toEqual([]);
    });
  });
}
