import type { EventStoreOptions, InlineProjection, RecordedEvent } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectEmpty } from './helpers.js';

/** A projection that records the events of each call. */
function recorder(name: string, types?: string[]): InlineProjection<unknown> & { calls: RecordedEvent[][] } {
  const calls: RecordedEvent[][] = [];
  return { name, types, calls, apply: (events) => void calls.push([...events]) };
}

const withProjections = (...projections: InlineProjection<unknown>[]): EventStoreOptions<unknown> => ({
  inlineProjections: projections,
});

export function inlineProjectionFeatures(fx: EventStoreFixture): void {
  describe('inline projections', () => {
    it('are called with the recorded events of each append, as readers later see them', async () => {
      const all = recorder('all');
      const store = await fx.open(withProjections(all));
      const events = orderEvents('1', 3);
      await store.appendToStream('order-1', events, { tenant: 'acme' });
      expect(all.calls).toHaveLength(1);
      expect(all.calls[0]).toEqual(await store.readStream('order-1', { tenant: 'acme' }));
      await store.appendToStream('order-2', [placed('2')]);
      expect(all.calls).toHaveLength(2);
      expect(all.calls[1]?.map((r) => [r.stream, r.version, r.tenant])).toEqual([['order-2', 1n, 'default']]);
    });

    it('get only the event types they handle, and never an empty list', async () => {
      const shipments = recorder('shipments', ['order.shipped']);
      const store = await fx.open(withProjections(shipments));
      await store.appendToStream('order-1', [placed('1')]);
      const events = [shipped('1', 'ups'), placed('2'), shipped('2', 'dhl')];
      await store.appendToStream('order-2', events);
      expect(shipments.calls.every((call) => call.length > 0)).toBe(true);
      expect(idsOf(shipments.calls.flat())).toEqual([events[0]!.id, events[2]!.id]);
    });

    it('see every event of appendToStreams and of a transaction', async () => {
      const all = recorder('all');
      const store = await fx.open(withProjections(all));
      const a = orderEvents('a', 2);
      const b = [placed('b')];
      const c = [placed('c')];
      await store.appendToStreams([
        { stream: 'order-a', events: a },
        { stream: 'order-b', events: b },
      ]);
      await store.transaction(async (tx) => {
        await tx.appendToStream('order-c', c);
      });
      expect(idsOf(all.calls.flat())).toEqual(idsOf([...a, ...b, ...c]));
    });

    it('fail the append when one throws: the error is rethrown and nothing is written', async () => {
      const failure = new Error('read model rejected the event');
      const seen = recorder('seen');
      const failing: InlineProjection<unknown> = {
        name: 'failing',
        types: ['order.shipped'],
        apply: () => {
          throw failure;
        },
      };
      const store = await fx.open(withProjections(seen, failing));
      await expect(store.appendToStream('order-1', orderEvents('1', 2))).rejects.toBe(failure);
      await expectEmpty(store);
      expect(await store.getStream('order-1')).toBeUndefined();
      // Events the failing projection does not handle still append.
      await store.appendToStream('order-1', [placed('1')]);
      expect(await store.readAll()).toHaveLength(1);
    });

    it('fail appendToStreams and transactions as a whole when one throws', async () => {
      const failure = new Error('projection failed');
      const failing: InlineProjection<unknown> = {
        name: 'failing',
        types: ['order.shipped'],
        apply: async () => {
          await Promise.resolve();
          throw failure;
        },
      };
      const store = await fx.open(withProjections(failing));
      await expect(
        store.appendToStreams([
          { stream: 'order-1', events: [placed('1')] },
          { stream: 'order-2', events: [shipped('2')] },
        ]),
      ).rejects.toBe(failure);
      await expect(
        store.transaction(async (tx) => {
          await tx.appendToStream('order-3', [placed('3')]);
          await tx.appendToStream('order-3', [shipped('3')]);
        }),
      ).rejects.toBe(failure);
      await expectEmpty(store);
    });
  });
}
