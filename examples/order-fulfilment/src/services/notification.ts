// Notification service: tells the customer how their order ended. Sending is simulated by a row in
// `notifications` (one per order and kind, so a re-delivered event sends nothing twice).
import type { Subscription } from '@tributary/core';
import type { SqliteEventStore } from '@tributary/sqlite';
import { OrderCancelled, OrderCompleted } from '../events.js';
import { createTables, type ServiceEnv } from './service-kit.js';

export interface NotificationRow {
  readonly order_id: string;
  readonly kind: 'completed' | 'cancelled';
  readonly message: string;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS notifications (
  order_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('completed', 'cancelled')),
  message TEXT NOT NULL,
  PRIMARY KEY (order_id, kind)
)`;

/** Starts the notification service (consumer group `notification-service`). */
export async function startNotificationService(env: ServiceEnv): Promise<Subscription> {
  await createTables(env.store, SCHEMA);
  return env.bus.subscribe({
    group: 'notification-service',
    events: [OrderCompleted, OrderCancelled],
    from: 'earliest',
    dedupe: env.dedupe,
    retry: env.retry,
    metrics: env.metrics,
    commitIntervalMs: 200,
    // A batch at a time, in one transaction: sending is cheap, a commit per event is not.
    batchHandler: async (events) => {
      await env.store.transaction(async (tx) => {
        for (const event of events) {
          const { orderId } = event.data;
          const [kind, message] =
            event.type === 'order.completed'
              ? (['completed', `Your order ${orderId} is on its way.`] as const)
              : ([
                  'cancelled',
                  `Your order ${orderId} was cancelled (${event.data.reason}); any payment has been refunded.`,
                ] as const);
          tx.db.run('INSERT OR IGNORE INTO notifications VALUES (?, ?, ?)', orderId, kind, message);
        }
      });
    },
  });
}

/** Every notification sent (for the consistency check). */
export function allNotifications(store: SqliteEventStore): NotificationRow[] {
  return store.db.prepare<[], NotificationRow>('SELECT order_id, kind, message FROM notifications').all();
}
