import { describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { testBus } from '../bus/test-support/fixtures.js';
import { fromLogRecord } from '../envelope/kafka-binary-codec.js';
import { createMemoryDedupeStore } from '../memory/memory-dedupe.js';
import type { MemoryLog } from '../memory/memory-log.js';
import type { EventStore } from '../ports/event-store.js';
import { placed, stopAfterTest, testStore, wrapStore } from '../projections/test-support/fixtures.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { OUTBOX_RELAY_LEASE, startOutboxRelay } from './relay.js';

const fast = { pollIntervalMs: 10, retry: { initialDelayMs: 1, maxDelayMs: 5 } };

/** A store whose appends go to the outbox, to topic `orders`. */
const outboxStore = () => testStore({ outboxTopic: () => 'orders' });

/** Every record of `topic`, per partition: [key, event id] in offset order. */
async function published(log: MemoryLog, topic: string, partitions: number): Promise<[string, string][][]> {
  const out: [string, string][][] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const { records } = await log.fetch(topic, partition, 0n);
    out.push(records.map((r) => [Buffer.from(r.key ?? []).toString(), fromLogRecord(r).id]));
  }
  return out;
}

/** Appends `rounds` events to each of `streams`, round by round (so streams interleave). */
async function appendRounds(store: EventStore, streams: readonly string[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++)
    for (const stream of streams) await store.appendToStream(stream, [placed(stream, round)]);
}

