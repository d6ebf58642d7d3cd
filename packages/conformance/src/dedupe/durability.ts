import { describe, expect, it } from 'vitest';
import type { DedupeFixture } from './fixture.js';

export function durabilityFeatures(fx: DedupeFixture): void {
  describe('durability across a reopen', () => {
    it('keeps every resolved mark with its group and time', async (context) => {
      fx.requireReopen(context);
      const options = { ttlMs: 60_000 };
      const store = await fx.open(options);
      const base = Date.now();
      await store.mark('billing', 'evt-1', base - 50_000);
      await store.mark('shipping', 'evt-2', base);
      await Promise.all(Array.from({ length: 100 }, (_, i) => store.mark('bulk', `e${i}`)));

      const reopened = await fx.reopen(store, options);

      expect(await reopened.has('billing', 'evt-1')).toBe(true);
      expect(await reopened.has('shipping', 'evt-1')).toBe(false);
      expect(await reopened.has('shipping', 'evt-2')).toBe(true);
      for (let i = 0; i < 100; i++) expect(await reopened.has('bulk', `e${i}`)).toBe(true);
      // The time survived: 10 s later only the record marked 50 s before base has aged past 60 s.
      expect(await reopened.purge(base + 10_001)).toBe(1);
    });

    it('keeps purged records deleted', async (context) => {
      fx.requireReopen(context);
      const options = { ttlMs: 60_000, maxEntriesPerGroup: 1 };
      const store = await fx.open(options);
      const base = Date.now();
      await store.mark('g', 'expired', base - 120_000);
      await store.mark('g', 'older', base - 10);
      await store.mark('g', 'newest', base);
      expect(await store.purge(base)).toBe(2);

      const reopened = await fx.reopen(store, options);

      expect(await reopened.has('g', 'older')).toBe(false);
      expect(await reopened.has('g', 'newest')).toBe(true);
      expect(await reopened.purge(base)).toBe(0);
    });

    it('applies the options given at reopen to records written before it', async (context) => {
      fx.requireReopen(context);
      const store = await fx.open({ ttlMs: 60_000 });
      await store.mark('g', 'evt-1', Date.now() - 30_000);
      const reopened = await fx.reopen(store, { ttlMs: 10_000 });
      expect(await reopened.has('g', 'evt-1')).toBe(false);
      expect(await reopened.purge()).toBe(1);
    });
  });
}
