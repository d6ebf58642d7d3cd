import { loadAggregate } from '@tributary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaultPlan } from './faults.js';
import { orderIds } from './load-generator.js';
import { type DemoResult, runDemo } from './run-demo.js';
import { Order } from './services/order.js';
import { paymentOf } from './services/payment.js';
import type { System } from './system.js';
import { captureOutput } from './test-support/output.js';

/** Where one order ended, in every service, read while the system still runs. */
interface Outcome {
  status: string;
  payment: string | undefined;
  reservation: string | undefined;
  shipment: string | undefined;
  saga:
    | { status: string; completedSteps: readonly string[]; compensatedSteps: readonly string[] }
    | undefined;
  chargeAttempts: number;
}

async function outcomeOf(system: System, orderId: string): Promise<Outcome> {
  const row = (sql: string) =>
    system.store.db.prepare<[string], { status: string }>(sql).get(orderId)?.status;
  const saga = await system.sagas.get(orderId);
  return {
    status: (await loadAggregate(system.store, Order, orderId)).state.status,
    payment: paymentOf(system.store, orderId)?.status,
    reservation: row('SELECT status FROM inventory_reservations WHERE order_id = ?'),
    shipment: row('SELECT status FROM shipments WHERE order_id = ?'),
    saga: saga && {
      status: saga.status,
      completedSteps: saga.completedSteps,
      compensatedSteps: saga.compensatedSteps,
    },
    chargeAttempts: system.gateway.attemptsOf(orderId),
  };
}

// One run, each compensation path forced on its own order; the other orders go through untouched.
const [declined, outOfStock, shippingFailed, lost, flaky, untouched] = orderIds('comp', 12) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const outcomes = new Map<string, Outcome>();
let result: DemoResult;

beforeAll(async () => {
  const faults = new FaultPlan()
    .set(declined, { kind: 'payment-declined' })
    .set(outOfStock, { kind: 'out-of-stock' })
    .set(shippingFailed, { kind: 'shipping-failed' })
    .set(lost, { kind: 'shipment-lost' })
    .set(flaky, { kind: 'gateway-errors', count: 2 });
  result = await runDemo({
    orders: 12,
    rate: 1000,
    failureRate: 0,
    seed: 2,
    runTag: 'comp',
    faults,
    // Long enough for the other orders to finish on a slow, busy machine; short for a test.
    sagaDeadlineMs: 4000,
    out: captureOutput(),
    beforeCheck: async (system) => {
      for (const id of [declined, outOfStock, shippingFailed, lost, flaky, untouched])
        outcomes.set(id, await outcomeOf(system, id));
    },
  });
});

describe('compensations of the OrderSaga', () => {
  it('cancels an order whose payment is declined, with nothing to undo', () => {
    expect(outcomes.get(declined)).toMatchObject({
      status: 'cancelled',
      payment: 'declined',
      reservation: undefined,
      shipment: undefined,
      saga: { status: 'compensated', completedSteps: [], compensatedSteps: [] },
    });
  });

  it('refunds the payment, then cancels, when inventory is out of stock', () => {
    expect(outcomes.get(outOfStock)).toMatchObject({
      status: 'cancelled',
      payment: 'refunded',
      reservation: 'rejected',
      shipment: undefined,
      saga: { status: 'compensated', compensatedSteps: ['payment'] },
    });
  });

  it('releases the stock, refunds, then cancels, when shipping fails', () => {
    expect(outcomes.get(shippingFailed)).toMatchObject({
      status: 'cancelled',
      payment: 'refunded',
      reservation: 'released',
      shipment: 'failed',
      saga: { status: 'compensated', compensatedSteps: ['inventory', 'payment'] },
    });
  });

  it('compensates what ran when the deadline passes with the shipment unanswered', () => {
    expect(outcomes.get(lost)).toMatchObject({
      status: 'cancelled',
      payment: 'refunded',
      reservation: 'released',
      shipment: undefined,
      saga: { status: 'compensated', completedSteps: ['payment', 'inventory'] },
    });
  });

  it('retries a payment through gateway outages and completes the order', () => {
    expect(outcomes.get(flaky)).toMatchObject({
      status: 'completed',
      payment: 'captured',
      chargeAttempts: 3,
    });
    expect(result.summary.retries).toBeGreaterThanOrEqual(2);
  });

  it('leaves the other orders completed and the whole system consistent', () => {
    expect(outcomes.get(untouched)).toMatchObject({
      status: 'completed',
      payment: 'captured',
      reservation: 'reserved',
      shipment: 'created',
      saga: { status: 'completed', completedSteps: ['payment', 'inventory', 'shipping'] },
    });
    expect(result.violations).toEqual([]);
    expect(result.summary).toMatchObject({ orders: 12, completed: 8, cancelled: 4, dead_letters: 0 });
    expect(result.exitCode).toBe(0);
  });
});
