import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectError } from './helpers.js';

export function durabilityFeatures(fx: EventStoreFixture): void {
  describe('durability across a reopen', () => {
    it('keeps events with their versions, positions, tenants and recorded times', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3));
      await store.appendToStream('order-1', [placed('a')], { tenant: 'acme' });
      await store.appendToStreams([
        { stream: 'order-2', events: [placed('2')] },
        { stream: 'order-3', events: orderEvents('3', 2) },
      ]);
      const before = await store.readAll();
      const head = await store.headPosition();

      const reopened = await fx.reopen(store);

      expect(await reopened.readAll()).toEqual(before);
      expect(await reopened.headPosition()).toBe(head);
      expect(versionsOf(await reopened.readStream('order-1'))).toEqual([1n, 2n, 3n]);
      const next = await reopened.appendToStream('order-1', [shipped('1')], { expectedVersion: 3n });
      expect(next.nextExpectedVersion).toBe(4n);
      expect(next.position).toBeGreaterThan(head);
    });

    it('keeps stream metadata and deletions', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open();
      for (const stream of ['order-1', 'order-2', 'order-3'])
        await store.appendToStream(stream, orderEvents(stream, 3));
      await store.setStreamMetadata('order-1', { maxCount: 1, truncateBefore: 2n });
      await store.deleteStream('order-2');
      await store.deleteStream('order-3', { hard: true });

      const reopened = await fx.reopen(store);

      expect(await reopened.getStream('order-1')).toMatchObject({
        version: 3n,
        deleted: false,
        metadata: { maxCount: 1, truncateBefore: 2n },
      });
      expect(versionsOf(await reopened.readStream('order-1'))).toEqual([3n]);
      expect(await reopened.getStream('order-2')).toMatchObject({ version: 3n, deleted: 'soft' });
      expect(await reopened.readStream('order-2')).toEqual([]);
      await expectError(() => reopened.readStream('order-3'), 'STREAM_DELETED');
      expect((await reopened.readAll()).map((r) => r.stream)).toEqual(['order-1']);
      const again = await reopened.appendToStream('order-2', [placed('again')], {
        expectedVersion: 'no_stream',
      });
      expect(again.nextExpectedVersion).toBe(4n);
    });

    it('keeps snapshots, checkpoints and idempotency', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open();
      const events = orderEvents('1', 2);
      const original = await store.appendToStream('order-1', events);
      await store.saveSnapshot('order-1', { version: 2n, schemaVersion: 'v1', state: { shipped: true } });
      await store.checkpoints.compareAndSet('view', undefined, 2n);

      const reopened = await fx.reopen(store);

      expect(await reopened.loadSnapshot('order-1')).toEqual({
        version: 2n,
        schemaVersion: 'v1',
        state: { shipped: true },
      });
      expect(await reopened.checkpoints.get('view')).toBe(2n);
      expect(await reopened.checkpoints.compareAndSet('view', 2n, 3n)).toBe(true);
      expect(await reopened.appendToStream('order-1', events)).toEqual(original);
      expect(idsOf(await reopened.readAll())).toEqual(idsOf(events));
    });
  });
}
