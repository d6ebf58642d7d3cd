// The OrderSaga: orchestrates payment, inventory and shipping for every order, and undoes what
// already happened when a step fails or the deadline passes.
//
//   order.created ─► payment.process ─► inventory.reserve ─► shipment.create ─► order.complete
//                    │ payment.failed    │ out-of-stock        │ shipment.failed
//                    ▼                   ▼                     ▼
//                    order.cancel  ◄─ payment.refund  ◄──── inventory.release
//
// Each step publishes a command and waits for the service's answer; compensations run in reverse
// order of the completed steps. The saga's state lives in the event store (one stream per order)
// and its commands leave through the outbox in the same transaction.
import { type CloudEvent, defineSaga, type Saga, type SagaContext } from '@tributary/core';
import {
  CancelOrder,
  CancelShipment,
  CompleteOrder,
  CreateShipment,
  InventoryOutOfStock,
  InventoryReleased,
  InventoryReserved,
  OrderCreated,
  type OrderLine,
  PaymentFailed,
  PaymentProcessed,
  PaymentRefunded,
  ProcessPayment,
  RefundPayment,
  ReleaseInventory,
  ReserveInventory,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentFailed,
  TOPICS,
} from './events.js';

/** The saga's name: also its consumer group and the stream prefix of its instances. */
export const ORDER_SAGA = 'fulfilment';

/** What the saga remembers of an order, folded from the events it sees. */
export interface OrderSagaData {
  readonly orderId: string;
  readonly customerId: string;
  readonly totalCents: number;
  readonly items: readonly OrderLine[];
  readonly address: { readonly country: string; readonly city: string };
  /** Why the order failed, from the failing step's event. */
  readonly failure?: string;
}

/** The instance's first data: the order, from its `order.created`. */
function initialData(event: CloudEvent): OrderSagaData {
  const { orderId, customerId, totalCents, items, address } = OrderCreated.parse(event).data;
  return { orderId, customerId, totalCents, items, address };
}

/** Folds why the order failed into the data, from the failing step's event. */
function collect(data: OrderSagaData, event: CloudEvent): OrderSagaData {
  if (PaymentFailed.is(event)) return { ...data, failure: `payment failed: ${event.data.reason}` };
  if (InventoryOutOfStock.is(event))
    return { ...data, failure: `out of stock: ${event.data.skus.join(', ')}` };
  if (ShipmentFailed.is(event)) return { ...data, failure: `shipping failed: ${event.data.reason}` };
  return data;
}

/**
 * Every event of an order's flow names its order in `data.orderId`: that is the instance. (The
 * correlation id says the same for events the services derive from the saga's commands; the data
 * is checked by each event's schema.)
 */
function orderIdOf(event: CloudEvent): string | undefined {
  const { data } = event;
  if (typeof data !== 'object' || data === null || !('orderId' in data)) return undefined;
  return typeof data.orderId === 'string' ? data.orderId : undefined;
}

/** Options of a command the saga sends because of `event`: causation, and the order as correlation. */
const because = (ctx: SagaContext<OrderSagaData>) => ({
  causedBy: ctx.event,
  correlationid: ctx.data.orderId,
});
const stockLines = (data: OrderSagaData) => data.items.map(({ sku, quantity }) => ({ sku, quantity }));

/** The topics the saga consumes: the facts of every service. */
export const SAGA_TOPICS: readonly string[] = [
  TOPICS.orders,
  TOPICS.payments,
  TOPICS.inventory,
  TOPICS.shipping,
];

/** Options of {@link createOrderSaga}. */
export interface OrderSagaOptions {
  /** The whole saga must finish within this; after it, what ran is compensated. */
  readonly deadlineMs: number;
}

/** Defines the OrderSaga. */
export function createOrderSaga(options: OrderSagaOptions): Saga<OrderSagaData> {
  return defineSaga<OrderSagaData>({
    name: ORDER_SAGA,
    topics: SAGA_TOPICS,
    startedBy: OrderCreated,
    instanceId: orderIdOf,
    deadlineMs: options.deadlineMs,
    initialData,
    collect,
    steps: [
      {
        name: 'payment',
        invoke: (ctx) =>
          ProcessPayment.create(
            { orderId: ctx.data.orderId, customerId: ctx.data.customerId, amountCents: ctx.data.totalCents },
            because(ctx),
          ),
        completesOn: PaymentProcessed,
        failsOn: PaymentFailed,
        compensate: (ctx) => RefundPayment.create({ orderId: ctx.data.orderId }, because(ctx)),
        compensatedOn: PaymentRefunded,
      },
      {
        name: 'inventory',
        invoke: (ctx) =>
          ReserveInventory.create({ orderId: ctx.data.orderId, items: stockLines(ctx.data) }, because(ctx)),
        completesOn: InventoryReserved,
        failsOn: InventoryOutOfStock,
        compensate: (ctx) => ReleaseInventory.create({ orderId: ctx.data.orderId }, because(ctx)),
        compensatedOn: InventoryReleased,
      },
      {
        name: 'shipping',
        invoke: (ctx) =>
          CreateShipment.create(
            { orderId: ctx.data.orderId, address: ctx.data.address, items: stockLines(ctx.data) },
            because(ctx),
          ),
        completesOn: ShipmentCreated,
        failsOn: ShipmentFailed,
        // Only needed when the carrier answers after the deadline: the late shipment is cancelled.
        compensate: (ctx) => CancelShipment.create({ orderId: ctx.data.orderId }, because(ctx)),
        compensatedOn: ShipmentCancelled,
      },
    ],
    onCompleted: (ctx) => CompleteOrder.create({ orderId: ctx.data.orderId }, because(ctx)),
    onCompensated: (ctx) =>
      CancelOrder.create(
        { orderId: ctx.data.orderId, reason: ctx.data.failure ?? 'deadline passed' },
        because(ctx),
      ),
  });
}
