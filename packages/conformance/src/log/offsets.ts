import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectLogError, recentBase, textRecord } from './helpers.js';

export function offsetFeatures(fx: LogFixture): void {
  describe('offsets', () => {
    it('reports earliest = latest = 0 for an empty partition', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      expect(await fx.log.earliestOffset('orders', 1)).toBe(0n);
      expect(await fx.log.latestOffset('orders', 1)).toBe(0n);
    });

    it('moves the latest offset past each append and keeps the earliest at 0', async () => {
      await fx.log.createTopic('orders');
      await fx.log.append('orders', 0, [textRecord('a'), textRecord('b'), textRecord('c')]);
      expect(await fx.log.latestOffset('orders', 0)).toBe(3n);
      await fx.log.append('orders', 0, [textRecord('d')]);
      expect(await fx.log.earliestOffset('orders', 0)).toBe(0n);
      expect(await fx.log.latestOffset('orders', 0)).toBe(4n);
    });

    it('rejects fetching a negative offset or one above the latest with OFFSET_OUT_OF_RANGE naming it', async () => {
      await fx.log.createTopic('orders');
      await fx.log.append('orders', 0, [textRecord('a'), textRecord('b')]);
      for (const offset of [-1n, 3n, 1000n, 2n ** 62n]) {
        await expectLogError(
          () => fx.log.fetch('orders', 0, offset),
          'OFFSET_OUT_OF_RANGE',
          'orders',
          String(offset),
        );
      }
      // Waiting does not change the answer.
      await expectLogError(
        () => fx.log.fetch('orders', 0, 3n, { maxWaitMs: 50 }),
        'OFFSET_OUT_OF_RANGE',
        '3',
      );
    });

    it('rejects fetching offset 1 of an empty partition with OFFSET_OUT_OF_RANGE', async () => {
      await fx.log.createTopic('orders');
      await expectLogError(() => fx.log.fetch('orders', 0, 1n), 'OFFSET_OUT_OF_RANGE', 'orders');
    });

    describe('offsetForTimestamp', () => {
      const setUp = async (): Promise<number> => {
        const base = recentBase();
        await fx.log.createTopic('events', { retentionMs: -1 });
        await fx.log.append('events', 0, [
          { key: null, value: null, timestamp: base + 1000 },
          { key: null, value: null, timestamp: base + 2000 },
        ]);
        await fx.log.append('events', 0, [
          { key: null, value: null, timestamp: base + 2000 },
          { key: null, value: null, timestamp: base + 3000 },
        ]);
        return base;
      };

      it('finds the first record with exactly that timestamp', async () => {
        const base = await setUp();
        expect(await fx.log.offsetForTimestamp('events', 0, base + 1000)).toBe(0n);
        expect(await fx.log.offsetForTimestamp('events', 0, base + 2000)).toBe(1n);
        expect(await fx.log.offsetForTimestamp('events', 0, base + 3000)).toBe(3n);
      });

      it('finds the first record after a timestamp that falls between records', async () => {
        const base = await setUp();
        expect(await fx.log.offsetForTimestamp('events', 0, base + 1500)).toBe(1n);
        expect(await fx.log.offsetForTimestamp('events', 0, base + 2001)).toBe(3n);
      });

      it('returns the first offset for a timestamp before every record', async () => {
        const base = await setUp();
        expect(await fx.log.offsetForTimestamp('events', 0, base)).toBe(0n);
        expect(await fx.log.offsetForTimestamp('events', 0, 0)).toBe(0n);
      });

      it('returns null for a timestamp after every record, and for an empty partition', async () => {
        const base = await setUp();
        expect(await fx.log.offsetForTimestamp('events', 0, base + 3001)).toBeNull();
        await fx.log.createTopic('empty');
        expect(await fx.log.offsetForTimestamp('empty', 0, 0)).toBeNull();
      });
    });
  });
}
