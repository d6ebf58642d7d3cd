// The example aggregate of the tests: an order that is placed, gets items, is paid and shipped.
import { z } from 'zod';
import { defineEvent } from '../../events/define-event.js';
import type { EventOf } from '../../events/types.js';
import { defineAggregate } from '../define-aggregate.js';
import type { AggregateOptions, Decider } from '../types.js';

export const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  source: 'orders',
  schema: z.object({ orderId: z.string(), customerId: z.string() }),
});
/** Version 2 added `quantity`; version 1 events are upcast with quantity 1. */
export const ItemAdded = defineEvent('order.item-added', {
  version: 2,
  source: 'orders',
  schema: z.object({ sku: z.string(), quantity: z.number().int().positive(), price: z.number() }),
});
export const ItemAddedV1 = defineEvent('order.item-added', {
  version: 1,
  source: 'orders',
  schema: z.object({ sku: z.string(), price: z.number() }),
});
export const OrderPaid = defineEvent('order.paid', {
  version: 1,
  source: 'orders',
  schema: z.object({ amount: z.number() }),
});
export const OrderShipped = defineEvent('order.shipped', {
  version: 1,
  source: 'orders',
  schema: z.object({ carrier: z.string() }),
});

export type OrderEvent =
  | EventOf<typeof OrderPlaced>
  | EventOf<typeof ItemAdded>
  | EventOf<typeof OrderPaid>
  | EventOf<typeof OrderShipped>;

export type OrderCommand =
  | { readonly type: 'place'; readonly orderId: string; readonly customerId: string }
  | { readonly type: 'add-item'; readonly sku: string; readonly quantity: number; readonly price: number }
  | { readonly type: 'pay' }
  | { readonly type: 'ship'; readonly carrier: string };

export interface OrderState {
  readonly status: 'new' | 'placed' | 'paid' | 'shipped';
  readonly customerId?: string;
  readonly items: readonly { readonly sku: string; readonly quantity: number; readonly price: number }[];
  readonly total: number;
}

/** A rule of the order was broken (the domain error of the tests). */
export class OrderError extends Error {
  override readonly name = 'OrderError';
}

/** Shipping before paying. */
export class OrderNotPaid extends OrderError {}

export const orderDecider: Decider<OrderCommand, OrderState, OrderEvent> = {
  initialState: () => ({ status: 'new', items: [], total: 0 }),

  decide(command, state) {
    switch (command.type) {
      case 'place':
        if (state.status !== 'new') throw new OrderError('The order is already placed.');
        return OrderPlaced.create({ orderId: command.orderId, customerId: command.customerId });
      case 'add-item':
        if (state.status !== 'placed') throw new OrderError(`Cannot add items to a ${state.status} order.`);
        return [ItemAdded.create({ sku: command.sku, quantity: command.quantity, price: command.price })];
      case 'pay':
        if (state.status !== 'placed') throw new OrderError(`Cannot pay a ${state.status} order.`);
        return [OrderPaid.create({ amount: state.total })];
      case 'ship':
        if (state.status === 'shipped') return [];
        if (state.status !== 'paid') throw new OrderNotPaid('The order is not paid yet.');
        return [OrderShipped.create({ carrier: command.carrier })];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'order.placed':
        return { ...state, status: 'placed', customerId: event.data.customerId };
      case 'order.item-added':
        return {
          ...state,
          items: [...state.items, event.data],
          total: state.total + event.data.quantity * event.data.price,
        };
      case 'order.paid':
        return { ...state, status: 'paid' };
      case 'order.shipped':
        return { ...state, status: 'shipped' };
      default:
        return state;
    }
  },
};

/** The order aggregate, with extra options (snapshots) for a test. */
export function orderAggregate(
  options: Partial<Omit<AggregateOptions<OrderCommand, OrderState, OrderEvent>, 'decider'>> = {},
) {
  return defineAggregate({ category: 'order', decider: orderDecider, schemaVersion: 'v1', ...options });
}
