import { describe, expect, it } from 'vitest';
import { orderEvents, placed, shipped } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectConflict } from './helpers.js';

export function expectedVersionFeatures(fx: EventStoreFixture): void {
  describe('expected version', () => {
    it("accepts 'any' (the default) on a new and on an existing stream", async () => {
      const store = await fx.open();
      expect(await store.appendToStream('order-1', [placed('1')])).toMatchObject({ nextExpectedVersion: 1n });
      const result = await store.appendToStream('order-1', [shipped('1')], { expectedVersion: 'any' });
      expect(result.nextExpectedVersion).toBe(2n);
    });

    it("accepts 'no_stream' on a stream without events and rejects it on one with events", async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')], { expectedVersion: 'no_stream' });
      await store.appendToStream('order-1', [shipped('1')]);
      await expectConflict(
        () => store.appendToStream('order-1', [shipped('1')], { expectedVersion: 'no_stream' }),
        'order-1',
        'no_stream',
        2n,
      );
    });

    it("accepts 'stream_exists' on a stream with events and rejects it on a new stream", async () => {
      const store = await fx.open();
      await expectConflict(
        () => store.appendToStream('order-1', [placed('1')], { expectedVersion: 'stream_exists' }),
        'order-1',
        'stream_exists',
        0n,
      );
      await store.appendToStream('order-1', [placed('1')]);
      const result = await store.appendToStream('order-1', [shipped('1')], {
        expectedVersion: 'stream_exists',
      });
      expect(result.nextExpectedVersion).toBe(2n);
    });

    it('accepts an exact version equal to the stream version (0n for a new stream)', async () => {
      const store = await fx.open();
      const first = await store.appendToStream('order-1', orderEvents('1', 2), { expectedVersion: 0n });
      expect(first.nextExpectedVersion).toBe(2n);
      const second = await store.appendToStream('order-1', [shipped('1')], {
        expectedVersion: first.nextExpectedVersion,
      });
      expect(second.nextExpectedVersion).toBe(3n);
    });

    it('rejects an exact version lower or higher than the stream version, carrying both', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await expectConflict(
        () => store.appendToStream('order-1', [shipped('1')], { expectedVersion: 1n }),
        'order-1',
        1n,
        2n,
      );
      await expectConflict(
        () => store.appendToStream('order-1', [shipped('1')], { expectedVersion: 5n }),
        'order-1',
        5n,
        2n,
      );
      await expectConflict(
        () => store.appendToStream('order-2', [placed('2')], { expectedVersion: 1n }),
        'order-2',
        1n,
        0n,
      );
    });

    it('writes nothing when the expected version does not match', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      const head = await store.headPosition();
      await expectConflict(
        () => store.appendToStream('order-1', orderEvents('x', 3), { expectedVersion: 0n }),
        'order-1',
        0n,
        1n,
      );
      expect(await store.readStream('order-1')).toHaveLength(1);
      expect(await store.headPosition()).toBe(head);
      expect((await store.getStream('order-1'))?.version).toBe(1n);
    });

    it('checks each stream of appendToStreams against its own expected version', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      const results = await store.appendToStreams([
        { stream: 'order-1', events: [shipped('1')], expectedVersion: 1n },
        { stream: 'order-2', events: [placed('2')], expectedVersion: 'no_stream' },
        { stream: 'order-3', events: [placed('3')] },
      ]);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([2n, 1n, 1n]);
      await expectConflict(
        () =>
          store.appendToStreams([
            { stream: 'order-1', events: [shipped('1')], expectedVersion: 2n },
            { stream: 'order-2', events: [shipped('2')], expectedVersion: 'no_stream' },
          ]),
        'order-2',
        'no_stream',
        1n,
      );
    });

    it('checks deleteStream against its expected version and leaves the stream on a conflict', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 2));
      await expectConflict(() => store.deleteStream('order-1', { expectedVersion: 1n }), 'order-1', 1n, 2n);
      expect(await store.readStream('order-1')).toHaveLength(2);
      await store.deleteStream('order-1', { expectedVersion: 2n });
      expect((await store.getStream('order-1'))?.deleted).toBe('soft');
    });
  });
}
