import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { gate, memoryBus, nOf, orders } from '../bus/test-support/fixtures.js';
import { waitFor } from '../testing/wait-for.js';
import type { Subscription } from './types.js';

describe('subscribe with key-level parallelism', () => {
  let bus: Bus;
  let sub: Subscription | undefined;
  afterEach(async () => {
    await sub?.stop({ timeoutMs: 1000 });
    await bus.close();
  });

  async function setup() {
    bus = memoryBus().bus;
    await bus.createTopic('orders', { partitions: 1 });
  }

  it('handles different keys at once and each key in order', async () => {
    await setup();
    const running = new Map<string, number>();
    let concurrent = 0;
    let maxConcurrent = 0;
    let overlaps = 0;
    const perKey = new Map<string, number[]>();
    sub = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      from: 'earliest',
      keyConcurrency: 4,
      handler: async (event, ctx) => {
        const key = Buffer.from(ctx.key!).toString();
        if ((running.get(key) ?? 0) !== 0) overlaps++; // two of one key at once
        running.set(key, 1);
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 2));
        perKey.set(key, [...(perKey.get(key) ?? []), nOf(event)]);
        concurrent--;
        running.set(key, 0);
      },
    });
    await bus.publishBatch(orders(40, 4));
    await waitFor(() => [...perKey.values()].reduce((n, l) => n + l.length, 0) === 40);
    expect(overlaps).toBe(0);
    expect(maxConcurrent).toBeGreaterThan(1);
    expect(maxConcurrent).toBeLessThanOrEqual(4);
    for (const list of perKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  });

  it('never commits past a record still in flight', async () => {
    await setup();
    const held = gate();
    const done: number[] = [];
    sub = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      from: 'earliest',
      keyConcurrency: 8,
      commitIntervalMs: 10,
      handler: async (event) => {
        if (nOf(event) === 0) await held.promise;
        done.push(nOf(event));
      },
    });
    await bus.publishBatch(orders(6, 6)); // six different keys
    await waitFor(() => done.length === 5);
    await new Promise((r) => setTimeout(r, 50)); // several commit intervals
    expect((await bus.log.fetchOffsets('g', 'orders'))[0]?.offset ?? 0n).toBe(0n);
    held.open();
    await waitFor(async () => (await bus.log.fetchOffsets('g', 'orders'))[0]?.offset === 6n);
  });

  it('stops fetching when maxInFlight events are in flight (backpressure)', async () => {
    await setup();
    let concurrent = 0;
    let maxConcurrent = 0;
    let handled = 0;
    sub = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      from: 'earliest',
      keyConcurrency: 16,
      maxInFlight: 3,
      handler: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 2));
        concurrent--;
        handled++;
      },
    });
    await bus.publishBatch(orders(30, 30));
    await waitFor(() => handled === 30);
    expect(maxConcurrent).toBe(3);
  });

  it('loses nothing when stopped with events in flight: a new member of the group finishes the rest', async () => {
    await setup();
    const handled = new Set<number>();
    const subscribe = () =>
      bus.subscribe({
        group: 'g',
        topics: ['orders'],
        from: 'earliest',
        keyConcurrency: 8,
        handler: async (event) => {
          await new Promise((r) => setTimeout(r, 1));
          handled.add(nOf(event));
        },
      });
    await bus.publishBatch(orders(100, 10));
    const first = await subscribe();
    await waitFor(() => handled.size >= 30);
    await first.stop({ timeoutMs: 5000 });
    expect(handled.size).toBeLessThan(100);
    // Every committed event was handled: nothing in flight was committed past.
    const committed = Number((await bus.log.fetchOffsets('g', 'orders'))[0]?.offset ?? 0n);
    for (let n = 0; n < committed; n++) expect(handled.has(n), `event ${n}`).toBe(true);
    sub = await subscribe();
    await waitFor(() => handled.size === 100);
  });

  it('does not hold other keys behind a key whose earlier event is still running', async () => {
    await setup();
    const held = gate();
    const handled: string[] = [];
    sub = await bus.subscribe({
      group: 'g',
      topics: ['orders'],
      from: 'earliest',
      keyConcurrency: 4,
      handler: async (event, ctx) => {
        const key = Buffer.from(ctx.key!).toString();
        if (nOf(event) === 0) await held.promise;
        handled.push(`${key}:${nOf(event)}`);
      },
    });
    // Keys in offset order: a, a, b — the second "a" must wait, "b" must not.
    const [a0, a1, b2] = orders(3);
    await bus.publishBatch([
      { event: a0!, key: 'a' },
      { event: a1!, key: 'a' },
      { event: b2!, key: 'b' },
    ]);
    await waitFor(() => handled.includes('b:2'));
    expect(handled).toEqual(['b:2']);
    held.open();
    await waitFor(() => handled.length === 3);
    expect(handled).toEqual(['b:2', 'a:0', 'a:1']);
  });
});
