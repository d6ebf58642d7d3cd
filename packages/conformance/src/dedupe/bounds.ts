import { describe, expect, it } from 'vitest';
import type { DedupeFixture } from './fixture.js';

const DAY_MS = 24 * 3600 * 1000;

export function boundFeatures(fx: DedupeFixture): void {
  describe('age bound (ttlMs)', () => {
    it('deletes records older than ttlMs on purge(now) and returns how many', async () => {
      const store = await fx.open({ ttlMs: 60_000 });
      const base = Date.now();
      await store.mark('g', 'very-old', base - 120_000);
      await store.mark('g', 'just-expired', base - 60_001);
      await store.mark('h', 'exactly-ttl', base - 60_000);
      await store.mark('h', 'fresh', base);
      expect(await store.purge(base)).toBe(2);
      expect(await store.purge(base)).toBe(0);
      expect(await store.has('g', 'very-old')).toBe(false);
      expect(await store.has('h', 'fresh')).toBe(true);
      // A millisecond later the record aged exactly ttlMs is over the bound.
      expect(await store.purge(base + 1)).toBe(1);
    });

    it('treats an expired record as absent before any purge, and a new mark revives it', async () => {
      const store = await fx.open({ ttlMs: 60_000 });
      await store.mark('g', 'evt-1', Date.now() - 120_000);
      expect(await store.has('g', 'evt-1')).toBe(false);
      await store.mark('g', 'evt-1');
      expect(await store.has('g', 'evt-1')).toBe(true);
      expect(await store.purge()).toBe(0);
      expect(await store.has('g', 'evt-1')).toBe(true);
    });

    it('keeps the later time when an id is marked again with an earlier one', async () => {
      const store = await fx.open({ ttlMs: 60_000 });
      const base = Date.now();
      await store.mark('g', 'evt-1', base);
      await store.mark('g', 'evt-1', base - 120_000);
      expect(await store.has('g', 'evt-1')).toBe(true);
      expect(await store.purge(base)).toBe(0);
    });

    it('keeps records for 7 days by default', async () => {
      const store = await fx.open();
      const base = Date.now();
      await store.mark('g', 'eight-days', base - 8 * DAY_MS);
      await store.mark('g', 'just-over-7-days', base - 7 * DAY_MS - 1);
      await store.mark('g', 'under-7-days', base - 7 * DAY_MS + 60_000);
      expect(await store.purge(base)).toBe(2);
      expect(await store.has('g', 'under-7-days')).toBe(true);
      expect(await store.has('g', 'just-over-7-days')).toBe(false);
    });
  });

  describe('size bound (maxEntriesPerGroup)', () => {
    it('evicts the oldest records of each group beyond the bound, by time rather than mark order', async () => {
      const store = await fx.open({ maxEntriesPerGroup: 3 });
      const base = Date.now();
      for (const i of [3, 0, 4, 1, 2]) await store.mark('big', `e${i}`, base + i * 10);
      await store.mark('small', 'e0', base);
      await store.mark('small', 'e1', base + 10);
      expect(await store.purge(base + 100)).toBe(2);
      const big = await Promise.all([0, 1, 2, 3, 4].map((i) => store.has('big', `e${i}`)));
      expect(big).toEqual([false, false, true, true, true]);
      expect([await store.has('small', 'e0'), await store.has('small', 'e1')]).toEqual([true, true]);
      expect(await store.purge(base + 100)).toBe(0);
    });

    it('breaks ties between equal times by the order ids were first marked', async () => {
      const store = await fx.open({ maxEntriesPerGroup: 2 });
      const at = Date.now();
      for (const id of ['first', 'second', 'third']) await store.mark('g', id, at);
      await store.mark('g', 'first', at); // re-marking does not make it newer
      expect(await store.purge(at)).toBe(1);
      expect(await store.has('g', 'first')).toBe(false);
      expect([await store.has('g', 'second'), await store.has('g', 'third')]).toEqual([true, true]);
    });

    it('applies the age bound first, then the size bound to what is left', async () => {
      const store = await fx.open({ ttlMs: 60_000, maxEntriesPerGroup: 2 });
      const base = Date.now();
      await store.mark('g', 'expired', base - 120_000);
      await store.mark('g', 'a', base - 10);
      await store.mark('g', 'b', base);
      expect(await store.purge(base)).toBe(1);
      expect([await store.has('g', 'a'), await store.has('g', 'b')]).toEqual([true, true]);
    });

    it('purges a group of 1500 records down to a bound of 1000', async () => {
      const store = await fx.open({ maxEntriesPerGroup: 1000 });
      const base = Date.now();
      await Promise.all(Array.from({ length: 1500 }, (_, i) => store.mark('g', `e${i}`, base + i)));
      expect(await store.purge(base + 1500)).toBe(500);
      expect(await store.has('g', 'e499')).toBe(false);
      expect(await store.has('g', 'e500')).toBe(true);
      expect(await store.has('g', 'e1499')).toBe(true);
    });
  });
}
