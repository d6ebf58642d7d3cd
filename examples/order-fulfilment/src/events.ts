// Every event and command of the system, defined once with its Zod schema and its topic.
// Facts (past tense: `order.created`) go to a service's topic; commands (imperative:
// `payment.process`) go to the `<service>-commands` topic the service consumes.
import { type AnyEventDefinition, defineEvent } from '@tributary/core';
import { z } from 'zod';

/** The topics of the system: one for each service's facts, one for the commands it accepts. */
export const TOPICS = {
  orders: 'orders',
  orderCommands: 'order-commands',
  payments: 'payments',
  paymentCommands: 'payment-commands',
  inventory: 'inventory',
  inventoryCommands: 'inventory-commands',
  shipping: 'shipping',
  shippingCommands: 'shipping-commands',
} as const;

/** Money is integer cents: sums of floats would not reconcile to the cent. */
const cents = z.number().int().positive();
const orderId = z.string().min(1).max(100);
const sku = z.string().min(1).max(50);

export const OrderLine = z.object({ sku, quantity: z.number().int().positive(), unitPriceCents: cents });
export type OrderLine = z.infer<typeof OrderLine>;
/** Units of one SKU: what inventory reserves and ships. */
export const StockLine = z.object({ sku, quantity: z.number().int().positive() });
export type StockLine = z.infer<typeof StockLine>;
export const Address = z.object({ country: z.string().length(2), city: z.string().min(1) });

// Order service: facts about the Order aggregate (published through the outbox) and its commands.

export const OrderCreated = defineEvent('order.created', {
  version: 1,
  topic: TOPICS.orders,
  source: 'order-service',
  schema: z.object({
    orderId,
    customerId: z.string().min(1),
    items: z.array(OrderLine).min(1),
    totalCents: cents,
    address: Address,
  }),
});
export const OrderCompleted = defineEvent('order.completed', {
  version: 1,
  topic: TOPICS.orders,
  source: 'order-service',
  schema: z.object({ orderId, totalCents: cents }),
});
export const OrderCancelled = defineEvent('order.cancelled', {
  version: 1,
  topic: TOPICS.orders,
  source: 'order-service',
  schema: z.object({ orderId, totalCents: cents, reason: z.string() }),
});
export const CompleteOrder = defineEvent('order.complete', {
  version: 1,
  topic: TOPICS.orderCommands,
  source: 'order-saga',
  schema: z.object({ orderId }),
});
export const CancelOrder = defineEvent('order.cancel', {
  version: 1,
  topic: TOPICS.orderCommands,
  source: 'order-saga',
  schema: z.object({ orderId, reason: z.string() }),
});

// Payment service.

export const ProcessPayment = defineEvent('payment.process', {
  version: 1,
  topic: TOPICS.paymentCommands,
  source: 'order-saga',
  schema: z.object({ orderId, customerId: z.string().min(1), amountCents: cents }),
});
export const PaymentProcessed = defineEvent('payment.processed', {
  version: 1,
  topic: TOPICS.payments,
  source: 'payment-service',
  schema: z.object({ orderId, paymentId: z.string(), amountCents: cents }),
});
export const PaymentFailed = defineEvent('payment.failed', {
  version: 1,
  topic: TOPICS.payments,
  source: 'payment-service',
  schema: z.object({ orderId, reason: z.string() }),
});
export const RefundPayment = defineEvent('payment.refund', {
  version: 1,
  topic: TOPICS.paymentCommands,
  source: 'order-saga',
  schema: z.object({ orderId }),
});
export const PaymentRefunded = defineEvent('payment.refunded', {
  version: 1,
  topic: TOPICS.payments,
  source: 'payment-service',
  // 0 when there was nothing to refund (the refund overtook the charge, which is then refused).
  schema: z.object({ orderId, amountCents: z.number().int().nonnegative() }),
});

// Inventory service.

export const ReserveInventory = defineEvent('inventory.reserve', {
  version: 1,
  topic: TOPICS.inventoryCommands,
  source: 'order-saga',
  schema: z.object({ orderId, items: z.array(StockLine).min(1) }),
});
export const InventoryReserved = defineEvent('inventory.reserved', {
  version: 1,
  topic: TOPICS.inventory,
  source: 'inventory-service',
  schema: z.object({ orderId, items: z.array(StockLine).min(1) }),
});
export const InventoryOutOfStock = defineEvent('inventory.out-of-stock', {
  version: 1,
  topic: TOPICS.inventory,
  source: 'inventory-service',
  schema: z.object({ orderId, skus: z.array(sku).min(1) }),
});
export const ReleaseInventory = defineEvent('inventory.release', {
  version: 1,
  topic: TOPICS.inventoryCommands,
  source: 'order-saga',
  schema: z.object({ orderId }),
});
export const InventoryReleased = defineEvent('inventory.released', {
  version: 1,
  topic: TOPICS.inventory,
  source: 'inventory-service',
  schema: z.object({ orderId, items: z.array(StockLine) }),
});

// Shipping service.

export const CreateShipment = defineEvent('shipment.create', {
  version: 1,
  topic: TOPICS.shippingCommands,
  source: 'order-saga',
  schema: z.object({ orderId, address: Address, items: z.array(StockLine).min(1) }),
});
export const ShipmentCreated = defineEvent('shipment.created', {
  version: 1,
  topic: TOPICS.shipping,
  source: 'shipping-service',
  schema: z.object({ orderId, shipmentId: z.string(), carrier: z.string() }),
});
export const ShipmentFailed = defineEvent('shipment.failed', {
  version: 1,
  topic: TOPICS.shipping,
  source: 'shipping-service',
  schema: z.object({ orderId, reason: z.string() }),
});

export const CancelShipment = defineEvent('shipment.cancel', {
  version: 1,
  topic: TOPICS.shippingCommands,
  source: 'order-saga',
  schema: z.object({ orderId }),
});
export const ShipmentCancelled = defineEvent('shipment.cancelled', {
  version: 1,
  topic: TOPICS.shipping,
  source: 'shipping-service',
  schema: z.object({ orderId }),
});

/** Every event and command definition, for the outbox's topic routing and the audit. */
export const ALL_EVENTS: readonly AnyEventDefinition[] = [
  OrderCreated,
  OrderCompleted,
  OrderCancelled,
  CompleteOrder,
  CancelOrder,
  ProcessPayment,
  PaymentProcessed,
  PaymentFailed,
  RefundPayment,
  PaymentRefunded,
  ReserveInventory,
  InventoryReserved,
  InventoryOutOfStock,
  ReleaseInventory,
  InventoryReleased,
  CreateShipment,
  ShipmentCreated,
  ShipmentFailed,
  CancelShipment,
  ShipmentCancelled,
];

const topicByType = new Map(ALL_EVENTS.map((definition) => [definition.type, definition.topic]));

/**
 * The topic an event of this type is published to, or `undefined` for types that stay in the
 * store (a saga's own state events): the store's `outboxTopic` routing.
 */
export function topicOfType(type: string): string | undefined {
  return topicByType.get(type);
}

/** Every topic of the system, created up front with the same partition count. */
export const ALL_TOPICS: readonly string[] = Object.values(TOPICS);
