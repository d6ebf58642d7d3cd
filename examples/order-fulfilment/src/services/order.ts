// Order service: the event-sourced Order aggregate. Its events are appended to the store and
// published through the outbox; it accepts new orders (placeOrder, the shop's API) and the saga's
// `order.complete` / `order.cancel` commands.
import {
  type CloudEvent,
  type DataOf,
  defineAggregate,
  handleCommand,
  PermanentError,
  type Subscription,
} from '@tributary/core';
import type { SqliteEventStore } from '@tributary/sqlite';
import { CancelOrder, CompleteOrder, OrderCancelled, OrderCompleted, OrderCreated } from '../events.js';
import { type ServiceEnv, subscribeService } from './service-kit.js';

export type OrderStatus = 'new' | 'pending' | 'completed' | 'cancelled';

/** The Order aggregate's state, folded from its events. */
export interface OrderState {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly totalCents: number;
}

/** What an order is placed with: `order.created`'s data. */
export type NewOrder = DataOf<typeof OrderCreated>;

export type OrderCommand =
  | { readonly type: 'place'; readonly order: NewOrder }
  | { readonly type: 'complete' }
  | { readonly type: 'cancel'; readonly reason: string };

/** A command the order's state does not allow: a bug upstream, so retrying cannot help. */
export class OrderRuleError extends PermanentError {
  override readonly name = 'OrderRuleError';
}

function decide(command: OrderCommand, state: OrderState): CloudEvent[] {
  switch (command.type) {
    case 'place': {
      if (state.status !== 'new') return []; // placing the same order again is a no-op
      const { order } = command;
      // The order id is the flow's correlation id: every command and fact of this order carries it.
      const ids = { subject: order.orderId, correlationid: order.orderId, partitionkey: order.orderId };
      return [OrderCreated.create(order, ids)];
    }
    case 'complete':
      if (state.status === 'completed') return [];
      if (state.status !== 'pending') throw new OrderRuleError(`Cannot complete a ${state.status} order.`);
      return [OrderCompleted.create({ orderId: state.orderId, totalCents: state.totalCents })];
    case 'cancel':
      if (state.status === 'cancelled') return [];
      if (state.status !== 'pending') throw new OrderRuleError(`Cannot cancel a ${state.status} order.`);
      return [
        OrderCancelled.create({
          orderId: state.orderId,
          totalCents: state.totalCents,
          reason: command.reason,
        }),
      ];
  }
}

function evolve(state: OrderState, event: CloudEvent): OrderState {
  if (OrderCreated.is(event))
    return { orderId: event.data.orderId, status: 'pending', totalCents: event.data.totalCents };
  if (OrderCompleted.is(event)) return { ...state, status: 'completed' };
  if (OrderCancelled.is(event)) return { ...state, status: 'cancelled' };
  return state;
}

/** The Order aggregate: stream `order-<orderId>`. */
export const Order = defineAggregate({
  category: 'order',
  schemaVersion: 'v1',
  decider: {
    decide,
    evolve,
    initialState: (): OrderState => ({ orderId: '', status: 'new', totalCents: 0 }),
  },
});

/** Places an order (the shop's checkout): appends `order.created`, which starts the saga. */
export async function placeOrder(store: SqliteEventStore, order: NewOrder): Promise<void> {
  await handleCommand(store, Order, order.orderId, { type: 'place', order }, { retryOnConflict: 3 });
}

/** Starts the order service's consumer of the saga's commands. */
export function startOrderService(env: ServiceEnv): Promise<Subscription> {
  return subscribeService(env, 'order-service', [CompleteOrder, CancelOrder], async (command) => {
    const decision: OrderCommand =
      command.type === 'order.complete'
        ? { type: 'complete' }
        : { type: 'cancel', reason: command.data.reason };
    await handleCommand(env.store, Order, command.data.orderId, decision, {
      causedBy: command,
      retryOnConflict: 3,
    });
  });
}
