import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';

export function metadataFeatures(fx: EventStoreFixture): void {
  describe('getStream', () => {
    it('is undefined for a stream that never existed', async () => {
      const store = await fx.open();
      expect(await store.getStream('order-1')).toBeUndefined();
    });

    it("reports the stream's version, tenant, deletion state and metadata", async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3));
      expect(await store.getStream('order-1')).toEqual({
        stream: 'order-1',
        tenant: 'default',
        version: 3n,
        deleted: false,
        metadata: {},
      });
    });
  });

  describe('stream metadata', () => {
    it('keeps only the last maxCount events visible to readStream and readAll', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 5));
      await store.appendToStream('order-2', orderEvents('2', 2));
      await store.setStreamMetadata('order-1', { maxCount: 2 });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([4n, 5n]);
      expect(versionsOf(await store.readStream('order-1', { direction: 'backward' }))).toEqual([5n, 4n]);
      const all = await store.readAll();
      expect(all.map((r) => `${r.stream}@${r.version}`)).toEqual([
        'order-1@4',
        'order-1@5',
        'order-2@1',
        'order-2@2',
      ]);
      // The version does not change, and later appends push older events out.
      expect(await store.getStream('order-1')).toMatchObject({ version: 5n, metadata: { maxCount: 2 } });
      await store.appendToStream('order-1', [shipped('1')], { expectedVersion: 5n });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([5n, 6n]);
    });

    it('hides events with a version below truncateBefore', async () => {
      const store = await fx.open();
      const events = orderEvents('1', 5);
      await store.appendToStream('order-1', events);
      await store.setStreamMetadata('order-1', { truncateBefore: 3n });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([3n, 4n, 5n]);
      expect(idsOf(await store.readAll())).toEqual(idsOf(events.slice(2)));
      expect(versionsOf(await store.readStream('order-1', { fromVersion: 1n, maxCount: 1 }))).toEqual([3n]);
      await store.appendToStream('order-1', [shipped('1')], { expectedVersion: 5n });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([3n, 4n, 5n, 6n]);
    });

    it('hides events recorded more than maxAgeMs ago', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await store.setStreamMetadata('order-1', { maxAgeMs: 300 });
      expect(await store.readStream('order-1')).toHaveLength(2);
      const fresh = await store.appendToStream('order-2', [placed('2')]);
      await store.setStreamMetadata('order-2', { maxAgeMs: 3_600_000 });
      await waitFor(async () => (await store.readStream('order-1')).length === 0, {
        message: 'the events of order-1 to age out',
      });
      const late = shipped('1');
      await store.appendToStream('order-1', [late]);
      expect(idsOf(await store.readStream('order-1'))).toEqual([late.id]);
      expect((await store.readAll()).map((r) => r.position)).toEqual([fresh.position, expect.any(BigInt)]);
    });

    it('creates the stream record when metadata is set before any event', async () => {
      const store = await fx.open();
      await store.setStreamMetadata('order-1', { maxCount: 2 });
      expect(await store.getStream('order-1')).toEqual({
        stream: 'order-1',
        tenant: 'default',
        version: 0n,
        deleted: false,
        metadata: { maxCount: 2 },
      });
      await store.appendToStream('order-1', orderEvents('1', 3), { expectedVersion: 'no_stream' });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([2n, 3n]);
    });

    it('replaces the metadata on every set', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3));
      await store.setStreamMetadata('order-1', { truncateBefore: 2n, maxAgeMs: 60_000 });
      expect((await store.getStream('order-1'))?.metadata).toEqual({ truncateBefore: 2n, maxAgeMs: 60_000 });
      await store.setStreamMetadata('order-1', { maxCount: 10 });
      expect((await store.getStream('order-1'))?.metadata).toEqual({ maxCount: 10 });
      // Version 1 may be visible again or physically removed: adapters may do either.
      expect(versionsOf(await store.readStream('order-1')).slice(-2)).toEqual([2n, 3n]);
    });
  });
}
