import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import {
  errorSink,
  gate,
  memoryBus,
  nOf,
  OrderPlaced,
  OrderShipped,
  orders,
} from '../bus/test-support/fixtures.js';
import { DeadLetters } from '../dead-letters/dead-letters.js';
import { DLQ_HEADERS } from '../dead-letters/headers.js';
import { deadLetterTopic } from '../dead-letters/topic-names.js';
import { toLogRecord } from '../envelope/kafka-binary-codec.js';
import type { CloudEvent } from '../envelope/types.js';
import { createMemoryDedupeStore } from '../memory/memory-dedupe.js';
import { createMemoryMetrics } from '../metrics/memory-metrics.js';
import { PermanentError } from '../reliability/errors.js';
import { waitFor } from '../testing/wait-for.js';
import type { Subscription } from './types.js';

const fast = { initialDelayMs: 1, maxDelayMs: 5 };
const header = (headers: readonly { key: string; value: Uint8Array | null }[], key: string) => {
  const v = headers.find((h) => h.key === key)?.value;
  return v ? Buffer.from(v).toString() : undefined;
};

describe('bus.subscribe', () => {
  let bus: Bus;
  let subs: Subscription[] = [];
  afterEach(async () => {
    for (const s of subs) await s.stop({ timeoutMs: 1000 });
    subs = [];
    await bus.close();
  });

  async function setup(partitions = 1) {
    bus = memoryBus().bus;
    await bus.createTopic('orders', { partitions });
    return bus;
  }
  async function start(options: Parameters<Bus['subscribe']>[0]) {
    const sub = await bus.subscribe({ from: 'earliest', ...options });
    subs.push(sub);
    return sub;
  }

  it('dead-letters an event after exactly maxAttempts with the failure headers, and goes on with later events', async () => {
    await setup();
    const calls = new Map<number, number>();
    const handled: number[] = [];
    await start({
      group: 'billing',
      events: [OrderPlaced],
      retry: { ...fast, maxAttempts: 3 },
      handler: (event) => {
        const n = nOf(event);
        calls.set(n, (calls.get(n) ?? 0) + 1);
        if (n === 1) throw new Error('card declined');
        handled.push(n);
      },
    });
    await bus.publishBatch(orders(4));
    await waitFor(() => handled.length === 3);
    expect(handled).toEqual([0, 2, 3]);
    expect(calls.get(1)).toBe(3);
    const dlq = new DeadLetters(bus.log, 'billing');
    await waitFor(async () => (await dlq.list()).length === 1);
    const [letter] = await dlq.list();
    expect(letter!.failure).toMatchObject({
      attempts: 3,
      topic: 'orders',
      partition: 0,
      offset: 1n,
      group: 'billing',
    });
    expect(letter!.failure.error).toMatchObject({ errorClass: 'Error', message: 'card declined' });
    const raw = (await bus.log.fetch(deadLetterTopic('billing'), 0, 0n)).records[0]!;
    for (const key of Object.values(DLQ_HEADERS)) expect(header(raw.headers, key), key).toBeDefined();
    // The original record is kept unchanged.
    const original = (await bus.log.fetch('orders', 0, 1n, { maxRecords: 1 })).records[0]!;
    expect(Buffer.compare(raw.value!, original.value!)).toBe(0);
  });

  it('retries a transient failure with backoff and handles the event once it succeeds', async () => {
    await setup();
    const metrics = createMemoryMetrics();
    let attempts = 0;
    const seen: number[] = [];
    await start({
      group: 'g',
      events: [OrderPlaced],
      retry: { ...fast, maxAttempts: 5 },
      metrics,
      handler: (event, ctx) => {
        attempts++;
        if (ctx.attempt < 3) throw new Error('timeout talking to the gateway');
        seen.push(nOf(event));
      },
    });
    await bus.publishBatch(orders(1));
    await waitFor(() => seen.length === 1);
    expect(attempts).toBe(3);
    expect(metrics.value('tributary_consumer_retries_total', { group: 'g' })).toBe(2);
    expect(metrics.value('tributary_consumer_events_total', { group: 'g' })).toBe(1);
    expect(await new DeadLetters(bus.log, 'g').list()).toEqual([]);
  });

  it('sends permanent failures and schema mismatches straight to the dead letters, without retrying', async () => {
    await setup();
    let calls = 0;
    await start({
      group: 'g',
      events: [OrderPlaced],
      retry: { ...fast, maxAttempts: 5 },
      handler: () => {
        calls++;
        throw new PermanentError('order references an unknown customer');
      },
    });
    await bus.publishBatch(orders(1));
    // A hand-made record of the right type whose data does not match the schema.
    const bad = { ...orders(1)[0]!, data: { orderId: 42 } } as CloudEvent;
    await bus.log.append('orders', 0, [toLogRecord(bad)]);
    const dlq = new DeadLetters(bus.log, 'g');
    await waitFor(async () => (await dlq.list()).length === 2);
    const letters = await dlq.list();
    expect(calls).toBe(1);
    expect(letters.map((l) => l.failure.attempts)).toEqual([1, 1]);
    expect(letters[1]!.failure.error.message).toMatch(/orderId/);
  });

  it('skips events it already handled when deduping, so re-driving twice does not process twice', async () => {
    await setup();
    const dedupe = createMemoryDedupeStore();
    const handled: string[] = [];
    let fail = true;
    await start({
      group: 'g',
      events: [OrderPlaced],
      retry: { ...fast, maxAttempts: 1 },
      dedupe,
      handler: (event) => {
        if (fail) throw new Error('down');
        handled.push(event.id);
      },
    });
    await bus.publishBatch(orders(2));
    const dlq = new DeadLetters(bus.log, 'g');
    await waitFor(async () => (await dlq.list()).length === 2);
    fail = false;
    await dlq.redrive();
    await waitFor(() => handled.length === 2);
    // Re-publishing the same events again (as a second re-drive of the same letters would).
    const records = (await bus.log.fetch('orders', 0, 2n)).records;
    await bus.log.append(
      'orders',
      0,
      records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    );
    const skipped = await bus.publishBatch(orders(1, undefined, 100)); // a marker event after them
    expect(skipped).toHaveLength(1);
    await waitFor(() => handled.length === 3);
    expect(new Set(handled).size).toBe(3);
  });

  it('commits before handling with at-most-once delivery', async () => {
    await setup();
    let committedDuringHandler: bigint | undefined;
    await start({
      group: 'g',
      events: [OrderPlaced],
      delivery: 'at-most-once',
      handler: async () => {
        const offsets = await bus.log.fetchOffsets('g', 'orders');
        committedDuringHandler = offsets[0]?.offset;
      },
    });
    await bus.publishBatch(orders(1));
    await waitFor(() => committedDuringHandler !== undefined);
    expect(committedDuringHandler).toBe(1n);
  });

  it('with retry topics, keeps the partition flowing past a failing event and retries it later', async () => {
    await setup();
    const order: number[] = [];
    let failures = 0;
    await start({
      group: 'g',
      events: [OrderPlaced],
      retryMode: 'topics',
      retry: { initialDelayMs: 30, maxDelayMs: 30, jitter: 'none', maxAttempts: 3 },
      handler: (event) => {
        const n = nOf(event);
        if (n === 0 && failures++ < 1) throw new Error('flaky');
        order.push(n);
      },
    });
    await bus.publishBatch(orders(3));
    await waitFor(() => order.length === 3);
    expect(order).toEqual([1, 2, 0]);
  });

  it('pauses for a cool-down when the circuit breaker opens instead of burning retries', async () => {
    await setup();
    const times: number[] = [];
    await start({
      group: 'g',
      events: [OrderPlaced],
      retry: { ...fast, maxAttempts: 10 },
      circuitBreaker: { failureThreshold: 2, windowMs: 10_000, cooldownMs: 150 },
      handler: () => {
        times.push(Date.now());
        if (times.length <= 2) throw new Error('dependency down');
      },
    });
    await bus.publishBatch(orders(1));
    await waitFor(() => times.length === 3);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
  });

  it('pauses the partition at the event instead of dead-lettering when deadLetter is false', async () => {
    await setup();
    const { errors, onError } = errorSink();
    const handled: number[] = [];
    await start({
      group: 'g',
      events: [OrderPlaced],
      retry: false,
      deadLetter: false,
      onError,
      handler: (event) => {
        if (nOf(event) === 1) throw new Error('nope');
        handled.push(nOf(event));
      },
    });
    await bus.publishBatch(orders(3));
    await waitFor(() => errors.length === 1);
    expect(handled).toEqual([0]);
    expect(errors[0]!.ctx).toMatchObject({ phase: 'handler', offset: 1n });
  });

  it('lets an in-flight handler finish on stop and commits it; nothing in flight is lost', async () => {
    await setup();
    const held = gate();
    const handled: number[] = [];
    const sub = await bus.subscribe({
      group: 'g',
      events: [OrderPlaced],
      from: 'earliest',
      handler: async (event) => {
        if (nOf(event) === 0) await held.promise;
        handled.push(nOf(event));
      },
    });
    await bus.publishBatch(orders(1));
    await waitFor(async () => (await bus.log.latestOffset('orders', 0)) === 1n);
    const stopping = sub.stop({ timeoutMs: 5000 });
    held.open();
    await stopping;
    expect(handled).toEqual([0]);
    expect((await bus.log.fetchOffsets('g', 'orders'))[0]?.offset).toBe(1n);
  });

  it('does not commit an event whose handler outlives the stop timeout, so it is delivered again', async () => {
    await setup();
    const never = gate();
    const sub = await bus.subscribe({
      group: 'g',
      events: [OrderPlaced],
      from: 'earliest',
      onError: () => {},
      handler: () => never.promise,
    });
    await bus.publishBatch(orders(1));
    await waitFor(async () => (await bus.log.latestOffset('orders', 0)) === 1n);
    await new Promise((r) => setImmediate(r));
    await sub.stop({ timeoutMs: 50 });
    expect((await bus.log.fetchOffsets('g', 'orders'))[0]?.offset ?? 0n).toBe(0n);
    never.open();
  });

  it('rejects bad options with a clear error', async () => {
    await setup();
    await expect(
      bus.subscribe({ group: 'g', topics: ['orders'], handler: undefined as never }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      bus.subscribe({ group: 'g', topics: ['orders'], retry: { maxAttempts: 0 }, handler: () => {} }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('maxAttempts') });
  });

  it('skips other event types by default, and dead-letters them with unknownTypes: dead-letter', async () => {
    await setup();
    const handled: string[] = [];
    await start({ group: 'skipper', events: [OrderPlaced], handler: (e) => void handled.push(e.type) });
    await start({
      group: 'strict',
      events: [OrderPlaced],
      unknownTypes: 'dead-letter',
      handler: (e) => void handled.push(e.type),
    });
    await bus.publishBatch([OrderShipped.create({ orderId: 'o-1' }), ...orders(1)]);
    await waitFor(() => handled.length === 2);
    expect(await new DeadLetters(bus.log, 'skipper').list()).toEqual([]);
    const strict = await new DeadLetters(bus.log, 'strict').list();
    expect(strict.map((l) => [l.type, l.failure.error.errorClass])).toEqual([
      ['order.shipped', 'ValidationError'],
    ]);
  });

  it('purges expired dedupe records periodically', async () => {
    await setup();
    const dedupe = createMemoryDedupeStore({ ttlMs: 1 });
    let purges = 0;
    const purge = dedupe.purge.bind(dedupe);
    dedupe.purge = (now?: number) => {
      purges++;
      return purge(now);
    };
    await start({ group: 'g', topics: ['orders'], dedupe, dedupePurgeIntervalMs: 10, handler: () => {} });
    await waitFor(() => purges >= 2);
  });
});
