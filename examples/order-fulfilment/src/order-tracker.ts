// Follows which orders have ended, by reading `order.completed` / `order.cancelled` from the
// store's global log incrementally (the Order aggregates' own events: the source of truth).
import type { EventStore } from '@tributary/core';
import { OrderCancelled, OrderCompleted } from './events.js';

/** Orders that reached a terminal state, refreshed on demand. */
export class OrderTracker {
  readonly completed = new Set<string>();
  readonly cancelled = new Set<string>();
  private after = 0n;

  constructor(private readonly store: EventStore) {}

  /** Reads the terminal events appended since the last refresh. */
  async refresh(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({
        after: this.after,
        types: [OrderCompleted.type, OrderCancelled.type],
        maxCount: 1000,
      });
      for (const { event } of page) {
        if (OrderCompleted.is(event)) this.completed.add(event.data.orderId);
        else if (OrderCancelled.is(event)) this.cancelled.add(event.data.orderId);
      }
      const last = page[page.length - 1];
      if (last === undefined) return;
      this.after = last.position;
    }
  }

  isTerminal(orderId: string): boolean {
    return this.completed.has(orderId) || this.cancelled.has(orderId);
  }

  get terminal(): number {
    return this.completed.size + this.cancelled.size;
  }
}
