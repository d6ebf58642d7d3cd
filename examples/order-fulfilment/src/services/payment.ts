// Payment service: charges and refunds through the gateway, idempotently. Its table `payments`
// holds one row per order; a row and the event announcing it commit together.
import type { Subscription } from '@tributary/core';
import type { SqliteEventStore, SqliteTx } from '@tributary/sqlite';
import {
  PaymentFailed,
  PaymentProcessed,
  PaymentRefunded,
  ProcessPayment,
  RefundPayment,
} from '../events.js';
import type { PaymentGateway } from './payment-gateway.js';
import { commitChange, createTables, type ServiceEnv, subscribeService } from './service-kit.js';

/**
 * `captured` (charged), `declined`, `refunded` (charged then refunded), `voided` (a refund came
 * first or for a declined charge: nothing was or will be charged).
 */
export type PaymentStatus = 'captured' | 'declined' | 'refunded' | 'voided';

export interface PaymentRow {
  readonly order_id: string;
  readonly payment_id: string | null;
  readonly amount_cents: number;
  readonly status: PaymentStatus;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS payments (
  order_id TEXT PRIMARY KEY,
  payment_id TEXT,
  amount_cents INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('captured', 'declined', 'refunded', 'voided'))
)`;

const SELECT = 'SELECT order_id, payment_id, amount_cents, status FROM payments WHERE order_id = ?';
const streamOf = (orderId: string) => `payment-${orderId}`;

/** Starts the payment service (consumer group `payment-service`). */
export async function startPaymentService(env: ServiceEnv, gateway: PaymentGateway): Promise<Subscription> {
  await createTables(env.store, SCHEMA);
  return subscribeService(env, 'payment-service', [ProcessPayment, RefundPayment], async (command) => {
    const { orderId } = command.data;
    if (command.type === 'payment.process') {
      // Handled before (a re-delivery, or a refund got here first): its outcome was announced then.
      if (paymentOf(env.store, orderId) !== undefined) return;
      // Outside the transaction: a remote call must not hold the store's write lock. A
      // GatewayUnavailableError propagates and the subscription retries the command.
      const result = await gateway.charge(orderId, command.data.amountCents);
      await commitChange(env.store, (db) => {
        if (rowOf(db, orderId) !== undefined) return undefined;
        const causedBy = { causedBy: command };
        if (!result.approved) {
          db.run(
            'INSERT INTO payments VALUES (?, NULL, ?, ?)',
            orderId,
            command.data.amountCents,
            'declined',
          );
          return {
            stream: streamOf(orderId),
            events: [PaymentFailed.create({ orderId, reason: result.reason }, causedBy)],
          };
        }
        const { paymentId } = result;
        db.run(
          'INSERT INTO payments VALUES (?, ?, ?, ?)',
          orderId,
          paymentId,
          command.data.amountCents,
          'captured',
        );
        const data = { orderId, paymentId, amountCents: command.data.amountCents };
        return { stream: streamOf(orderId), events: [PaymentProcessed.create(data, causedBy)] };
      });
      return;
    }
    await commitChange(env.store, (db) => {
      const row = rowOf(db, orderId);
      if (row?.status === 'refunded' || row?.status === 'voided') return undefined; // refunded before
      const refunded = row?.status === 'captured' ? row.amount_cents : 0;
      if (row === undefined) db.run('INSERT INTO payments VALUES (?, NULL, 0, ?)', orderId, 'voided');
      else
        db.run(
          'UPDATE payments SET status = ? WHERE order_id = ?',
          refunded > 0 ? 'refunded' : 'voided',
          orderId,
        );
      const event = PaymentRefunded.create({ orderId, amountCents: refunded }, { causedBy: command });
      return { stream: streamOf(orderId), events: [event] };
    });
  });
}

function rowOf(db: SqliteTx, orderId: string): PaymentRow | undefined {
  return db.get<PaymentRow>(SELECT, orderId);
}

/** The payment row of an order, read from committed data. */
export function paymentOf(store: SqliteEventStore, orderId: string): PaymentRow | undefined {
  return store.db.prepare<[string], PaymentRow>(SELECT).get(orderId);
}

/** Every payment row (for the consistency check). */
export function allPayments(store: SqliteEventStore): PaymentRow[] {
  return store.db
    .prepare<[], PaymentRow>('SELECT order_id, payment_id, amount_cents, status FROM payments')
    .all();
}
