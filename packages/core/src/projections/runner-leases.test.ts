import { describe, expect, it } from 'vitest';
import { gate } from '../bus/test-support/fixtures.js';
import type { RecordedEvent } from '../ports/event-store.js';
import { waitFor } from '../testing/wait-for.js';
import { defineProjection } from './define-projection.js';
import { startProjection } from './runner.js';
import { appendOrders, OrderTables, stopAfterTest, testStore, wrapStore } from './test-support/fixtures.js';

const fast = { pollIntervalMs: 10 };
const states = (...runners: { status(): { state: string } }[]) => runners.map((r) => r.status().state).sort();

describe('projection leases and checkpoints', () => {
  it('runs one active instance of a projection: the other stands by and handles nothing', async () => {
    const store = testStore();
    const tables = new OrderTables();
    const handledBy: Record<string, number> = { a: 0, b: 0 };
    const counting = (owner: string) =>
      defineProjection({
        name: 'orders',
        handle: (events, ctx) => {
          handledBy[owner] = (handledBy[owner] ?? 0) + events.length;
          tables.handle(events, ctx);
        },
      });
    const a = stopAfterTest(startProjection(store, counting('a'), { ...fast, owner: 'a' }));
    const b = stopAfterTest(startProjection(store, counting('b'), { ...fast, owner: 'b' }));
    await waitFor(() => states(a, b).join() === 'active,standby');
    await appendOrders(store, 20);
    await Promise.all([a.whenCaughtUp(), b.whenCaughtUp()]);
    expect((handledBy.a ?? 0) + (handledBy.b ?? 0)).toBe(20);
    expect(Math.min(handledBy.a ?? 0, handledBy.b ?? 0)).toBe(0);
    expect(tables.table(1).size).toBe(20);
    // The standby follows the shared checkpoint, so its status is right too.
    expect(a.status().checkpoint).toBe(20n);
    expect(b.status().checkpoint).toBe(20n);
  });

  it('hands over on stop: the standby continues from the checkpoint and handles nothing twice', async () => {
    const store = testStore();
    const seen: bigint[] = [];
    const projection = defineProjection({
      name: 'positions',
      handle: (events) => void seen.push(...events.map((r) => r.position)),
    });
    const first = startProjection(store, projection, { ...fast, owner: 'first' });
    await waitFor(() => first.status().state === 'active');
    const second = stopAfterTest(startProjection(store, projection, { ...fast, owner: 'second' }));
    await waitFor(() => second.status().state === 'standby');
    await appendOrders(store, 5);
    await first.whenCaughtUp();
    await first.stop();
    await appendOrders(store, 5, 5);
    await waitFor(() => second.status().state === 'active');
    await second.whenCaughtUp();
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(first.status().processed).toBe(5);
    expect(second.status().processed).toBe(5);
  });

  it('after a takeover, only the batch that was not committed is handled again', async () => {
    const store = testStore();
    await appendOrders(store, 4);
    const seen: bigint[] = [];
    const held = gate();
    let holding = true;
    const projection = defineProjection({
      name: 'positions',
      handle: async (events) => {
        seen.push(...events.map((r) => r.position));
        if (holding && events.some((r) => r.position === 3n)) await held.promise;
      },
    });
    const slow = startProjection(store, projection, { ...fast, batchSize: 2, owner: 'slow' });
    await waitFor(() => seen.length === 4); // stuck in its second batch, checkpoint at 2
    // The slow instance looks dead: another one takes the lease over and carries on.
    await store.checkpoints.releaseLease('projection:positions:v1', 'slow');
    holding = false;
    const other = stopAfterTest(
      startProjection(store, projection, { ...fast, batchSize: 2, owner: 'other' }),
    );
    await other.whenCaughtUp();
    expect(seen).toEqual([1n, 2n, 3n, 4n, 3n, 4n]);
    // The slow instance wakes up, its checkpoint write fails (moved by the other): it stands by.
    held.open();
    await waitFor(() => slow.status().state === 'standby');
    expect(await store.checkpoints.get('projection:positions:v1')).toBe(4n);
    expect(seen).toHaveLength(6);
    await slow.stop();
  });

  it('goes to standby when it loses its lease, and resumes from the checkpoint when the lease is free again', async () => {
    const store = testStore();
    const handled: RecordedEvent[] = [];
    const runner = stopAfterTest(
      startProjection(
        store,
        { name: 'orders', handle: (events) => void handled.push(...events) },
        { ...fast, owner: 'me', leaseTtlMs: 60 },
      ),
    );
    await waitFor(() => runner.status().state === 'active');
    // Another instance takes the lease when ours looks expired; renewal notices.
    await store.checkpoints.releaseLease('projection:orders:v1', 'me');
    await store.checkpoints.acquireLease('projection:orders:v1', 'thief', 10_000);
    await waitFor(() => runner.status().state === 'standby');
    await appendOrders(store, 2);
    await store.checkpoints.compareAndSet('projection:orders:v1', undefined, 1n); // the thief did one
    await store.checkpoints.releaseLease('projection:orders:v1', 'thief');
    await waitFor(() => runner.status().state === 'active');
    await runner.whenCaughtUp();
    expect(handled.map((r) => r.position)).toEqual([2n]);
  });

  it('renews its lease every third of its ttl during a long batch, so no other instance takes over', async () => {
    const store = testStore();
    await appendOrders(store, 1);
    let renewals = 0;
    const counting = wrapStore(store, {
      checkpoints: {
        get: (name) => store.checkpoints.get(name),
        compareAndSet: (name, expected, next) => store.checkpoints.compareAndSet(name, expected, next),
        delete: (name) => store.checkpoints.delete(name),
        releaseLease: (name, owner) => store.checkpoints.releaseLease(name, owner),
        acquireLease: (name, owner, ttlMs) => {
          renewals++;
          return store.checkpoints.acquireLease(name, owner, ttlMs);
        },
      },
    });
    const held = gate();
    const runner = stopAfterTest(
      startProjection(
        counting,
        { name: 'long', handle: () => held.promise },
        { ...fast, owner: 'me', leaseTtlMs: 150 },
      ),
    );
    await waitFor(() => renewals >= 5); // well past the ttl, still in the first batch
    expect(await store.checkpoints.acquireLease('projection:long:v1', 'other', 1000)).toBeUndefined();
    held.open();
    await runner.whenCaughtUp();
    expect(runner.status()).toMatchObject({ state: 'active', processed: 1 });
  });
});
