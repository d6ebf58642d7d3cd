import { describe, expect, it } from 'vitest';
import type { Bus } from '../bus/bus.js';
import { startOutboxRelay } from '../outbox/relay.js';
import {
  ProcessPayment,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  ShipOrder,
} from './test-support/order-events.js';
import { orderSaga, sagaHarness } from './test-support/order-saga.js';

describe('compensation retries', () => {
  it('re-publishes a compensation whose confirmation does not arrive, with a new id, counting each failure', async () => {
    // The payment service ignores the first two refunds: the saga must retry until one is confirmed.
    const h = await sagaHarness(orderSaga(), {
      [ShipOrder.type]: () => 'fail',
      [RefundPayment.type]: (n) => (n <= 2 ? 'silent' : 'ok'),
    });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    const refunds = h.services.commands.filter((c) => RefundPayment.is(c));
    expect(refunds.map((c) => RefundPayment.parse(c).data.attempt)).toEqual([1, 2, 3]);
    expect(new Set(refunds.map((c) => c.id)).size).toBe(3);
    // Re-published commands keep the flow's correlation (a deadline caused them).
    expect(refunds.map((c) => c.correlationid)).toEqual(['o-1', 'o-1', 'o-1']);
    expect(done).toMatchObject({
      status: 'compensated',
      compensatedSteps: ['inventory', 'payment'],
      compensationFailures: 2,
      pendingDeadlines: [],
    });
    const retries = done.history.filter((e) => e.transition.includes('not confirmed'));
    expect(retries.map((e) => e.event)).toEqual(['tributary.saga.deadline', 'tributary.saga.deadline']);
    expect(retries[0]?.transition).toMatch(
      /compensation of "payment" not confirmed within 150 ms \(attempt 1\)/,
    );
  });

  it('retries a compensate callback that throws, and makes the failure visible', async () => {
    let calls = 0;
    const saga = orderSaga({}, (step) =>
      step.name === 'inventory'
        ? {
            ...step,
            compensate: (ctx) => {
              calls += 1;
              if (calls === 1) throw new Error('warehouse API down');
              return ReleaseStock.create(
                { orderId: ctx.data.orderId, attempt: ctx.attempt },
                { causedBy: ctx.event },
              );
            },
          }
        : step,
    );
    const h = await sagaHarness(saga, { [ShipOrder.type]: () => 'fail' });
    await h.start('o-1');
    const done = await h.until('o-1', 'compensated');
    expect(done.compensationFailures).toBe(1);
    expect(done.history.map((e) => e.transition)).toContain(
      'shipping failed; compensating inventory; compensation of "inventory" failed (attempt 1): warehouse API down; retrying',
    );
    const releases = h.services.commands.filter((c) => ReleaseStock.is(c));
    expect(releases.map((c) => ReleaseStock.parse(c).data.attempt)).toEqual([2]);
    expect(done.compensatedSteps).toEqual(['inventory', 'payment']);
  });

  it('publishes a compensation whose publish fails for a while (the relay retries it), counting any re-publish', async () => {
    // The relay cannot publish for 400 ms from the moment shipping fails: longer than the 150 ms
    // the saga waits for a compensation's confirmation.
    let outageUntil = 0;
    const h = await sagaHarness(
      orderSaga(),
      {
        [ShipOrder.type]: () => {
          outageUntil = Date.now() + 400;
          return 'fail';
        },
      },
      { relay: false },
    );
    const flaky: Bus = new Proxy(h.bus, {
      get(target, property) {
        if (property === 'publishBatch')
          return (...args: Parameters<Bus['publishBatch']>) =>
            Date.now() < outageUntil
              ? Promise.reject(new Error('broker unavailable'))
              : target.publishBatch(...args);
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const errors: unknown[] = [];
    const relay = startOutboxRelay(h.store, flaky, {
      pollIntervalMs: 20,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
      onError: (e) => errors.push(e),
    });
    try {
      await h.start('o-1');
      const done = await h.until('o-1', 'compensated');
      expect(errors.length).toBeGreaterThan(0);
      expect(done.compensatedSteps).toEqual(['inventory', 'payment']);
      // Every attempt reached the services in the end; each one after the first was counted.
      const attempts = h.services.commands.flatMap((c) =>
        ReleaseStock.is(c) || RefundPayment.is(c) ? [Number((c.data as { attempt: number }).attempt)] : [],
      );
      expect(done.compensationFailures).toBe(attempts.filter((a) => a > 1).length);
      expect(h.commandTypes('o-1').slice(0, 4)).toEqual([
        ProcessPayment.type,
        ReserveStock.type,
        ShipOrder.type,
        ReleaseStock.type,
      ]);
    } finally {
      await relay.stop();
    }
  });
});
