import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.js';
import {
  OrderCancelled,
  OrderCompleted,
  OrderCreated,
  PaymentProcessed,
  ProcessPayment,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  ShipOrder,
} from './test-support/order-events.js';
import { orderSaga, sagaHarness } from './test-support/order-saga.js';

describe('a step saga', () => {
  it('runs its three steps in order and completes, publishing onCompleted', async () => {
    const h = await sagaHarness();
    await h.start('o-1', 42);
    const done = await h.until('o-1', 'completed');
    expect(h.commandTypes('o-1')).toEqual([ProcessPayment.type, ReserveStock.type, ShipOrder.type]);
    expect(done).toMatchObject({
      id: 'o-1',
      saga: 'order_saga',
      status: 'completed',
      completedSteps: ['payment', 'inventory', 'shipping'],
      compensatedSteps: [],
      data: { orderId: 'o-1', amount: 42, paymentId: 'pay-o-1' },
      pendingDeadlines: [],
      compensationFailures: 0,
    });
    expect(done.currentStep).toBeUndefined();
    expect(done.history.map((e) => e.transition)).toEqual([
      'started; payment invoked',
      'payment completed; inventory invoked',
      'inventory completed; shipping invoked',
      'shipping completed; saga completed',
    ]);
    const orders = await h.published('orders');
    expect(orders.map((e) => e.type)).toEqual([OrderCreated.type, OrderCompleted.type]);
    // Every command carries the flow's correlation and its cause.
    const [payment] = h.services.commands;
    expect(payment).toMatchObject({ correlationid: 'o-1', causationid: orders[0]?.id });
  });

  it('fails at step 1: nothing to compensate, only onCompensated is published', async () => {
    const h = await sagaHarness(undefined, { [ProcessPayment.type]: () => 'fail' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(h.commandTypes('o-1')).toEqual([ProcessPayment.type]);
    expect(done).toMatchObject({
      completedSteps: [],
      compensatedSteps: [],
      failure: 'step "payment" failed (payment.failed)',
    });
    expect(done.history.at(-1)?.transition).toBe('payment failed; compensation finished');
    expect((await h.published('orders')).map((e) => e.type)).toEqual([
      OrderCreated.type,
      OrderCancelled.type,
    ]);
  });

  it('fails at step 2: compensates step 1', async () => {
    const h = await sagaHarness(undefined, { [ReserveStock.type]: () => 'fail' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(h.commandTypes('o-1')).toEqual([ProcessPayment.type, ReserveStock.type, RefundPayment.type]);
    expect(done).toMatchObject({ completedSteps: ['payment'], compensatedSteps: ['payment'] });
    // The refund used the payment id collected from payment.processed.
    const refund = h.services.commands.find((c) => RefundPayment.is(c));
    expect(refund?.data).toEqual({ orderId: 'o-1', paymentId: 'pay-o-1', attempt: 1 });
    expect((await h.published('orders')).map((e) => e.type)).toEqual([
      OrderCreated.type,
      OrderCancelled.type,
    ]);
  });

  it('fails at step 3: compensates step 2, then step 1 (reverse order, each after the previous is confirmed)', async () => {
    const h = await sagaHarness(undefined, { [ShipOrder.type]: () => 'fail' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(h.commandTypes('o-1')).toEqual([
      ProcessPayment.type,
      ReserveStock.type,
      ShipOrder.type,
      ReleaseStock.type,
      RefundPayment.type,
    ]);
    expect(done).toMatchObject({
      completedSteps: ['payment', 'inventory'],
      compensatedSteps: ['inventory', 'payment'],
      failure: 'step "shipping" failed (shipping.failed)',
    });
    expect(done.history.slice(3).map((e) => e.transition)).toEqual([
      'shipping failed; compensating inventory',
      'inventory compensated; compensating payment',
      'payment compensated; compensation finished',
    ]);
  });

  it('can be queried while running: status, current step, history and pending deadlines', async () => {
    const saga = orderSaga({ deadlineMs: 60_000 }, (s) =>
      s.name === 'inventory' ? { ...s, timeoutMs: 30_000 } : s,
    );
    const h = await sagaHarness(saga, { [ReserveStock.type]: () => 'silent' });
    const before = Date.now();
    await h.start('o-1');
    await waitFor(async () => (await h.sagas.get('o-1'))?.currentStep === 'inventory');
    const view = await h.sagas.get('o-1');
    expect(view).toMatchObject({ status: 'running', currentStep: 'inventory', completedSteps: ['payment'] });
    expect(view?.history.map((e) => [e.event, e.transition])).toEqual([
      [OrderCreated.type, 'started; payment invoked'],
      [PaymentProcessed.type, 'payment completed; inventory invoked'],
    ]);
    const deadlines = view?.pendingDeadlines ?? [];
    expect(deadlines.map((d) => d.name).sort()).toEqual(['saga', 'step:inventory']);
    const sagaDeadline = Date.parse(deadlines.find((d) => d.name === 'saga')?.at ?? '');
    expect(sagaDeadline).toBeGreaterThanOrEqual(before + 60_000);
    expect(sagaDeadline).toBeLessThan(Date.now() + 60_000);
    // Their durable timers exist on the bus.
    await waitFor(async () => (await h.bus.scheduled({ topic: 'order_saga.deadlines' })).length === 2);
    const timers = await h.bus.scheduled({ topic: 'order_saga.deadlines' });
    expect(timers.map((t) => t.deliverAt.toISOString()).sort()).toEqual(deadlines.map((d) => d.at).sort());
    expect(await h.sagas.get('o-2')).toBeUndefined();
    const running = [];
    for await (const instance of h.sagas.list({ status: 'running' })) running.push(instance.id);
    expect(running).toEqual(['o-1']);
  });
});
