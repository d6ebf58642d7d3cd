import type { AppendResult } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectRecords, fetchAll, hex, textRecord, utf8 } from './helpers.js';

const PER_PARTITION = 100;

export function concurrencyFeatures(fx: LogFixture): void {
  describe('concurrent appends', () => {
    it('gives concurrent single-record appends distinct consecutive offsets and keeps every record', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      const calls = Array.from({ length: PER_PARTITION * 2 }, (_, i) => ({
        partition: i % 2,
        value: `caller-${i}`,
      }));
      const results = await Promise.all(
        calls.map((c) => fx.log.append('orders', c.partition, [textRecord(c.value)])),
      );

      for (const partition of [0, 1]) {
        const mine = results.filter((r) => r.partition === partition);
        expect(mine.map((r) => r.baseOffset).sort((a, b) => (a < b ? -1 : 1))).toEqual(
          Array.from({ length: PER_PARTITION }, (_, i) => BigInt(i)),
        );
        const fetched = await fetchAll(fx.log, 'orders', partition);
        expect(fetched).toHaveLength(PER_PARTITION);
        // Each caller's record sits at the offset its append reported.
        const valueAt = new Map(fetched.map((r) => [r.offset, hex(r.value)]));
        results.forEach((result, i) => {
          if (result.partition === partition)
            expect(valueAt.get(result.baseOffset)).toBe(hex(utf8(`caller-${i}`)));
        });
      }
    });

    it('never interleaves concurrent batch appends', async () => {
      await fx.log.createTopic('orders');
      const batches = Array.from({ length: 40 }, (_, caller) =>
        Array.from({ length: (caller % 5) + 1 }, (_, i) => textRecord(`caller-${caller}-record-${i}`)),
      );
      const results: AppendResult[] = await Promise.all(
        batches.map((batch) => fx.log.append('orders', 0, batch)),
      );
      const total = batches.reduce((sum, batch) => sum + batch.length, 0);
      expect(await fx.log.latestOffset('orders', 0)).toBe(BigInt(total));

      const fetched = await fetchAll(fx.log, 'orders', 0);
      results.forEach((result, caller) => {
        const batch = batches[caller] ?? [];
        expect(result.lastOffset - result.baseOffset).toBe(BigInt(batch.length - 1));
        expectRecords(
          fetched.slice(Number(result.baseOffset), Number(result.lastOffset) + 1),
          batch,
          result.baseOffset,
        );
      });
    });
  });
}
