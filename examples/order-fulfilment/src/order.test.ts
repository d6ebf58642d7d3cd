import { DeciderSpecification } from '@tributary/core';
import { describe, it } from 'vitest';
import { OrderCancelled, OrderCompleted, OrderCreated } from './events.js';
import { type NewOrder, Order, OrderRuleError } from './services/order.js';

const order: NewOrder = {
  orderId: 'o-1',
  customerId: 'c-1',
  items: [{ sku: 'MUG-02', quantity: 2, unitPriceCents: 899 }],
  totalCents: 1798,
  address: { country: 'DE', city: 'Berlin' },
};
const created = OrderCreated.create(order);
const completed = OrderCompleted.create({ orderId: 'o-1', totalCents: 1798 });
const cancelled = OrderCancelled.create({ orderId: 'o-1', totalCents: 1798, reason: 'payment failed' });
const spec = DeciderSpecification.for(Order);

describe('the Order aggregate', () => {
  it('creates a new order', () => {
    spec.given([]).when({ type: 'place', order }).then({ type: 'order.created', data: order });
  });

  it('ignores placing an order that exists (a retried checkout)', () => {
    spec.given([created]).when({ type: 'place', order }).thenNothing();
  });

  it('completes a pending order with its total', () => {
    spec
      .given([created])
      .when({ type: 'complete' })
      .then({
        type: 'order.completed',
        data: { orderId: 'o-1', totalCents: 1798 },
      });
  });

  it('cancels a pending order with the reason', () => {
    spec
      .given([created])
      .when({ type: 'cancel', reason: 'out of stock' })
      .then({
        type: 'order.cancelled',
        data: { orderId: 'o-1', totalCents: 1798, reason: 'out of stock' },
      });
  });

  it('treats a repeated completion or cancellation as done', () => {
    spec.given([created, completed]).when({ type: 'complete' }).thenNothing();
    spec.given([created, cancelled]).when({ type: 'cancel', reason: 'again' }).thenNothing();
  });

  it('refuses to complete a cancelled order, to cancel a completed one, or to end an unknown one', () => {
    spec.given([created, cancelled]).when({ type: 'complete' }).thenThrows(OrderRuleError);
    spec.given([created, completed]).when({ type: 'cancel', reason: 'late' }).thenThrows(OrderRuleError);
    spec.given([]).when({ type: 'complete' }).thenThrows(OrderRuleError);
  });
});
