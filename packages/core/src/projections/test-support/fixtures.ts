import { onTestFinished } from 'vitest';
import { OrderPlaced, OrderShipped } from '../../bus/test-support/fixtures.js';
import type { CloudEvent } from '../../envelope/types.js';
import { createMemoryEventStore } from '../../memory/memory-event-store.js';
import type { EventStore, EventStoreOptions, RecordedEvent } from '../../ports/event-store.js';

export { OrderPlaced, OrderShipped };

/** A fresh in-memory event store, closed when the current test finishes. */
export function testStore(options?: EventStoreOptions<undefined>): EventStore<undefined> {
  const store = createMemoryEventStore(options);
  onTestFinished(() => store.close());
  return store;
}

/** Stops `runner` when the current test finishes (a no-op when the test stopped it). */
export function stopAfterTest<R extends { stop(): Promise<void> }>(runner: R): R {
  onTestFinished(() => runner.stop());
  return runner;
}

/** An OrderPlaced event for `orderId` with amount `n`. */
export function placed(orderId: string, n: number): CloudEvent {
  return OrderPlaced.create({ orderId, n });
}

/** An OrderShipped event for `orderId`. */
export function shipped(orderId: string): CloudEvent {
  return OrderShipped.create({ orderId });
}

/** Appends `count` OrderPlaced events, one per stream `order-<i>` (i from `from`), with n = i. */
export async function appendOrders(store: EventStore, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) await store.appendToStream(`order-${i}`, [placed(`o-${i}`, i)]);
}

/** The data of an OrderPlaced event. */
export function dataOf(recorded: RecordedEvent): { orderId: string; n: number } {
  return OrderPlaced.schema.parse(recorded.event.data);
}

/**
 * A read model of order totals per projection version (`orders_v1`, `orders_v2`, …), the way
 * handlers write versioned tables.
 */
export class OrderTables {
  readonly tables = new Map<number, Map<string, number>>();

  table(version: number): Map<string, number> {
    let table = this.tables.get(version);
    if (table === undefined) {
      table = new Map();
      this.tables.set(version, table);
    }
    return table;
  }

  /** A projection handler writing to `orders_v<ctx.version>`. */
  readonly handle = (events: readonly RecordedEvent[], ctx: { readonly version: number }): void => {
    const table = this.table(ctx.version);
    for (const recorded of events) {
      const { orderId, n } = dataOf(recorded);
      table.set(orderId, (table.get(orderId) ?? 0) + n);
    }
  };
}

/** `store` with some members replaced: to inject failures or hide wake-ups in tests. */
export function wrapStore(store: EventStore, overrides: Partial<EventStore>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return Reflect.get(overrides, property);
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** `store` as another process sees it: appends here do not wake its runners (they poll). */
export function otherProcess(store: EventStore): EventStore {
  return wrapStore(store, { onAppended: () => () => {} });
}
