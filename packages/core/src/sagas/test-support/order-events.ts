// Events of a small order-fulfilment flow for saga tests: commands on `commands`, replies on
// `replies`, the order's own events on `orders`.
import { z } from 'zod';
import { defineEvent } from '../../events/define-event.js';

const order = z.object({ orderId: z.string() });
const attempt = z.object({ orderId: z.string(), attempt: z.number().int().optional() });

export const OrderCreated = defineEvent('order.created', {
  version: 1,
  schema: z.object({ orderId: z.string(), amount: z.number() }),
  topic: 'orders',
});
export const OrderCompleted = defineEvent('order.completed', { version: 1, schema: order, topic: 'orders' });
export const OrderCancelled = defineEvent('order.cancelled', { version: 1, schema: order, topic: 'orders' });

/** The three steps: payment, inventory, shipping, each with a command, replies and an undo. */
export const ProcessPayment = defineEvent('payment.process', {
  version: 1,
  schema: z.object({ orderId: z.string(), amount: z.number() }),
  topic: 'commands',
});
export const PaymentProcessed = defineEvent('payment.processed', {
  version: 1,
  schema: z.object({ orderId: z.string(), paymentId: z.string() }),
  topic: 'replies',
});
export const PaymentFailed = defineEvent('payment.failed', { version: 1, schema: order, topic: 'replies' });
export const RefundPayment = defineEvent('payment.refund', {
  version: 1,
  schema: z.object({ orderId: z.string(), paymentId: z.string(), attempt: z.number().int() }),
  topic: 'commands',
});
export const PaymentRefunded = defineEvent('payment.refunded', {
  version: 1,
  schema: order,
  topic: 'replies',
});

export const ReserveStock = defineEvent('stock.reserve', { version: 1, schema: order, topic: 'commands' });
export const StockReserved = defineEvent('stock.reserved', { version: 1, schema: order, topic: 'replies' });
export const StockFailed = defineEvent('stock.failed', { version: 1, schema: order, topic: 'replies' });
export const ReleaseStock = defineEvent('stock.release', { version: 1, schema: attempt, topic: 'commands' });
export const StockReleased = defineEvent('stock.released', { version: 1, schema: order, topic: 'replies' });

export const ShipOrder = defineEvent('shipping.ship', { version: 1, schema: order, topic: 'commands' });
export const OrderShipped = defineEvent('shipping.shipped', { version: 1, schema: order, topic: 'replies' });
export const ShippingFailed = defineEvent('shipping.failed', { version: 1, schema: order, topic: 'replies' });
