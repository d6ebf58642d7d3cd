import { describe, expect, it } from 'vitest';
import type { DedupeFixture } from './fixture.js';

export function basicFeatures(fx: DedupeFixture): void {
  describe('has and mark', () => {
    it('reports an id as handled only after it is marked', async () => {
      const store = await fx.open();
      expect(await store.has('billing', 'evt-1')).toBe(false);
      await store.mark('billing', 'evt-1');
      expect(await store.has('billing', 'evt-1')).toBe(true);
      expect(await store.has('billing', 'evt-2')).toBe(false);
    });

    it('keeps groups independent: an id marked in one group is not handled in another', async () => {
      const store = await fx.open();
      await store.mark('billing', 'evt-1');
      await store.mark('shipping', 'evt-2');
      expect(await store.has('billing', 'evt-1')).toBe(true);
      expect(await store.has('shipping', 'evt-1')).toBe(false);
      expect(await store.has('shipping', 'evt-2')).toBe(true);
      expect(await store.has('billing', 'evt-2')).toBe(false);
    });

    it('compares ids as exact strings: case, Unicode form, spaces, wildcards and long ids are distinct', async () => {
      const store = await fx.open();
      const marked = ['order-1', 'caf\u00e9', ' spaced', '100%_done', '🙂', 'x'.repeat(2000)];
      const unmarked = ['Order-1', 'cafe\u0301', 'spaced', '100x_done', '🙃', 'x'.repeat(1999)];
      for (const id of marked) await store.mark('g', id);
      for (const id of marked) expect(await store.has('g', id), id).toBe(true);
      for (const id of unmarked) expect(await store.has('g', id), id).toBe(false);
    });

    it('marks idempotently: marking an id twice keeps a single record', async () => {
      const store = await fx.open({ ttlMs: 60_000 });
      const base = Date.now();
      await store.mark('g', 'evt-1', base);
      await store.mark('g', 'evt-1', base);
      await Promise.all([store.mark('g', 'evt-2', base), store.mark('g', 'evt-2', base)]);
      expect(await store.has('g', 'evt-1')).toBe(true);
      expect(await store.purge(base + 120_000)).toBe(2);
    });

    it('records 1000 concurrent marks across 10 groups, each visible once resolved', async () => {
      const store = await fx.open();
      const keys = Array.from({ length: 1000 }, (_, i) => [`group-${i % 10}`, `evt-${i}`] as const);
      await Promise.all(keys.map(([group, id]) => store.mark(group, id)));
      const seen = await Promise.all(keys.map(([group, id]) => store.has(group, id)));
      expect(seen.every(Boolean)).toBe(true);
      // evt-0 belongs to group-0 only.
      expect(await store.has('group-1', 'evt-0')).toBe(false);
    });

    it('sees a mark from has() called right after it, without awaiting the mark first', async () => {
      const store = await fx.open();
      const marking = store.mark('g', 'evt-1');
      const seen = store.has('g', 'evt-1');
      await marking;
      expect(await seen).toBe(true);
    });
  });
}
