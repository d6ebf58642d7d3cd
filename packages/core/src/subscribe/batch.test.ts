import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { memoryBus, nOf, OrderPlaced, OrderShipped, orders } from '../bus/test-support/fixtures.js';
import { DeadLetters } from '../dead-letters/dead-letters.js';
import { waitFor } from '../testing/wait-for.js';
import type { Subscription } from './types.js';

describe('subscribe with a batch handler', () => {
  let bus: Bus;
  let sub: Subscription | undefined;
  afterEach(async () => {
    await sub?.stop({ timeoutMs: 1000 });
    await bus.close();
  });

  it('gets a fetch worth of events at once and retries only the events it reports as failed', async () => {
    bus = memoryBus().bus;
    await bus.createTopic('orders');
    await bus.publishBatch(orders(10));
    const batches: number[][] = [];
    let failedOnce = false;
    sub = await bus.subscribe({
      group: 'g',
      events: [OrderPlaced],
      from: 'earliest',
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      batchHandler: (events) => {
        batches.push(events.map(nOf));
        const bad = events.find((e) => nOf(e) === 3);
        if (bad && !failedOnce) {
          failedOnce = true;
          return { failed: [{ event: bad, error: new Error('flaky') }] };
        }
      },
    });
    await waitFor(() => batches.length >= 2);
    expect(batches[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[1]).toEqual([3]); // only the failed event, alone
    expect(batches.flat().filter((n) => n !== 3)).toHaveLength(9); // nothing else handled twice
  });

  it('retries every event of a batch that throws, one by one, and dead-letters the one that keeps failing', async () => {
    bus = memoryBus().bus;
    await bus.createTopic('orders');
    await bus.publishBatch(orders(3));
    const handled: number[] = [];
    sub = await bus.subscribe({
      group: 'g',
      events: [OrderPlaced],
      from: 'earliest',
      retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
      batchHandler: (events) => {
        if (events.length > 1 || nOf(events[0]!) === 1) throw new Error('batch failed');
        handled.push(nOf(events[0]!));
      },
    });
    const dlq = new DeadLetters(bus.log, 'g');
    await waitFor(async () => handled.length === 2 && (await dlq.list()).length === 1);
    expect(handled).toEqual([0, 2]);
    expect((await dlq.list())[0]!.failure.attempts).toBe(2);
  });
});

describe('request-reply over the bus', () => {
  let bus: Bus;
  afterEach(async () => bus.close());

  it('resolves a request with the reply a responder sends back', async () => {
    bus = memoryBus({ autoCreateTopics: true }).bus;
    await bus.createTopic('orders');
    await bus.subscribe({
      group: 'shipping',
      events: [OrderPlaced],
      from: 'earliest',
      handler: async (event) => {
        await bus.reply(event, OrderShipped.create({ orderId: event.data.orderId }));
      },
    });
    const reply = await bus.request(OrderPlaced.create({ orderId: 'o-9', n: 9 }), { timeoutMs: 5000 });
    expect(reply.type).toBe('order.shipped');
    expect(reply.data).toEqual({ orderId: 'o-9' });
  });

  it('rejects with REQUEST_TIMEOUT when nobody answers', async () => {
    bus = memoryBus({ autoCreateTopics: true }).bus;
    await bus.createTopic('orders');
    await expect(
      bus.request(OrderPlaced.create({ orderId: 'o-1', n: 1 }), { timeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
    });
  });
});
