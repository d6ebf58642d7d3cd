import type { CommittedOffset, LogRecordInput } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import {
  expectLogError,
  expectRecords,
  fetchAll,
  randomBytes,
  recentBase,
  textRecord,
  utf8,
} from './helpers.js';

export function durabilityFeatures(fx: LogFixture): void {
  describe('durability across a reopen', () => {
    it('keeps topics with their configs; deleted topics stay deleted', async (context) => {
      fx.requireHook(context, 'reopen');
      const custom = {
        partitions: 3,
        retentionMs: 123_456,
        retentionBytes: 10_000_000,
        segmentBytes: 4096,
        maxMessageBytes: 5000,
        fsync: 'interval',
        fsyncIntervalMs: 50,
      } as const;
      await fx.log.createTopic('custom', custom);
      await fx.log.createTopic('plain');
      await fx.log.createTopic('doomed');
      await fx.log.deleteTopic('doomed');
      const before = await fx.log.listTopics();

      const log = await fx.reopen();

      const after = await log.listTopics();
      expect(after.map((t) => t.name).sort()).toEqual(['custom', 'plain']);
      expect((await log.describeTopic('custom')).config).toEqual(custom);
      for (const topic of before) expect((await log.describeTopic(topic.name)).config).toEqual(topic.config);
      await expectLogError(() => log.describeTopic('doomed'), 'UNKNOWN_TOPIC', 'doomed');
    });

    it('keeps every record byte for byte, with headers, timestamps and 100 KB values', async (context) => {
      fx.requireHook(context, 'reopen');
      await fx.log.createTopic('orders', { partitions: 2 });
      const base = recentBase();
      const p0: LogRecordInput[] = [
        {
          key: utf8('k'),
          value: utf8('v'),
          timestamp: base,
          headers: [
            { key: 'a', value: null },
            { key: 'a', value: utf8('2') },
          ],
        },
        { key: null, value: null, timestamp: base + 1 },
        { key: randomBytes(16), value: randomBytes(100 * 1024), timestamp: base + 2 },
      ];
      const p1 = Array.from({ length: 50 }, (_, i) => ({
        key: randomBytes(8),
        value: randomBytes(200),
        timestamp: base + i,
      }));
      await fx.log.append('orders', 0, p0);
      for (let i = 0; i < p1.length; i += 10) await fx.log.append('orders', 1, p1.slice(i, i + 10));

      const log = await fx.reopen();

      expectRecords(await fetchAll(log, 'orders', 0), p0);
      expectRecords(await fetchAll(log, 'orders', 1), p1);
      expect(await log.latestOffset('orders', 0)).toBe(3n);
      expect(await log.latestOffset('orders', 1)).toBe(50n);
      expect(await log.offsetForTimestamp('orders', 1, base + 25)).toBe(25n);
    });

    it('continues appending at the right offset after each reopen', async (context) => {
      fx.requireHook(context, 'reopen');
      await fx.log.createTopic('orders', { partitions: 2 });
      await fx.log.append('orders', 0, [textRecord('a'), textRecord('b'), textRecord('c')]);
      let log = await fx.reopen();
      expect((await log.append('orders', 0, [textRecord('d')])).baseOffset).toBe(3n);
      expect((await log.append('orders', 1, [textRecord('x')])).baseOffset).toBe(0n);
      log = await fx.reopen();
      expect((await log.append('orders', 0, [textRecord('e')])).baseOffset).toBe(4n);
      expectRecords(
        await fetchAll(log, 'orders', 0),
        ['a', 'b', 'c', 'd', 'e'].map((v) => textRecord(v)),
      );
      expectRecords(await fetchAll(log, 'orders', 1), [textRecord('x')]);
    });

    it('flushes records of topics with fsync "never" and "interval" on a clean close', async (context) => {
      fx.requireHook(context, 'reopen');
      await fx.log.createTopic('lazy', { fsync: 'never' });
      await fx.log.createTopic('timed', { fsync: 'interval', fsyncIntervalMs: 60_000 });
      const records = Array.from({ length: 20 }, (_, i) => textRecord(`r${i}`));
      await fx.log.append('lazy', 0, records);
      await fx.log.append('timed', 0, records);
      const log = await fx.reopen();
      expectRecords(await fetchAll(log, 'lazy', 0), records);
      expectRecords(await fetchAll(log, 'timed', 0), records);
    });

    it('keeps committed offsets and metadata; deleted groups stay deleted', async (context) => {
      fx.requireHook(context, 'reopen');
      await fx.log.createTopic('orders', { partitions: 2 });
      const committed: CommittedOffset[] = [
        { topic: 'orders', partition: 0, offset: 12n, metadata: 'gen-3' },
        { topic: 'orders', partition: 1, offset: 2n ** 53n + 1n },
      ];
      await fx.log.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 1n }]);
      await fx.log.commitOffsets('billing', committed);
      await fx.log.commitOffsets('gone', [{ topic: 'orders', partition: 0, offset: 1n }]);
      await fx.log.deleteGroup('gone');

      const log = await fx.reopen();

      const fetched = [...(await log.fetchOffsets('billing'))].sort((a, b) => a.partition - b.partition);
      expect(fetched).toEqual(committed);
      expect(await log.listGroups()).toEqual(['billing']);
      expect(await log.fetchOffsets('gone')).toEqual([]);
    });

    it('reopens an empty log as an empty log', async (context) => {
      fx.requireHook(context, 'reopen');
      const log = await fx.reopen();
      expect(await log.listTopics()).toEqual([]);
      expect(await log.listGroups()).toEqual([]);
    });

    it('keeps the effect of retention: dropped records stay dropped', async (context) => {
      fx.requireHook(context, 'reopen');
      fx.requireHook(context, 'enforceRetention');
      await fx.log.createTopic('sized', { segmentBytes: 1024, retentionBytes: 2048, retentionMs: -1 });
      for (let i = 0; i < 20; i++) await fx.log.append('sized', 0, [{ key: null, value: randomBytes(400) }]);
      await fx.enforceRetention();
      const earliest = await fx.log.earliestOffset('sized', 0);
      expect(earliest).toBeGreaterThan(0n);

      const log = await fx.reopen();

      expect(await log.earliestOffset('sized', 0)).toBe(earliest);
      expect(await log.latestOffset('sized', 0)).toBe(20n);
      await expectLogError(() => log.fetch('sized', 0, 0n), 'OFFSET_OUT_OF_RANGE', 'sized');
    });
  });
}
