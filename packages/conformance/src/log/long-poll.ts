import { isTributaryError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectRecords, nextTurns, textRecord } from './helpers.js';

// A wait far longer than each test's timeout: a fetch that is not woken fails the test by timing out.
const LONG_WAIT_MS = 120_000;
const TEST_TIMEOUT_MS = 20_000;

export function longPollFeatures(fx: LogFixture): void {
  describe('long-poll fetch', () => {
    it(
      'returns a record appended while the fetch waits',
      async () => {
        await fx.log.createTopic('orders');
        await fx.log.append('orders', 0, [textRecord('before')]);
        const waiting = fx.log.fetch('orders', 0, 1n, { maxWaitMs: LONG_WAIT_MS });
        await nextTurns();
        await fx.log.append('orders', 0, [textRecord('after')]);
        const { records, nextOffset } = await waiting;
        expectRecords(records, [textRecord('after')], 1n);
        expect(nextOffset).toBe(2n);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'wakes every fetch waiting on the partition',
      async () => {
        await fx.log.createTopic('orders');
        const waiting = [1, 2, 3].map(() => fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS }));
        await nextTurns();
        await fx.log.append('orders', 0, [textRecord('hello')]);
        for (const result of await Promise.all(waiting)) expectRecords(result.records, [textRecord('hello')]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'keeps waiting through appends to other partitions and returns the record of its own',
      async () => {
        await fx.log.createTopic('orders', { partitions: 2 });
        const waiting = fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS });
        await nextTurns();
        await fx.log.append('orders', 1, [textRecord('elsewhere')]);
        await nextTurns();
        await fx.log.append('orders', 0, [textRecord('mine')]);
        expectRecords((await waiting).records, [textRecord('mine')]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'returns available records at once, without waiting',
      async () => {
        await fx.log.createTopic('orders');
        await fx.log.append('orders', 0, [textRecord('ready')]);
        const { records } = await fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS });
        expectRecords(records, [textRecord('ready')]);
      },
      TEST_TIMEOUT_MS,
    );

    it('resolves with no records after maxWaitMs when nothing is appended', async () => {
      await fx.log.createTopic('orders');
      await fx.log.append('orders', 0, [textRecord('a')]);
      const started = performance.now();
      const result = await fx.log.fetch('orders', 0, 1n, { maxWaitMs: 150 });
      // Timers may fire a millisecond early; a fetch that ignores maxWaitMs returns far sooner.
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
      expect(result).toEqual({ records: [], nextOffset: 1n, highWatermark: 1n });
    });

    it(
      'ends the wait with no records when its AbortSignal fires',
      async () => {
        await fx.log.createTopic('orders');
        const controller = new AbortController();
        const waiting = fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS, signal: controller.signal });
        await nextTurns();
        controller.abort();
        expect((await waiting).records).toEqual([]);
        // The log is still usable afterwards.
        await fx.log.append('orders', 0, [textRecord('later')]);
        expect((await fx.log.fetch('orders', 0, 0n)).records).toHaveLength(1);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'does not wait at all when the signal is already aborted',
      async () => {
        await fx.log.createTopic('orders');
        const signal = AbortSignal.abort();
        expect((await fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS, signal })).records).toEqual(
          [],
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'ends a waiting fetch when the log closes (no records, or CLOSED)',
      async () => {
        await fx.log.createTopic('orders');
        const waiting = fx.log.fetch('orders', 0, 0n, { maxWaitMs: LONG_WAIT_MS });
        await nextTurns();
        await fx.log.close();
        const outcome = await waiting.then(
          (result) => result.records.length,
          (error: unknown) => (isTributaryError(error, 'CLOSED') ? 'closed' : error),
        );
        expect([0, 'closed']).toContain(outcome);
      },
      TEST_TIMEOUT_MS,
    );
  });
}