describe('startOutboxRelay', () => {
  it('publishes entries with key = stream, each stream in one partition in order, and marks them published', async () => {
    const store = outboxStore();
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 3 });
    await appendRounds(store, ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'], 4);
    const relay = stopAfterTest(startOutboxRelay(store, bus, { ...fast, batchSize: 7 }));
    await relay.whenIdle();
    expect(await store.outbox.countPending()).toBe(0);
    expect(relay.status()).toMatchObject({ state: 'active', published: 20, pending: 0 });
    const stored = await store.readAll();
    const partitionOf = new Map<string, number>();
    const idsOf = new Map<string, string[]>();
    (await published(log, 'orders', 3)).forEach((records, partition) => {
      for (const [stream, id] of records) {
        expect(partitionOf.get(stream) ?? partition).toBe(partition);
        partitionOf.set(stream, partition);
        idsOf.set(stream, [...(idsOf.get(stream) ?? []), id]);
      }
    });
    expect(idsOf.size).toBe(5);
    for (const [stream, ids] of idsOf)
      expect(ids).toEqual(stored.filter((r) => r.stream === stream).map((r) => r.event.id));
  });

  it('publishes appends made while it runs, woken by the append', async () => {
    const store = outboxStore();
    const { bus, log } = testBus({ autoCreateTopics: true });
    const relay = stopAfterTest(startOutboxRelay(store, bus, { ...fast, pollIntervalMs: 3_600_000 }));
    await waitFor(() => relay.status().state === 'active');
    await store.appendToStream('order-1', [placed('o-1', 1), placed('o-1', 2)]);
    await relay.whenIdle();
    expect((await published(log, 'orders', 1))[0]).toHaveLength(2);
  });

  it('runs one active relay: a second one stands by, then takes over when the first stops', async () => {
    const store = outboxStore();
    const { bus, log } = testBus({ autoCreateTopics: true });
    const first = startOutboxRelay(store, bus, { ...fast, owner: 'first' });
    await waitFor(() => first.status().state === 'active');
    const second = stopAfterTest(startOutboxRelay(store, bus, { ...fast, owner: 'second' }));
    await waitFor(() => second.status().state === 'standby');
    await appendRounds(store, ['order-1', 'order-2'], 3);
    await second.whenIdle(); // drained by the first
    expect(first.status().published).toBe(6);
    expect(second.status()).toMatchObject({ state: 'standby', published: 0 });
    await first.stop();
    expect(first.status().state).toBe('stopped');
    await waitFor(() => second.status().state === 'active');
    await appendRounds(store, ['order-1'], 2);
    await second.whenIdle();
    expect(second.status().published).toBe(2);
    expect((await published(log, 'orders', 1))[0]).toHaveLength(8);
    expect(await store.checkpoints.acquireLease(OUTBOX_RELAY_LEASE, 'third', 1000)).toBeUndefined();
  });

  it('retries a failing publish with backoff and never skips an entry', async () => {
    const store = outboxStore();
    const { bus, log } = testBus({ autoCreateTopics: true });
    let failures = 3;
    const flaky: Bus = new Proxy(bus, {
      get(target, property) {
        if (property === 'publishBatch')
          return (...args: Parameters<Bus['publishBatch']>) => {
            if (failures-- > 0) return Promise.reject(new Error('broker unavailable'));
            return target.publishBatch(...args);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await appendRounds(store, ['order-1'], 3);
    const errors: unknown[] = [];
    const relay = stopAfterTest(startOutboxRelay(store, flaky, { ...fast, onError: (e) => errors.push(e) }));
    await relay.whenIdle();
    expect(errors.map(String)).toEqual(Array(3).fill('Error: broker unavailable'));
    const ids = (await published(log, 'orders', 1))[0]?.map(([, id]) => id);
    expect(ids).toEqual((await store.readAll()).map((r) => r.event.id));
    expect(relay.status().error).toBeUndefined();
  });

  it('re-publishes after a crash between publish and mark; a consumer with dedupe handles each event once', async () => {
    const store = outboxStore();
    const { bus, log } = testBus({ autoCreateTopics: true });
    await appendRounds(store, ['order-1', 'order-2'], 2);
    // The first relay publishes, then "crashes" before it can mark anything published.
    const crashing = wrapStore(store, {
      outbox: {
        pending: (options) => store.outbox.pending(options),
        countPending: () => store.outbox.countPending(),
        markPublished: async () => {
          throw new Error('process killed');
        },
      },
    });
    const first = startOutboxRelay(crashing, bus, { ...fast, owner: 'first', onError: () => {} });
    await waitFor(() => first.status().published >= 4);
    await first.stop();
    expect(await store.outbox.countPending()).toBe(4);
    const second = stopAfterTest(startOutboxRelay(store, bus, { ...fast, owner: 'second' }));
    await second.whenIdle();
    const records = (await published(log, 'orders', 1))[0] ?? [];
    expect(records.length).toBeGreaterThanOrEqual(8); // every event at least twice on the log

    const handled: string[] = [];
    const subscription = await bus.subscribe({
      group: 'billing',
      topics: ['orders'],
      from: 'earliest',
      dedupe: createMemoryDedupeStore(),
      handler: (event) => void handled.push(event.id),
    });
    // A last event marks the end: once it is handled, every record before it was consumed.
    await store.appendToStream('order-3', [placed('o-3', 0)]);
    const [last] = await store.readStream('order-3');
    await waitFor(() => handled.includes(last?.event.id ?? ''));
    await subscription.stop();
    const ids = (await store.readAll()).map((r) => r.event.id);
    expect(handled).toEqual(ids);
  });

  it('whenIdle rejects with REQUEST_TIMEOUT while entries cannot be published, and with CLOSED once stopped', async () => {
    const store = outboxStore();
    const { bus } = testBus(); // no topic "orders": every publish fails
    await appendRounds(store, ['order-1'], 1);
    const relay = startOutboxRelay(store, bus, { ...fast, onError: () => {} });
    const timedOut = await rejection(relay.whenIdle({ timeoutMs: 50 }));
    expect(timedOut.code).toBe('REQUEST_TIMEOUT');
    expect(timedOut.message).toMatch(/still has 1 pending entries after 50 ms/);
    expect(String(relay.status().error)).toMatch(/orders/);
    const waiting = rejection(relay.whenIdle());
    await relay.stop();
    expect((await waiting).code).toBe('CLOSED');
    expect(await store.outbox.countPending()).toBe(1);
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    const store = outboxStore();
    const { bus } = testBus();
    expect(() => startOutboxRelay(store, bus, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => startOutboxRelay(store, bus, { retry: { multiplier: 0 } })).toThrow(/multiplier/);
    expect(() => startOutboxRelay(store, {} as Bus)).toThrow(/bus must be a Bus/);
  });

  it('stops when the bus is closed under it, keeping the entries it could not publish', async () => {
    const store = outboxStore();
    const { bus } = testBus({ autoCreateTopics: true });
    const errors: unknown[] = [];
    const relay = startOutboxRelay(store, bus, { ...fast, onError: (e) => errors.push(e) });
    await waitFor(() => relay.status().state === 'active');
    await bus.close();
    await appendRounds(store, ['order-1'], 1);
    await waitFor(() => relay.status().state === 'stopped');
    expect(relay.status().error).toMatchObject({ code: 'CLOSED' });
    expect((await rejection(relay.whenIdle())).message).toMatch(/relay was stopped \(.*closed/);
    expect(await store.outbox.countPending()).toBe(1);
    expect(errors).toEqual([]);
    await relay.stop();
  });
});
