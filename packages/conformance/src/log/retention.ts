import type { LogRecordInput } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectLogError, expectRecords, fetchAll, randomBytes } from './helpers.js';

// Small segments (the minimum, 1 KiB) and ~500-byte batches: a segment holds one to three batches.
const SEGMENT = { segmentBytes: 1024 };
const record = (timestamp?: number): LogRecordInput => ({ key: null, value: randomBytes(400), timestamp });

/** Appends each record as its own batch, so segments can roll between them. */
async function appendEach(fx: LogFixture, topic: string, records: readonly LogRecordInput[]): Promise<void> {
  for (const r of records) await fx.log.append(topic, 0, [r]);
}

export function retentionFeatures(fx: LogFixture): void {
  describe('retention', () => {
    it('drops the oldest records while a partition is larger than retentionBytes and keeps the newest', async (context) => {
      fx.requireHook(context, 'enforceRetention');
      await fx.log.createTopic('sized', { ...SEGMENT, retentionBytes: 4096, retentionMs: -1 });
      const records = Array.from({ length: 40 }, () => record());
      await appendEach(fx, 'sized', records);
      const sizeBefore = (await fx.log.describeTopic('sized')).partitions[0]?.sizeBytes ?? 0;

      await fx.enforceRetention();

      const earliest = await fx.log.earliestOffset('sized', 0);
      expect(earliest).toBeGreaterThan(0n);
      // About 4 KiB of 40 ~0.5 KiB records remain, give or take a segment: far fewer than half.
      expect(earliest).toBeGreaterThanOrEqual(20n);
      expect(await fx.log.latestOffset('sized', 0)).toBe(40n);
      const described = (await fx.log.describeTopic('sized')).partitions[0];
      expect(described?.earliestOffset).toBe(earliest);
      expect(described?.sizeBytes).toBeLessThan(sizeBefore);
      expectRecords(await fetchAll(fx.log, 'sized', 0), records.slice(Number(earliest)), earliest);
      await expectLogError(
        () => fx.log.fetch('sized', 0, earliest - 1n),
        'OFFSET_OUT_OF_RANGE',
        String(earliest - 1n),
      );
      await expectLogError(() => fx.log.fetch('sized', 0, 0n), 'OFFSET_OUT_OF_RANGE', 'sized');
      // Offsets are never reused: appends continue after the latest.
      expect((await fx.log.append('sized', 0, [record()])).baseOffset).toBe(40n);
    });

    it('drops records older than retentionMs and keeps recent ones', async (context) => {
      fx.requireHook(context, 'enforceRetention');
      await fx.log.createTopic('timed', { ...SEGMENT, retentionMs: 60_000, retentionBytes: -1 });
      const hourAgo = Date.now() - 3_600_000;
      const old = Array.from({ length: 10 }, (_, i) => record(hourAgo + i));
      const recent = Array.from({ length: 6 }, () => record());
      await appendEach(fx, 'timed', [...old, ...recent]);

      await fx.enforceRetention();

      const earliest = await fx.log.earliestOffset('timed', 0);
      // Whole segments go: the segment holding the last old record may also hold a recent one.
      expect(earliest).toBeGreaterThanOrEqual(5n);
      expect(earliest).toBeLessThanOrEqual(10n);
      expectRecords(
        await fetchAll(fx.log, 'timed', 0),
        [...old, ...recent].slice(Number(earliest)),
        earliest,
      );
      await expectLogError(() => fx.log.fetch('timed', 0, 0n), 'OFFSET_OUT_OF_RANGE', 'timed', '0');
      // A timestamp before every remaining record finds the earliest remaining offset.
      expect(await fx.log.offsetForTimestamp('timed', 0, 0)).toBe(earliest);
    });

    it('keeps every record when retention is unbounded', async (context) => {
      fx.requireHook(context, 'enforceRetention');
      await fx.log.createTopic('forever', { ...SEGMENT, retentionMs: -1, retentionBytes: -1 });
      const records = Array.from({ length: 12 }, (_, i) => record(1000 + i));
      await appendEach(fx, 'forever', records);

      await fx.enforceRetention();

      expect(await fx.log.earliestOffset('forever', 0)).toBe(0n);
      expectRecords(await fetchAll(fx.log, 'forever', 0), records);
    });

    it('applies retention per partition and per topic', async (context) => {
      fx.requireHook(context, 'enforceRetention');
      await fx.log.createTopic('sized', { ...SEGMENT, partitions: 2, retentionBytes: 2048, retentionMs: -1 });
      await fx.log.createTopic('kept', { ...SEGMENT, retentionMs: -1 });
      await appendEach(
        fx,
        'sized',
        Array.from({ length: 20 }, () => record()),
      );
      await fx.log.append('sized', 1, [record()]);
      await appendEach(
        fx,
        'kept',
        Array.from({ length: 20 }, () => record()),
      );

      await fx.enforceRetention();

      expect(await fx.log.earliestOffset('sized', 0)).toBeGreaterThan(0n);
      expect(await fx.log.earliestOffset('sized', 1)).toBe(0n);
      expect(await fx.log.earliestOffset('kept', 0)).toBe(0n);
    });
  });
}
