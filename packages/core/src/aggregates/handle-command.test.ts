import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import type { EventStore } from '../ports/event-store.js';
import { rejection } from '../testing/thrown.js';
import { defineAggregate } from './define-aggregate.js';
import { handleCommand } from './handle-command.js';
import { loadAggregate } from './load-aggregate.js';
import { counterAggregate } from './test-support/counter.js';
import { OrderError, OrderNotPaid, OrderPlaced, orderAggregate, orderDecider } from './test-support/order.js';
import { racingStore } from './test-support/racing-store.js';
import type { HandleCommandOptions } from './types.js';

const Order = orderAggregate();
const stores: EventStore[] = [];
function newStore(options?: Parameters<typeof createMemoryEventStore>[0]): EventStore {
  const store = createMemoryEventStore(options);
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

const place = { type: 'place', orderId: 'o-1', customerId: 'c-7' } as const;
const addItem = { type: 'add-item', sku: 'book', quantity: 2, price: 10 } as const;

describe('handleCommand', () => {
  it('places an order, adds an item, takes payment and ships it, appending each decision', async () => {
    const store = newStore();
    const placed = await handleCommand(store, Order, 'o-1', place);
    expect(placed.nextExpectedVersion).toBe(1n);
    expect(placed.events.map((e) => e.type)).toEqual(['order.placed']);
    expect(placed.state).toEqual({ status: 'placed', customerId: 'c-7', items: [], total: 0 });
    await handleCommand(store, Order, 'o-1', addItem);
    await handleCommand(store, Order, 'o-1', { type: 'pay' });
    const shipped = await handleCommand(store, Order, 'o-1', { type: 'ship', carrier: 'dhl' });

    expect(shipped.nextExpectedVersion).toBe(4n);
    expect(shipped.state.status).toBe('shipped');
    expect(shipped.position).toBe(await store.headPosition());
    const stored = await store.readStream('order-o-1');
    expect(stored.map((r) => [r.event.type, r.version])).toEqual([
      ['order.placed', 1n],
      ['order.item-added', 2n],
      ['order.paid', 3n],
      ['order.shipped', 4n],
    ]);
    expect(stored[2]?.event.data).toEqual({ amount: 20 });
    const loaded = await loadAggregate(store, Order, 'o-1');
    expect(loaded).toEqual({ state: shipped.state, version: 4n, eventsRead: 4, fromSnapshot: false });
  });

  it('passes a domain error thrown by decide through unchanged and appends nothing', async () => {
    const store = newStore();
    await handleCommand(store, Order, 'o-1', place);
    const error = await handleCommand(store, Order, 'o-1', { type: 'ship', carrier: 'dhl' }).catch((e) => e);
    expect(error).toBeInstanceOf(OrderNotPaid);
    expect(error.message).toBe('The order is not paid yet.');
    expect((await store.getStream('order-o-1'))?.version).toBe(1n);
  });

  it('appends nothing for an empty decision and returns the current state and version', async () => {
    const store = newStore();
    for (const command of [place, { type: 'pay' } as const, { type: 'ship', carrier: 'ups' } as const])
      await handleCommand(store, Order, 'o-1', command);
    const head = await store.headPosition();
    const again = await handleCommand(store, Order, 'o-1', { type: 'ship', carrier: 'ups' });
    expect(again).toEqual({
      events: [],
      state: expect.objectContaining({ status: 'shipped' }),
      nextExpectedVersion: 3n,
      position: undefined,
    });
    expect(await store.headPosition()).toBe(head);
  });

  it('gives new events the correlation, causation and trace of causedBy, and its tenant by default', async () => {
    const store = newStore();
    const cause = OrderPlaced.create(
      { orderId: 'x', customerId: 'c' },
      {
        tenantid: 'acme',
        correlationid: 'flow-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    );
    const result = await handleCommand(store, Order, 'o-1', place, { causedBy: cause });
    const [event] = result.events;
    expect(event).toMatchObject({
      correlationid: 'flow-1',
      causationid: cause.id,
      traceparent: cause.traceparent,
    });
    expect(OrderPlaced.is(event!)).toBe(true);
    const [stored] = await store.readStream('order-o-1', { tenant: 'acme' });
    expect(stored?.event).toMatchObject({ tenantid: 'acme', correlationid: 'flow-1', causationid: cause.id });
    expect(await store.readStream('order-o-1')).toEqual([]);
  });

  it('keeps the tenants of the same aggregate id apart', async () => {
    const store = newStore();
    await handleCommand(store, Order, 'o-1', place, { tenant: 'a' });
    const inB = await handleCommand(store, Order, 'o-1', place, { tenant: 'b' });
    expect(inB.nextExpectedVersion).toBe(1n);
    await expect(handleCommand(store, Order, 'o-1', place, { tenant: 'a' })).rejects.toBeInstanceOf(
      OrderError,
    );
  });

  it('writes outbox rows to the topic given, and none with outbox: false', async () => {
    const store = newStore({ outboxTopic: () => 'orders' });
    await handleCommand(store, Order, 'o-1', place, { outbox: 'special' });
    await handleCommand(store, Order, 'o-1', addItem, { outbox: false });
    await handleCommand(store, Order, 'o-1', { type: 'pay' });
    const pending = await store.outbox.pending();
    expect(pending.map((entry) => [entry.topic, entry.recorded.event.type])).toEqual([
      ['special', 'order.placed'],
      ['orders', 'order.paid'],
    ]);
  });

  it('appends with the expected version given, failing when the stream is elsewhere', async () => {
    const store = newStore();
    await handleCommand(store, Order, 'o-1', place);
    const stale = await rejection(handleCommand(store, Order, 'o-1', addItem, { expectedVersion: 0n }));
    expect(stale.code).toBe('WRONG_EXPECTED_VERSION');
    const ok = await handleCommand(store, Order, 'o-1', addItem, { expectedVersion: 1n });
    expect(ok.nextExpectedVersion).toBe(2n);
    const any = await handleCommand(store, Order, 'o-1', addItem, { expectedVersion: 'any' });
    expect(any.nextExpectedVersion).toBe(3n);
  });

  it('rejects a decide that returns something other than events', async () => {
    const store = newStore();
    const Broken = defineAggregate({
      category: 'broken',
      schemaVersion: 'v1',
      decider: { ...orderDecider, decide: () => undefined as never },
    });
    const error = await rejection(handleCommand(store, Broken, 'b-1', place));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/"broken" decider's decide returned undefined/);
  });
});

describe('handleCommand in a transaction', () => {
  it('commits the events together with the writes of inTransaction', async () => {
    const store = newStore();
    const seen: unknown[] = [];
    const result = await handleCommand(store, Order, 'o-1', place, {
      inTransaction: async (tx, outcome) => {
        seen.push(outcome.nextExpectedVersion, outcome.state.status, outcome.events.length);
        await tx.appendToStream('audit-1', [OrderPlaced.create({ orderId: 'o-1', customerId: 'audit' })]);
      },
    });
    expect(seen).toEqual([1n, 'placed', 1]);
    expect(result.nextExpectedVersion).toBe(1n);
    expect(result.position).toBe(1n);
    expect((await loadAggregate(store, Order, 'o-1')).state.status).toBe('placed');
    expect(await store.readStream('audit-1')).toHaveLength(1);
  });

  it('leaves no trace when inTransaction throws', async () => {
    const store = newStore();
    const failure = new Error('the user write failed');
    const inTransaction = async (tx: Parameters<NonNullable<HandleCommandOptions['inTransaction']>>[0]) => {
      await tx.appendToStream('audit-1', [OrderPlaced.create({ orderId: 'o-1', customerId: 'audit' })]);
      throw failure;
    };
    await expect(handleCommand(store, Order, 'o-1', place, { inTransaction })).rejects.toBe(failure);
    expect(await store.getStream('order-o-1')).toBeUndefined();
    expect(await store.getStream('audit-1')).toBeUndefined();
  });

  it('runs inTransaction also when nothing was decided', async () => {
    const store = newStore();
    for (const command of [place, { type: 'pay' } as const, { type: 'ship', carrier: 'ups' } as const])
      await handleCommand(store, Order, 'o-1', command);
    const calls: unknown[] = [];
    const result = await handleCommand(
      store,
      Order,
      'o-1',
      { type: 'ship', carrier: 'ups' },
      {
        inTransaction: (_tx, outcome) => calls.push(outcome),
      },
    );
    expect(calls).toEqual([result]);
    expect(result).toMatchObject({ events: [], nextExpectedVersion: 3n, position: undefined });
  });

  it('rolls back on a conflict and, with retryOnConflict, runs everything again', async () => {
    const store = newStore();
    const racing = racingStore(store, 2);
    let runs = 0;
    const inTransaction = () => {
      runs++;
    };
    const counter = counterAggregate();
    const results = await Promise.all([
      handleCommand(racing, counter, 'c-1', { by: 1 }, { inTransaction, retryOnConflict: 1 }),
      handleCommand(racing, counter, 'c-1', { by: 2 }, { inTransaction, retryOnConflict: 1 }),
    ]);
    expect(results.map((r) => r.nextExpectedVersion).sort()).toEqual([1n, 2n]);
    expect(runs).toBe(2);
    expect((await loadAggregate(store, counter, 'c-1')).state).toEqual({ count: 3, events: 2 });
  });

  it('saves a due snapshot after the transaction commits', async () => {
    const store = newStore();
    const Snapshotted = orderAggregate({ snapshotEvery: 2 });
    await handleCommand(store, Snapshotted, 'o-1', place);
    await handleCommand(store, Snapshotted, 'o-1', addItem, { inTransaction: () => undefined });
    expect((await store.loadSnapshot('order-o-1'))?.version).toBe(2n);
  });
});
