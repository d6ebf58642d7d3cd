import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import type { EventStoreFixture } from './fixture.js';

export function checkpointFeatures(fx: EventStoreFixture): void {
  describe('checkpoints', () => {
    it('stores a checkpoint only when the stored value is the expected one', async () => {
      const { checkpoints } = await fx.open();
      expect(await checkpoints.get('orders-view')).toBeUndefined();
      expect(await checkpoints.compareAndSet('orders-view', undefined, 5n)).toBe(true);
      expect(await checkpoints.get('orders-view')).toBe(5n);
      expect(await checkpoints.compareAndSet('orders-view', undefined, 6n)).toBe(false);
      expect(await checkpoints.compareAndSet('orders-view', 4n, 6n)).toBe(false);
      expect(await checkpoints.get('orders-view')).toBe(5n);
      expect(await checkpoints.compareAndSet('orders-view', 5n, 9n)).toBe(true);
      expect(await checkpoints.get('orders-view')).toBe(9n);
    });

    it('keeps checkpoints apart by name and holds positions beyond 2^53', async () => {
      const { checkpoints } = await fx.open();
      const big = 2n ** 60n + 1n;
      await checkpoints.compareAndSet('a', undefined, big);
      await checkpoints.compareAndSet('b', undefined, 0n);
      expect(await checkpoints.get('a')).toBe(big);
      expect(await checkpoints.get('b')).toBe(0n);
      expect(await checkpoints.get('c')).toBeUndefined();
    });

    it('deletes a checkpoint, after which it can be set from undefined again', async () => {
      const { checkpoints } = await fx.open();
      await checkpoints.compareAndSet('view', undefined, 3n);
      await checkpoints.delete('view');
      await checkpoints.delete('never-set');
      expect(await checkpoints.get('view')).toBeUndefined();
      expect(await checkpoints.compareAndSet('view', 3n, 4n)).toBe(false);
      expect(await checkpoints.compareAndSet('view', undefined, 1n)).toBe(true);
    });

    it('lets exactly one of 10 concurrent compare-and-sets from the same value win', async () => {
      const { checkpoints } = await fx.open();
      await checkpoints.compareAndSet('view', undefined, 1n);
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) => checkpoints.compareAndSet('view', 1n, BigInt(10 + i))),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await checkpoints.get('view')).toBe(BigInt(10 + wins.indexOf(true)));
    });
  });

  describe('leases', () => {
    it('grants a free lease with an expiry ttlMs from now', async () => {
      const { checkpoints } = await fx.open();
      const before = Date.now();
      const grant = await checkpoints.acquireLease('relay', 'node-a', 10_000);
      expect(grant).toMatchObject({ name: 'relay', owner: 'node-a' });
      expect(grant!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 10_000 - 1000);
      expect(grant!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 10_000 + 1000);
    });

    it('renews for the same owner and refuses another owner while the lease is live', async () => {
      const { checkpoints } = await fx.open();
      const first = await checkpoints.acquireLease('relay', 'node-a', 10_000);
      expect(await checkpoints.acquireLease('relay', 'node-b', 10_000)).toBeUndefined();
      const renewed = await checkpoints.acquireLease('relay', 'node-a', 20_000);
      expect(renewed?.owner).toBe('node-a');
      expect(renewed!.expiresAt.getTime()).toBeGreaterThan(first!.expiresAt.getTime());
      expect(await checkpoints.acquireLease('other', 'node-b', 10_000)).toMatchObject({ owner: 'node-b' });
    });

    it('lets another owner take an expired lease', async () => {
      const { checkpoints } = await fx.open();
      await checkpoints.acquireLease('relay', 'node-a', 50);
      let taken: Awaited<ReturnType<typeof checkpoints.acquireLease>>;
      await waitFor(async () => {
        taken = await checkpoints.acquireLease('relay', 'node-b', 10_000);
        return taken !== undefined;
      });
      expect(taken!.owner).toBe('node-b');
      expect(await checkpoints.acquireLease('relay', 'node-a', 50)).toBeUndefined();
    });

    it('releases only for the owner holding it', async () => {
      const { checkpoints } = await fx.open();
      await checkpoints.acquireLease('relay', 'node-a', 10_000);
      await checkpoints.releaseLease('relay', 'node-b');
      expect(await checkpoints.acquireLease('relay', 'node-b', 10_000)).toBeUndefined();
      await checkpoints.releaseLease('relay', 'node-a');
      expect(await checkpoints.acquireLease('relay', 'node-b', 10_000)).toMatchObject({ owner: 'node-b' });
      await checkpoints.releaseLease('never-taken', 'node-a');
    });

    it('grants a free lease to exactly one of 10 concurrent owners', async () => {
      const { checkpoints } = await fx.open();
      const grants = await Promise.all(
        Array.from({ length: 10 }, (_, i) => checkpoints.acquireLease('relay', `node-${i}`, 10_000)),
      );
      expect(grants.filter((g) => g !== undefined)).toHaveLength(1);
    });
  });
}
