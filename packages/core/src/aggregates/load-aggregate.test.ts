import { afterEach, describe, expect, it, vi } from 'vitest';
import { Upcasters } from '../event-store/upcasters.js';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import type { EventStore, ReadStreamOptions } from '../ports/event-store.js';
import { rejection } from '../testing/thrown.js';
import { handleCommand } from './handle-command.js';
import { LOAD_PAGE_SIZE, loadAggregate } from './load-aggregate.js';
import { counterAggregate, increments } from './test-support/counter.js';
import { ItemAddedV1, OrderPlaced, orderAggregate } from './test-support/order.js';

let store: EventStore;
afterEach(async () => {
  vi.useRealTimers();
  await store?.close();
});

const Counter = counterAggregate();

describe('loadAggregate', () => {
  it('gives the initial state at version 0 for an aggregate without events', async () => {
    store = createMemoryEventStore();
    expect(await loadAggregate(store, Counter, 'nobody')).toEqual({
      state: { count: 0, events: 0 },
      version: 0n,
      eventsRead: 0,
      fromSnapshot: false,
    });
  });

  it('reads a long stream in pages, never all of it at once', async () => {
    store = createMemoryEventStore();
    const total = LOAD_PAGE_SIZE * 2 + 100;
    for (let i = 0; i < total; i += 300)
      await store.appendToStream('counter-c-1', increments(Math.min(300, total - i)));
    const reads: ReadStreamOptions[] = [];
    const spying = new Proxy(store, {
      get(target, property) {
        if (property === 'readStream')
          return (stream: string, options: ReadStreamOptions) => {
            reads.push(options);
            return target.readStream(stream, options);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const loaded = await loadAggregate(spying, Counter, 'c-1');
    expect(loaded).toEqual({
      state: { count: total, events: total },
      version: BigInt(total),
      eventsRead: total,
      fromSnapshot: false,
    });
    expect(reads.map((r) => [r.fromVersion, r.maxCount])).toEqual([
      [1n, LOAD_PAGE_SIZE],
      [BigInt(LOAD_PAGE_SIZE + 1), LOAD_PAGE_SIZE],
      [BigInt(2 * LOAD_PAGE_SIZE + 1), 100],
    ]);
  });

  it('evolves upcast events as the newest version of their type', async () => {
    const upcasters = new Upcasters().register('order.item-added', 1, (data) => ({
      ...(data as { sku: string; price: number }),
      quantity: 1,
    }));
    store = createMemoryEventStore({ upcasters });
    await store.appendToStream('order-o-1', [
      OrderPlaced.create({ orderId: 'o-1', customerId: 'c-1' }),
      ItemAddedV1.create({ sku: 'pen', price: 3 }),
    ]);
    const { state } = await loadAggregate(store, orderAggregate(), 'o-1');
    expect(state.items).toEqual([{ sku: 'pen', price: 3, quantity: 1 }]);
    expect(state.total).toBe(3);
  });

  it('rejects a hard-deleted aggregate with STREAM_DELETED', async () => {
    store = createMemoryEventStore();
    await handleCommand(store, Counter, 'c-1', { by: 1 });
    await store.deleteStream('counter-c-1', { hard: true });
    expect((await rejection(loadAggregate(store, Counter, 'c-1'))).code).toBe('STREAM_DELETED');
    expect((await rejection(handleCommand(store, Counter, 'c-1', { by: 1 }))).code).toBe('STREAM_DELETED');
  });

  it('loads at the stream version when the last events are hidden, so the next append fits', async () => {
    store = createMemoryEventStore();
    await handleCommand(store, Counter, 'c-1', { by: 1, times: 3 });
    await store.setStreamMetadata('counter-c-1', { truncateBefore: 10n });
    expect(await loadAggregate(store, Counter, 'c-1')).toMatchObject({ version: 3n, eventsRead: 0 });
    expect((await handleCommand(store, Counter, 'c-1', { by: 1 })).nextExpectedVersion).toBe(4n);
  });
});

describe('time travel', () => {
  it('gives the state after a given version, from a snapshot not past it', async () => {
    store = createMemoryEventStore();
    const Snapshotted = counterAggregate({ snapshotEvery: 5 });
    for (let by = 1; by <= 12; by++) await handleCommand(store, Snapshotted, 'c-1', { by });
    // Snapshot at 10: used for version 11, not for version 7.
    expect(await loadAggregate(store, Snapshotted, 'c-1', { asOfVersion: 11n })).toEqual({
      state: { count: 66, events: 11 },
      version: 11n,
      eventsRead: 1,
      fromSnapshot: true,
    });
    expect(await loadAggregate(store, Snapshotted, 'c-1', { asOfVersion: 7n })).toEqual({
      state: { count: 28, events: 7 },
      version: 7n,
      eventsRead: 7,
      fromSnapshot: false,
    });
    expect(await loadAggregate(store, Snapshotted, 'c-1', { asOfVersion: 10n })).toMatchObject({
      version: 10n,
      eventsRead: 0,
      fromSnapshot: true,
    });
    expect((await loadAggregate(store, Snapshotted, 'c-1', { asOfVersion: 0n })).state).toEqual({
      count: 0,
      events: 0,
    });
    expect((await loadAggregate(store, Snapshotted, 'c-1', { asOfVersion: 99n })).version).toBe(12n);
  });

  it('gives the state from the events recorded at or before a time, ignoring snapshots', async () => {
    store = createMemoryEventStore();
    vi.useFakeTimers({ toFake: ['Date'] });
    const Snapshotted = counterAggregate({ snapshotEvery: 2 });
    const start = Date.parse('2030-01-01T00:00:00Z');
    for (let i = 0; i < 6; i++) {
      vi.setSystemTime(start + i * 60_000);
      await handleCommand(store, Snapshotted, 'c-1', { by: 1 });
    }
    const atThird = await loadAggregate(store, Snapshotted, 'c-1', {
      asOf: new Date(start + 2 * 60_000 + 30_000),
    });
    expect(atThird).toEqual({
      state: { count: 3, events: 3 },
      version: 3n,
      eventsRead: 3,
      fromSnapshot: false,
    });
    const before = await loadAggregate(store, Snapshotted, 'c-1', { asOf: new Date(start - 1) });
    expect(before).toEqual({
      state: { count: 0, events: 0 },
      version: 0n,
      eventsRead: 0,
      fromSnapshot: false,
    });
    const both = await loadAggregate(store, Snapshotted, 'c-1', {
      asOf: new Date(start + 10 * 60_000),
      asOfVersion: 4n,
    });
    expect(both.version).toBe(4n);
  });
});
