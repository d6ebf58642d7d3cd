import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import type { Bus } from '../bus/bus.js';
import { testBus } from '../bus/test-support/fixtures.js';
import { fromLogRecord } from '../envelope/kafka-binary-codec.js';
import type { CloudEvent } from '../envelope/types.js';
import { defineEvent } from '../events/define-event.js';
import type { MemoryLog } from '../memory/memory-log.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { react } from './react.js';

const OrderPlaced = defineEvent('shop.order.placed', {
  version: 1,
  schema: z.object({ orderId: z.string() }),
  topic: 'shop',
});
const StockReserved = defineEvent('shop.stock.reserved', {
  version: 1,
  schema: z.object({ orderId: z.string() }),
  topic: 'stock',
});
const Audit = defineEvent('shop.audit', {
  version: 1,
  schema: z.object({ note: z.string() }),
  topic: 'audit',
});

async function records(log: MemoryLog, topic: string): Promise<CloudEvent[]> {
  return (await log.fetch(topic, 0, 0n)).records.map((r) => fromLogRecord(r));
}

async function stopAfterTest(subscription: Promise<{ stop(): Promise<void> }>): Promise<void> {
  const s = await subscription;
  onTestFinished(() => s.stop());
}

async function topics(bus: Bus, ...names: string[]): Promise<void> {
  for (const name of names) await bus.createTopic(name);
}

describe('react (choreography)', () => {
  it('emits events carrying the causation, correlation, tenant and trace of the event it reacts to', async () => {
    const { bus, log } = testBus();
    await topics(bus, 'shop', 'stock');
    await stopAfterTest(
      react(bus, {
        on: OrderPlaced,
        group: 'inventory',
        from: 'earliest',
        // Typed: event.data.orderId is a string. No causedBy given: react adds the causation itself.
        emit: (event) => StockReserved.create({ orderId: event.data.orderId }),
      }),
    );
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const placed = OrderPlaced.create(
      { orderId: 'o-1' },
      { correlationid: 'flow-1', tenantid: 'acme', traceparent },
    );
    await bus.publish(placed);
    await waitFor(async () => (await records(log, 'stock')).length === 1);
    const [reserved] = await records(log, 'stock');
    expect(reserved).toMatchObject({
      type: StockReserved.type,
      data: { orderId: 'o-1' },
      causationid: placed.id,
      correlationid: 'flow-1',
      tenantid: 'acme',
      traceparent,
    });
  });

  it('re-publishes the same ids when a reaction is re-run after a partial failure', async () => {
    const { bus, log } = testBus();
    await topics(bus, 'shop', 'stock'); // no "audit" topic yet: the second publish fails
    const sink: unknown[] = [];
    await stopAfterTest(
      react(bus, {
        on: 'shop.order.placed',
        topics: ['shop'],
        group: 'inventory',
        from: 'earliest',
        retry: { maxAttempts: 100, initialDelayMs: 10, maxDelayMs: 20 },
        onError: (error) => sink.push(error),
        emit: (event) => [
          StockReserved.create(
            { orderId: String((event.data as { orderId: string }).orderId) },
            { causedBy: event },
          ),
          Audit.create({ note: 'reserved' }, { causedBy: event }),
        ],
      }),
    );
    await bus.publish(OrderPlaced.create({ orderId: 'o-1' }));
    await waitFor(async () => (await records(log, 'stock')).length >= 2); // retried at least once
    await bus.createTopic('audit');
    await waitFor(async () => (await records(log, 'audit')).length === 1);
    const stock = await records(log, 'stock');
    expect(new Set(stock.map((e) => e.id)).size).toBe(1); // a consumer with dedupe sees it once
  });

  it('skips events of other types on the topics it consumes', async () => {
    const { bus, log } = testBus();
    await topics(bus, 'shop', 'stock');
    await stopAfterTest(
      react(bus, {
        on: ['shop.order.placed'],
        topics: ['shop'],
        group: 'inventory',
        from: 'earliest',
        emit: (event) => StockReserved.create({ orderId: event.id }, { causedBy: event }),
      }),
    );
    await bus.publish(
      { ...OrderPlaced.create({ orderId: 'x' }), type: 'shop.order.viewed' },
      { topic: 'shop' },
    );
    const placed = OrderPlaced.create({ orderId: 'o-1' });
    await bus.publish(placed);
    await waitFor(async () => (await records(log, 'stock')).length === 1);
    expect((await records(log, 'stock'))[0]?.data).toEqual({ orderId: placed.id });
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    const { bus } = testBus();
    const emit = () => undefined;
    expect((await rejection(react(bus, { on: 'a.b', group: 'g', emit, topics: [] }))).message).toMatch(
      /topics/,
    );
    expect((await rejection(react(bus, { on: [], group: 'g', emit }))).message).toMatch(/at least one/);
    // @ts-expect-error: a JavaScript caller forgetting emit
    expect((await rejection(react(bus, { on: OrderPlaced, group: 'g' }))).code).toBe('INVALID_ARGUMENT');
  });
});
