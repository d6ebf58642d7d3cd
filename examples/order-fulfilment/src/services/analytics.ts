// Analytics service: two async projections over the Order aggregate's events in the store's
// global log. Each batch is written in one transaction and is idempotent (an event handled again
// after a crash changes nothing), so the read models are exact, not approximate.
import {
  type CloudEvent,
  defineProjection,
  type ProjectionDefinition,
  type ProjectionRunner,
  type RecordedEvent,
  startProjection,
} from '@tributary/core';
import type { SqliteEventStore, SqliteTx } from '@tributary/sqlite';
import { OrderCancelled, OrderCompleted, OrderCreated } from '../events.js';
import { createTables } from './service-kit.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS analytics_order_status (order_id TEXT PRIMARY KEY, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analytics_status_counts (status TEXT PRIMARY KEY, orders INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS analytics_revenue_orders (order_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS analytics_revenue_per_hour (
  hour TEXT PRIMARY KEY, revenue_cents INTEGER NOT NULL, orders INTEGER NOT NULL
);`;

const ORDER_TYPES = [OrderCreated.type, OrderCompleted.type, OrderCancelled.type];

function addToStatus(db: SqliteTx, status: string, delta: number): void {
  db.run(
    'INSERT INTO analytics_status_counts VALUES (?, ?) ON CONFLICT (status) DO UPDATE SET orders = orders + excluded.orders',
    status,
    delta,
  );
}

/** The order id and final status of an `order.completed` / `order.cancelled`. */
function endOf(event: CloudEvent): { orderId: string; status: 'completed' | 'cancelled' } | undefined {
  if (OrderCompleted.is(event)) return { orderId: event.data.orderId, status: 'completed' };
  if (OrderCancelled.is(event)) return { orderId: event.data.orderId, status: 'cancelled' };
  return undefined;
}

/** Orders per status (`pending`, `completed`, `cancelled`): what a dashboard shows. */
export function ordersByStatusProjection(store: SqliteEventStore): ProjectionDefinition {
  return defineProjection({
    name: 'orders-by-status',
    types: ORDER_TYPES,
    handle: (events: readonly RecordedEvent[]) =>
      store.transaction(async (tx) => {
        const db = tx.db;
        for (const { event } of events) {
          if (OrderCreated.is(event)) {
            const inserted = db.run(
              'INSERT OR IGNORE INTO analytics_order_status VALUES (?, ?)',
              event.data.orderId,
              'pending',
            );
            if (inserted.changes === 1) addToStatus(db, 'pending', 1);
            continue;
          }
          const ended = endOf(event);
          if (ended === undefined) continue;
          const { orderId, status } = ended;
          const moved = db.run(
            "UPDATE analytics_order_status SET status = ? WHERE order_id = ? AND status = 'pending'",
            status,
            orderId,
          );
          if (moved.changes === 1) {
            addToStatus(db, 'pending', -1);
            addToStatus(db, status, 1);
          }
        }
      }),
  });
}

/** Revenue of completed orders per hour of completion (UTC). */
export function revenuePerHourProjection(store: SqliteEventStore): ProjectionDefinition {
  return defineProjection({
    name: 'revenue-per-hour',
    types: [OrderCompleted.type],
    handle: (events: readonly RecordedEvent[]) =>
      store.transaction(async (tx) => {
        const db = tx.db;
        for (const { event } of events) {
          if (!OrderCompleted.is(event)) continue;
          const first = db.run(
            'INSERT OR IGNORE INTO analytics_revenue_orders VALUES (?)',
            event.data.orderId,
          );
          if (first.changes !== 1) continue; // counted already
          db.run(
            `INSERT INTO analytics_revenue_per_hour VALUES (?, ?, 1) ON CONFLICT (hour)
             DO UPDATE SET revenue_cents = revenue_cents + excluded.revenue_cents, orders = orders + 1`,
            `${event.time.slice(0, 13)}:00`,
            event.data.totalCents,
          );
        }
      }),
  });
}

/** Creates the read-model tables and starts both projections. */
export async function startAnalytics(store: SqliteEventStore): Promise<ProjectionRunner[]> {
  await createTables(store, SCHEMA);
  const options = { batchSize: 500, pollIntervalMs: 200 };
  return [
    startProjection(store, ordersByStatusProjection(store), options),
    startProjection(store, revenuePerHourProjection(store), options),
  ];
}

/** Orders per status as the analytics read model has them. */
export function ordersByStatus(store: SqliteEventStore): Record<string, number> {
  const rows = store.db
    .prepare<[], { status: string; orders: number }>('SELECT status, orders FROM analytics_status_counts')
    .all();
  return Object.fromEntries(rows.map((row) => [row.status, row.orders]));
}

/** Revenue per hour as the analytics read model has it, oldest hour first. */
export function revenuePerHour(
  store: SqliteEventStore,
): { hour: string; revenueCents: number; orders: number }[] {
  return store.db
    .prepare<[], { hour: string; revenueCents: number; orders: number }>(
      'SELECT hour, revenue_cents AS revenueCents, orders FROM analytics_revenue_per_hour ORDER BY hour',
    )
    .all();
}
