import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.js';
import { SagaDeadline } from './record.js';
import {
  OrderCancelled,
  OrderCreated,
  PaymentProcessed,
  ProcessPayment,
  RefundPayment,
  ReserveStock,
} from './test-support/order-events.js';
import { orderSaga, sagaHarness } from './test-support/order-saga.js';

describe('saga deadlines', () => {
  it('compensates the completed steps when the saga deadline passes', async () => {
    const h = await sagaHarness(orderSaga({ deadlineMs: 300 }), { [ReserveStock.type]: () => 'silent' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(done.failure).toBe('the saga did not complete within 300 ms (step "inventory" in flight)');
    expect(done).toMatchObject({
      completedSteps: ['payment'],
      compensatedSteps: ['payment'],
      pendingDeadlines: [],
    });
    expect(done.history.map((e) => e.transition)).toContain('deadline passed; compensating payment');
    expect(h.commandTypes('o-1')).toEqual([ProcessPayment.type, ReserveStock.type, RefundPayment.type]);
    expect((await h.published('orders')).map((e) => e.type)).toEqual([
      OrderCreated.type,
      OrderCancelled.type,
    ]);
  });

  it('fails a step that does not complete within its timeout', async () => {
    const saga = orderSaga({}, (s) => (s.name === 'inventory' ? { ...s, timeoutMs: 200 } : s));
    const h = await sagaHarness(saga, { [ReserveStock.type]: () => 'silent' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(done.failure).toBe('step "inventory" timed out after 200 ms');
    expect(done.history.map((e) => e.transition)).toContain('inventory timed out; compensating payment');
    expect(done.compensatedSteps).toEqual(['payment']);
  });

  it('compensates a step that completes late, after its timeout', async () => {
    const saga = orderSaga({}, (s) => (s.name === 'payment' ? { ...s, timeoutMs: 150 } : s));
    const h = await sagaHarness(saga, { [ProcessPayment.type]: () => 'silent' });
    await h.start('o-1');
    const failed = await h.until('o-1', 'compensated');
    expect(failed).toMatchObject({ completedSteps: [], failure: 'step "payment" timed out after 150 ms' });
    // The payment went through after all: it must be refunded.
    await h.bus.publish(
      PaymentProcessed.create({ orderId: 'o-1', paymentId: 'late-pay' }, { correlationid: 'o-1' }),
      { topic: 'replies' },
    );
    await waitFor(async () => (await h.sagas.get('o-1'))?.compensatedSteps.includes('payment'));
    const done = await h.until('o-1', 'compensated');
    expect(done.history.map((e) => e.transition).slice(-2)).toEqual([
      'payment completed late; compensating payment',
      'payment compensated; compensation finished',
    ]);
    const refund = h.services.commands.find((c) => RefundPayment.is(c));
    expect(refund?.data).toMatchObject({ paymentId: 'late-pay' });
    // onCompensated went out once only.
    expect((await h.published('orders')).filter((e) => OrderCancelled.is(e))).toHaveLength(1);
  });

  it('cancels its pending timers when it completes: none fires later', async () => {
    const saga = orderSaga({ deadlineMs: 400 }, (s) => ({ ...s, timeoutMs: 300 }));
    const h = await sagaHarness(saga);
    await h.start('o-1');
    const done = await h.until('o-1', 'completed');
    expect(done.pendingDeadlines).toEqual([]);
    await waitFor(async () => (await h.bus.scheduled()).length === 0, { timeoutMs: 2000 });
    const { timersScheduled, timersCancelled } = h.sagas.status();
    expect(timersScheduled).toBeGreaterThan(0);
    expect(timersCancelled).toBe(timersScheduled);
    // Past the time the saga deadline was due: no deadline was ever delivered.
    const due = Date.parse(done.history[0]?.at ?? '') + 400;
    await waitFor(() => Date.now() > due + 100, { timeoutMs: 2000 });
    expect((await h.published('order_saga.deadlines')).filter((e) => SagaDeadline.is(e))).toEqual([]);
    expect((await h.sagas.get('o-1'))?.history).toHaveLength(done.history.length);
  });
});
