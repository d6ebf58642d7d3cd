import type { LogRecordInput } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import {
  expectLogError,
  expectRecords,
  fetchAll,
  hex,
  randomBytes,
  recentBase,
  textRecord,
  utf8,
} from './helpers.js';

export function appendFetchFeatures(fx: LogFixture): void {
  describe('append and fetch', () => {
    it('returns consecutive offsets from 0, independently per partition', async () => {
      await fx.log.createTopic('orders', { partitions: 3 });
      const first = await fx.log.append('orders', 0, [textRecord('a'), textRecord('b'), textRecord('c')]);
      const second = await fx.log.append('orders', 0, [textRecord('d'), textRecord('e')]);
      const other = await fx.log.append('orders', 1, [textRecord('x')]);
      expect(first).toEqual({ topic: 'orders', partition: 0, baseOffset: 0n, lastOffset: 2n });
      expect(second).toEqual({ topic: 'orders', partition: 0, baseOffset: 3n, lastOffset: 4n });
      expect(other).toEqual({ topic: 'orders', partition: 1, baseOffset: 0n, lastOffset: 0n });
      expect(await fx.log.latestOffset('orders', 2)).toBe(0n);
    });

    it('fetches back exactly what was appended: keys, values, headers and timestamps', async () => {
      await fx.log.createTopic('orders');
      const base = recentBase();
      const records: LogRecordInput[] = [
        {
          key: utf8('k1'),
          value: utf8('{"n":1}'),
          timestamp: base,
          headers: [{ key: 'ce_type', value: utf8('a.b') }],
        },
        { key: null, value: utf8('no key'), timestamp: base + 1 },
        { key: utf8('tombstone'), value: null, timestamp: base + 2 },
        { key: new Uint8Array(0), value: new Uint8Array(0), timestamp: base + 3, headers: [] },
        {
          key: utf8('hdrs'),
          value: utf8('v'),
          timestamp: base + 4,
          headers: [
            { key: 'dup', value: utf8('first') },
            { key: 'nothing', value: null },
            { key: 'dup', value: utf8('second') },
            { key: 'empty', value: new Uint8Array(0) },
            { key: 'ünïcødé ключ', value: utf8('✓') },
          ],
        },
        { key: null, value: null, timestamp: base - 5000 },
      ];
      await fx.log.append('orders', 0, records);
      const { records: fetched, nextOffset, highWatermark } = await fx.log.fetch('orders', 0, 0n);
      expectRecords(fetched, records);
      expect(nextOffset).toBe(6n);
      expect(highWatermark).toBe(6n);
      // Null and empty stay distinct, as in Kafka.
      expect(fetched[2]?.value).toBeNull();
      expect(fetched[3]?.value).toEqual(new Uint8Array(0));
      expect(fetched[3]?.key).not.toBeNull();
    });

    it('defaults a missing timestamp to the time of the append', async () => {
      await fx.log.createTopic('orders');
      const before = Date.now();
      await fx.log.append('orders', 0, [textRecord('now'), textRecord('now too')]);
      const after = Date.now();
      const { records } = await fx.log.fetch('orders', 0, 0n);
      for (const record of records) {
        expect(record.timestamp).toBeGreaterThanOrEqual(before - 1000);
        expect(record.timestamp).toBeLessThanOrEqual(after + 1000);
      }
    });

    it('fetches from any offset in the middle, including the middle of a batch', async () => {
      await fx.log.createTopic('orders');
      const batch1 = Array.from({ length: 10 }, (_, i) => textRecord(`first-${i}`));
      const batch2 = Array.from({ length: 5 }, (_, i) => textRecord(`second-${i}`));
      await fx.log.append('orders', 0, batch1);
      await fx.log.append('orders', 0, batch2);
      const all = [...batch1, ...batch2];
      for (const from of [1, 5, 9, 10, 12, 14]) {
        const { records, nextOffset } = await fx.log.fetch('orders', 0, BigInt(from));
        expectRecords(records, all.slice(from), BigInt(from));
        expect(nextOffset).toBe(15n);
      }
    });

    it('returns no records at the latest offset, with nextOffset and highWatermark there', async () => {
      await fx.log.createTopic('orders');
      expect(await fx.log.fetch('orders', 0, 0n)).toEqual({ records: [], nextOffset: 0n, highWatermark: 0n });
      await fx.log.append('orders', 0, [textRecord('a'), textRecord('b')]);
      expect(await fx.log.fetch('orders', 0, 2n)).toEqual({ records: [], nextOffset: 2n, highWatermark: 2n });
    });

    it('keeps the records of different partitions and topics apart', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      await fx.log.createTopic('payments');
      await fx.log.append('orders', 1, [textRecord('o1-a')]);
      await fx.log.append('payments', 0, [textRecord('p0-a'), textRecord('p0-b')]);
      await fx.log.append('orders', 0, [textRecord('o0-a')]);
      await fx.log.append('orders', 1, [textRecord('o1-b')]);
      expectRecords(await fetchAll(fx.log, 'orders', 0), [textRecord('o0-a')]);
      expectRecords(await fetchAll(fx.log, 'orders', 1), [textRecord('o1-a'), textRecord('o1-b')]);
      expectRecords(await fetchAll(fx.log, 'payments', 0), [textRecord('p0-a'), textRecord('p0-b')]);
    });

    it('stores random binary keys, values and headers and 100 KB values intact', async () => {
      await fx.log.createTopic('blobs');
      const records: LogRecordInput[] = Array.from({ length: 5 }, () => ({
        key: randomBytes(32),
        value: randomBytes(100 * 1024),
        headers: [{ key: 'sig', value: randomBytes(64) }],
      }));
      const small = Array.from({ length: 20 }, (_, i) => ({
        key: randomBytes(i),
        value: randomBytes(i * 7),
      }));
      await fx.log.append('blobs', 0, records);
      await fx.log.append('blobs', 0, small);
      expectRecords(await fetchAll(fx.log, 'blobs', 0), [...records, ...small]);
    });

    it("captures the bytes at append: reusing the caller's buffers afterwards changes nothing", async () => {
      await fx.log.createTopic('orders');
      const key = utf8('key');
      const value = utf8('value');
      const header = utf8('header');
      await fx.log.append('orders', 0, [{ key, value, headers: [{ key: 'h', value: header }] }]);
      key.fill(0);
      value.fill(0);
      header.fill(0);
      const [record] = (await fx.log.fetch('orders', 0, 0n)).records;
      expect(hex(record?.key ?? null)).toBe(hex(utf8('key')));
      expect(hex(record?.value ?? null)).toBe(hex(utf8('value')));
      expect(hex(record?.headers[0]?.value ?? null)).toBe(hex(utf8('header')));
    });

    it('rejects an append larger than maxMessageBytes with RECORD_TOO_LARGE and writes nothing', async () => {
      await fx.log.createTopic('small', { maxMessageBytes: 1024 });
      await fx.log.append('small', 0, [textRecord('fits')]);
      const oversize = [textRecord('ok'), { key: null, value: randomBytes(2000) }];
      await expectLogError(() => fx.log.append('small', 0, oversize), 'RECORD_TOO_LARGE', 'small', '1024');
      expect(await fx.log.latestOffset('small', 0)).toBe(1n);
      expectRecords(await fetchAll(fx.log, 'small', 0), [textRecord('fits')]);
      // A record well inside the limit is accepted and lands at the next offset.
      const next = await fx.log.append('small', 0, [{ key: null, value: randomBytes(500) }]);
      expect(next.baseOffset).toBe(1n);
    });

    it('checks the whole batch against maxMessageBytes, not each record', async () => {
      await fx.log.createTopic('orders');
      const limit = (await fx.log.describeTopic('orders')).config.maxMessageBytes;
      const batch = Array.from({ length: 11 }, () => ({ key: null, value: randomBytes(100 * 1024) }));
      await expectLogError(
        () => fx.log.append('orders', 0, batch),
        'RECORD_TOO_LARGE',
        'orders',
        String(limit),
      );
      expect(await fx.log.latestOffset('orders', 0)).toBe(0n);
      expect((await fx.log.append('orders', 0, batch.slice(0, 5))).lastOffset).toBe(4n);
    });

    it('rejects an empty append with INVALID_ARGUMENT naming the topic', async () => {
      await fx.log.createTopic('orders');
      await expectLogError(() => fx.log.append('orders', 0, []), 'INVALID_ARGUMENT', 'orders');
      expect(await fx.log.latestOffset('orders', 0)).toBe(0n);
    });

    it('rejects a record whose timestamp is not an integer with INVALID_ARGUMENT and writes nothing', async () => {
      await fx.log.createTopic('orders');
      for (const timestamp of [Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
        const batch = [textRecord('fine'), { key: null, value: utf8('bad'), timestamp }];
        await expectLogError(() => fx.log.append('orders', 0, batch), 'INVALID_ARGUMENT', 'timestamp');
      }
      expect(await fx.log.latestOffset('orders', 0)).toBe(0n);
    });
  });
}
