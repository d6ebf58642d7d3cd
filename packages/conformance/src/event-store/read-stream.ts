import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import { asRead, orderEvents, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';

export function readStreamFeatures(fx: EventStoreFixture): void {
  describe('readStream', () => {
    it('reads a stream forward in version order by default, each event once', async () => {
      const store = await fx.open();
      const events = orderEvents('1', 5);
      await store.appendToStream('order-1', events.slice(0, 2));
      await store.appendToStream('order-2', orderEvents('2', 2));
      await store.appendToStream('order-1', events.slice(2));
      const read = await store.readStream('order-1');
      expect(read.map((r) => r.event)).toEqual(events.map((e) => asRead(e)));
      expect(versionsOf(read)).toEqual([1n, 2n, 3n, 4n, 5n]);
      expect(read.every((r) => r.stream === 'order-1')).toBe(true);
    });

    it('reads forward from fromVersion, at most maxCount events', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 5));
      expect(versionsOf(await store.readStream('order-1', { fromVersion: 3n }))).toEqual([3n, 4n, 5n]);
      expect(versionsOf(await store.readStream('order-1', { fromVersion: 2n, maxCount: 2 }))).toEqual([
        2n,
        3n,
      ]);
      expect(versionsOf(await store.readStream('order-1', { maxCount: 1 }))).toEqual([1n]);
      expect(versionsOf(await store.readStream('order-1', { fromVersion: 0n }))).toHaveLength(5);
      expect(await store.readStream('order-1', { fromVersion: 6n })).toEqual([]);
    });

    it('reads backward from the last version by default, or from fromVersion', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 5));
      expect(versionsOf(await store.readStream('order-1', { direction: 'backward' }))).toEqual([
        5n,
        4n,
        3n,
        2n,
        1n,
      ]);
      const from3 = await store.readStream('order-1', { direction: 'backward', fromVersion: 3n });
      expect(versionsOf(from3)).toEqual([3n, 2n, 1n]);
      const last2 = await store.readStream('order-1', { direction: 'backward', maxCount: 2 });
      expect(versionsOf(last2)).toEqual([5n, 4n]);
      const beyond = await store.readStream('order-1', { direction: 'backward', fromVersion: 99n });
      expect(versionsOf(beyond)).toEqual([5n, 4n, 3n, 2n, 1n]);
    });

    it('reads a stream that does not exist as an empty array', async () => {
      const store = await fx.open();
      expect(await store.readStream('order-404')).toEqual([]);
      expect(await store.readStream('order-404', { direction: 'backward' })).toEqual([]);
      await store.appendToStream('order-1', orderEvents('1', 1));
      expect(await store.readStream('order-404')).toEqual([]);
    });

    it('reads only events recorded at or before until (time travel)', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      const [, second] = await store.readStream('order-1');
      const cut = second!.recordedAt;
      await waitFor(() => Date.now() > cut.getTime() + 5);
      await store.appendToStream('order-1', [shipped('1', 'late')]);
      expect(versionsOf(await store.readStream('order-1', { until: cut }))).toEqual([1n, 2n]);
      const back = await store.readStream('order-1', { until: cut, direction: 'backward' });
      expect(versionsOf(back)).toEqual([2n, 1n]);
      expect(await store.readStream('order-1', { until: new Date(cut.getTime() - 60_000) })).toEqual([]);
      expect(await store.readStream('order-1', { until: new Date() })).toHaveLength(3);
    });
  });
}
