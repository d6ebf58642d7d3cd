import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectConflict, expectError } from './helpers.js';

export function deletionFeatures(fx: EventStoreFixture): void {
  describe('soft delete', () => {
    it('hides the events from readStream and readAll, keeping the version', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3));
      const kept = orderEvents('2', 1);
      await store.appendToStream('order-2', kept);
      await store.deleteStream('order-1');
      expect(await store.readStream('order-1')).toEqual([]);
      expect(await store.readStream('order-1', { direction: 'backward' })).toEqual([]);
      expect(idsOf(await store.readAll())).toEqual(idsOf(kept));
      expect(await store.getStream('order-1')).toMatchObject({ version: 3n, deleted: 'soft' });
    });

    it("continues the stream with the next version on a later append, accepting 'no_stream'", async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3));
      await store.deleteStream('order-1');
      const again = [placed('1-again'), shipped('1-again')];
      const result = await store.appendToStream('order-1', again, { expectedVersion: 'no_stream' });
      expect(result.nextExpectedVersion).toBe(5n);
      const read = await store.readStream('order-1');
      expect(idsOf(read)).toEqual(idsOf(again));
      expect(versionsOf(read)).toEqual([4n, 5n]);
      expect(idsOf(await store.readAll())).toEqual(idsOf(again));
      expect(await store.getStream('order-1')).toMatchObject({ version: 5n, deleted: false });
    });

    it("accepts the exact last version after a soft delete, and rejects 'stream_exists'", async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await store.deleteStream('order-1');
      await expectConflict(
        () => store.appendToStream('order-1', [shipped('1')], { expectedVersion: 'stream_exists' }),
        'order-1',
        'stream_exists',
        2n,
      );
      const result = await store.appendToStream('order-1', [shipped('1')], { expectedVersion: 2n });
      expect(result.nextExpectedVersion).toBe(3n);
    });
  });

  describe('hard delete', () => {
    it('makes readStream and appends fail with STREAM_DELETED', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await store.deleteStream('order-1', { hard: true });
      await expectError(() => store.readStream('order-1'), 'STREAM_DELETED', 'order-1');
      for (const expectedVersion of ['any', 'no_stream', 2n] as const)
        await expectError(
          () => store.appendToStream('order-1', [shipped('1')], { expectedVersion }),
          'STREAM_DELETED',
          'order-1',
        );
      await expectError(
        () => store.appendToStreams([{ stream: 'order-1', events: [shipped('1')] }]),
        'STREAM_DELETED',
      );
      expect(await store.getStream('order-1')).toMatchObject({ stream: 'order-1', deleted: 'hard' });
    });

    it('removes the events from readAll and leaves other streams alone', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      const kept = orderEvents('2', 2);
      await store.appendToStream('order-2', kept);
      await store.deleteStream('order-1', { hard: true });
      expect(idsOf(await store.readAll())).toEqual(idsOf(kept));
      expect(idsOf(await store.readStream('order-2'))).toEqual(idsOf(kept));
      expect(await store.readAll({ categories: ['order'], types: ['order.placed'] })).toHaveLength(1);
    });

    it('hard-deletes a soft-deleted stream, and is checked against its expected version', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await store.deleteStream('order-1');
      await expectConflict(
        () => store.deleteStream('order-1', { hard: true, expectedVersion: 'stream_exists' }),
        'order-1',
        'stream_exists',
        2n,
      );
      await store.deleteStream('order-1', { hard: true, expectedVersion: 2n });
      expect((await store.getStream('order-1'))?.deleted).toBe('hard');
      await expectError(() => store.readStream('order-1'), 'STREAM_DELETED');
    });

    it('rolls back an appendToStreams that includes a hard-deleted stream', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      await store.deleteStream('order-1', { hard: true });
      await expectError(
        () =>
          store.appendToStreams([
            { stream: 'order-2', events: [placed('2')] },
            { stream: 'order-1', events: [shipped('1')] },
          ]),
        'STREAM_DELETED',
      );
      expect(await store.readAll()).toEqual([]);
      expect(await store.getStream('order-2')).toBeUndefined();
    });
  });
}
