import type { LogRecord, LogRecordInput } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectRecords, randomBytes, textRecord } from './helpers.js';

export function fetchLimitFeatures(fx: LogFixture): void {
  describe('fetch limits', () => {
    it('stops after maxRecords, even inside a batch', async () => {
      await fx.log.createTopic('orders');
      const batch = Array.from({ length: 10 }, (_, i) => textRecord(`r${i}`));
      await fx.log.append('orders', 0, batch);
      const first = await fx.log.fetch('orders', 0, 0n, { maxRecords: 3 });
      expectRecords(first.records, batch.slice(0, 3));
      expect(first.nextOffset).toBe(3n);
      const second = await fx.log.fetch('orders', 0, first.nextOffset, { maxRecords: 4 });
      expectRecords(second.records, batch.slice(3, 7), 3n);
      expect(second.nextOffset).toBe(7n);
      expect(second.highWatermark).toBe(10n);
    });

    it('limits the response to about maxBytes', async () => {
      await fx.log.createTopic('orders');
      const records = Array.from({ length: 10 }, () => ({ key: null, value: randomBytes(1000) }));
      for (const record of records) await fx.log.append('orders', 0, [record]);
      const { records: page, nextOffset } = await fx.log.fetch('orders', 0, 0n, { maxBytes: 2500 });
      // Each appended batch is a little over 1000 bytes: two fit in 2500, a soft limit may allow one more.
      expect(page.length).toBeGreaterThanOrEqual(1);
      expect(page.length).toBeLessThanOrEqual(3);
      expectRecords(page, records.slice(0, page.length));
      expect(nextOffset).toBe(BigInt(page.length));
    });

    it('returns the first record even when it is larger than maxBytes, so a consumer makes progress', async () => {
      await fx.log.createTopic('blobs');
      const big = [
        { key: null, value: randomBytes(100 * 1024) },
        { key: null, value: randomBytes(100 * 1024) },
      ];
      await fx.log.append('blobs', 0, [big[0] as LogRecordInput]);
      await fx.log.append('blobs', 0, [big[1] as LogRecordInput]);
      const first = await fx.log.fetch('blobs', 0, 0n, { maxBytes: 1 });
      expectRecords(first.records, big.slice(0, 1));
      const second = await fx.log.fetch('blobs', 0, first.nextOffset, { maxBytes: 1000 });
      expectRecords(second.records, big.slice(1), 1n);
      expect(second.nextOffset).toBe(2n);
    });

    it('pages through a partition with small maxBytes and sees every record exactly once', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      const appended: LogRecordInput[] = [];
      for (let batch = 1; batch <= 12; batch++) {
        const records = Array.from({ length: (batch % 7) + 1 }, () => ({
          key: randomBytes(8),
          value: randomBytes(300),
        }));
        await fx.log.append('orders', 1, records);
        appended.push(...records);
      }
      const seen: LogRecord[] = [];
      let offset = 0n;
      for (let pages = 0; offset < BigInt(appended.length); pages++) {
        if (pages > appended.length) throw new Error('paging made no progress');
        const page = await fx.log.fetch('orders', 1, offset, { maxBytes: 1000 });
        expect(page.records.length).toBeGreaterThan(0);
        seen.push(...page.records);
        offset = page.nextOffset;
      }
      expectRecords(seen, appended);
    });
  });
}
