// Reads everything the consistency check compares, from where each service keeps it: the Order
// aggregates (event store), the services' tables, the analytics read models, the log's topics and
// the audit log. Plain data out, so the check itself is a pure function.
import { type Bus, fromLogRecord, loadAggregate } from '@tributary/core';
import type { SqliteEventStore } from '@tributary/sqlite';
import { ALL_TOPICS, OrderCreated } from './events.js';
import { ordersByStatus, revenuePerHour } from './services/analytics.js';
import { readAuditLog } from './services/audit.js';
import { allReservations, allStock, type ReservationRow, type StockRow } from './services/inventory.js';
import { allNotifications, type NotificationRow } from './services/notification.js';
import { Order, type OrderState } from './services/order.js';
import { allPayments, type PaymentRow } from './services/payment.js';
import { allShipments, type ShipmentRow } from './services/shipping.js';

/** Everything the consistency check looks at. */
export interface SystemState {
  /** Every order in the store, by id, as its aggregate's state. */
  readonly orders: ReadonlyMap<string, OrderState>;
  readonly payments: readonly PaymentRow[];
  readonly reservations: readonly ReservationRow[];
  readonly stock: readonly StockRow[];
  readonly shipments: readonly ShipmentRow[];
  readonly notifications: readonly NotificationRow[];
  readonly analytics: {
    /** Orders per status, from the `orders-by-status` read model. */
    readonly byStatus: Readonly<Record<string, number>>;
    /** Total of the `revenue-per-hour` read model. */
    readonly revenueCents: number;
    readonly revenueOrders: number;
  };
  /** Ids of the events on the system's topics, by topic. */
  readonly published: ReadonlyMap<string, readonly string[]>;
  /** Ids of the events in the audit log. */
  readonly audited: ReadonlySet<string>;
  /** Outbox entries not yet published. */
  readonly outboxPending: number;
}

/** Reads the {@link SystemState} of a (quiet) system. */
export async function readSystemState(
  bus: Bus,
  store: SqliteEventStore,
  auditPath: string,
): Promise<SystemState> {
  const revenue = revenuePerHour(store);
  return {
    orders: await loadOrders(store),
    payments: allPayments(store),
    reservations: allReservations(store),
    stock: allStock(store),
    shipments: allShipments(store),
    notifications: allNotifications(store),
    analytics: {
      byStatus: ordersByStatus(store),
      revenueCents: revenue.reduce((sum, hour) => sum + hour.revenueCents, 0),
      revenueOrders: revenue.reduce((sum, hour) => sum + hour.orders, 0),
    },
    published: await publishedEventIds(bus),
    audited: new Set((await readAuditLog(auditPath)).map((entry) => entry.id)),
    outboxPending: await store.outbox.countPending(),
  };
}

/** Every order of the store (found by its `order.created`), loaded as its aggregate. */
async function loadOrders(store: SqliteEventStore): Promise<Map<string, OrderState>> {
  const orders = new Map<string, OrderState>();
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, types: [OrderCreated.type], maxCount: 1000 });
    if (page.length === 0) break;
    for (const recorded of page) {
      if (!OrderCreated.is(recorded.event)) continue;
      const { orderId } = recorded.event.data;
      orders.set(orderId, (await loadAggregate(store, Order, orderId)).state);
    }
    after = page[page.length - 1]?.position ?? after;
  }
  return orders;
}

/** The ids of every event on the system's topics, read back from the log. */
export async function publishedEventIds(bus: Bus): Promise<Map<string, string[]>> {
  const byTopic = new Map<string, string[]>();
  for (const topic of ALL_TOPICS) {
    const ids: string[] = [];
    const { partitions } = await bus.log.describeTopic(topic);
    for (const { partition, earliestOffset } of partitions) {
      const end = await bus.log.latestOffset(topic, partition);
      let offset = earliestOffset;
      while (offset < end) {
        const fetched = await bus.log.fetch(topic, partition, offset, { maxRecords: 1000 });
        for (const record of fetched.records) ids.push(fromLogRecord(record).id);
        if (fetched.nextOffset <= offset) break;
        offset = fetched.nextOffset;
      }
    }
    byTopic.set(topic, ids);
  }
  return byTopic;
}

/** How many events the system's topics hold in total (cheap: offsets only). */
export async function countPublishedEvents(bus: Bus): Promise<number> {
  let total = 0n;
  for (const topic of ALL_TOPICS) {
    const { partitions } = await bus.log.describeTopic(topic);
    for (const { partition, earliestOffset } of partitions)
      total += (await bus.log.latestOffset(topic, partition)) - earliestOffset;
  }
  return Number(total);
}
