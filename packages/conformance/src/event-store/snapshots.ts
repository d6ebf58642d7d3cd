import { describe, expect, it } from 'vitest';
import type { EventStoreFixture } from './fixture.js';

const cart = {
  items: [{ sku: 'A-1', qty: 2 }],
  total: '12.50',
  note: 'caf\u00e9',
  closed: false,
  coupon: null,
};

export function snapshotFeatures(fx: EventStoreFixture): void {
  describe('snapshots', () => {
    it('loads undefined when no snapshot was saved', async () => {
      const store = await fx.open();
      expect(await store.loadSnapshot('cart-1')).toBeUndefined();
    });

    it('saves and loads a snapshot with its version, schema version and JSON state', async () => {
      const store = await fx.open();
      await store.saveSnapshot('cart-1', { version: 7n, schemaVersion: 'cart@1', state: cart });
      expect(await store.loadSnapshot('cart-1')).toEqual({
        version: 7n,
        schemaVersion: 'cart@1',
        state: cart,
      });
      expect(await store.loadSnapshot('cart-2')).toBeUndefined();
    });

    it('replaces an earlier snapshot of the stream', async () => {
      const store = await fx.open();
      await store.saveSnapshot('cart-1', { version: 3n, schemaVersion: 'cart@1', state: { n: 3 } });
      await store.saveSnapshot('cart-1', { version: 9n, schemaVersion: 'cart@2', state: [9] });
      expect(await store.loadSnapshot('cart-1')).toEqual({
        version: 9n,
        schemaVersion: 'cart@2',
        state: [9],
      });
    });

    it('keeps snapshots per tenant', async () => {
      const store = await fx.open();
      await store.saveSnapshot(
        'cart-1',
        { version: 1n, schemaVersion: 's', state: 'acme' },
        { tenant: 'acme' },
      );
      await store.saveSnapshot(
        'cart-1',
        { version: 2n, schemaVersion: 's', state: 'globex' },
        { tenant: 'globex' },
      );
      expect((await store.loadSnapshot('cart-1', { tenant: 'acme' }))?.state).toBe('acme');
      expect((await store.loadSnapshot('cart-1', { tenant: 'globex' }))?.version).toBe(2n);
      expect(await store.loadSnapshot('cart-1')).toBeUndefined();
    });

    it('returns a copy: changing a loaded state or the saved object does not change the store', async () => {
      const store = await fx.open();
      const state = { count: 1, tags: ['a'] };
      await store.saveSnapshot('cart-1', { version: 1n, schemaVersion: 's', state });
      state.count = 2;
      const loaded = await store.loadSnapshot('cart-1');
      (loaded!.state as { tags: string[] }).tags.push('b');
      expect((await store.loadSnapshot('cart-1'))?.state).toEqual({ count: 1, tags: ['a'] });
    });
  });
}
