import { describe, expect, it } from 'vitest';
import { checkConsistency } from './consistency.js';
import { FaultPlan } from './faults.js';
import { orderIds } from './load-generator.js';
import { runDemo } from './run-demo.js';
import type { OrderState } from './services/order.js';
import type { SystemState } from './system-state.js';
import { captureOutput } from './test-support/output.js';

/** A consistent state: one completed order (o1, 500 cents, 2 × SKU-A) and one cancelled order (o2). */
function consistentState(): SystemState {
  return {
    orders: new Map<string, OrderState>([
      ['o1', { orderId: 'o1', status: 'completed', totalCents: 500 }],
      ['o2', { orderId: 'o2', status: 'cancelled', totalCents: 300 }],
    ]),
    payments: [
      { order_id: 'o1', payment_id: 'p1', amount_cents: 500, status: 'captured' },
      { order_id: 'o2', payment_id: 'p2', amount_cents: 300, status: 'refunded' },
    ],
    reservations: [
      { order_id: 'o1', status: 'reserved', items: '[{"sku":"SKU-A","quantity":2}]' },
      { order_id: 'o2', status: 'released', items: '[{"sku":"SKU-A","quantity":1}]' },
    ],
    stock: [{ sku: 'SKU-A', on_hand: 10, reserved: 2 }],
    shipments: [
      { order_id: 'o1', shipment_id: 's1', status: 'created', carrier: 'DHL' },
      { order_id: 'o2', shipment_id: null, status: 'failed', carrier: 'DHL' },
    ],
    notifications: [
      { order_id: 'o1', kind: 'completed', message: '' },
      { order_id: 'o2', kind: 'cancelled', message: '' },
    ],
    analytics: { byStatus: { completed: 1, cancelled: 1, pending: 0 }, revenueCents: 500, revenueOrders: 1 },
    published: new Map([['orders', ['e1', 'e2']]]),
    audited: new Set(['e1', 'e2']),
    outboxPending: 0,
  };
}

const codes = (state: SystemState) => checkConsistency(state).violations.map((v) => v.code);

describe('the consistency check', () => {
  it('finds nothing wrong in a consistent state', () => {
    expect(checkConsistency(consistentState())).toEqual({
      violations: [],
      orders: 2,
      completed: 1,
      cancelled: 1,
      events: 2,
    });
  });

  it('reports an order that never ended', () => {
    const state = consistentState();
    const orders = new Map(state.orders).set('o3', { orderId: 'o3', status: 'pending', totalCents: 100 });
    expect(codes({ ...state, orders })).toContain('not-terminal');
  });

  it('reports a cancelled order whose payment was never refunded', () => {
    const state = consistentState();
    const payments = state.payments.map((p) =>
      p.order_id === 'o2' ? { ...p, status: 'captured' as const } : p,
    );
    expect(codes({ ...state, payments })).toEqual(
      expect.arrayContaining(['uncompensated-payment', 'count-mismatch', 'revenue-mismatch']),
    );
  });

  it('reports stock still reserved for a cancelled order', () => {
    const state = consistentState();
    const reservations = state.reservations.map((r) =>
      r.order_id === 'o2' ? { ...r, status: 'reserved' as const } : r,
    );
    expect(codes({ ...state, reservations })).toEqual(
      expect.arrayContaining(['stock-still-reserved', 'stock-mismatch']),
    );
  });

  it('reports analytics that disagree with the aggregates', () => {
    const state = consistentState();
    const analytics = { ...state.analytics, byStatus: { completed: 2, cancelled: 0 } };
    expect(codes({ ...state, analytics })).toContain('analytics-mismatch');
  });

  it('reports events missing from the audit log and an undrained outbox', () => {
    const state = { ...consistentState(), audited: new Set(['e1']), outboxPending: 3 };
    expect(codes(state)).toEqual(['audit-incomplete', 'outbox-not-drained']);
  });

  it('reports an order that ended otherwise than its injected fault demands', () => {
    const faults = new FaultPlan().set('o1', { kind: 'out-of-stock' }).set('o2', { kind: 'shipping-failed' });
    const report = checkConsistency(consistentState(), { faults, maxAttempts: 5 });
    expect(report.violations).toEqual([
      expect.objectContaining({ code: 'unexpected-outcome', orderId: 'o1' }),
    ]);
  });

  it('reports corrupt reservation data instead of crashing', () => {
    const state = consistentState();
    const reservations = [{ order_id: 'o1', status: 'reserved' as const, items: 'not json' }];
    expect(codes({ ...state, reservations })).toContain('corrupt-reservation');
  });
});

describe('a demo run with planted violations', () => {
  it('reports the dropped refund and the leaked reservation, and exits non-zero', async () => {
    const [refundDropped, stockLeaked] = orderIds('plant', 10) as [string, string];
    const faults = new FaultPlan()
      .set(refundDropped, { kind: 'out-of-stock' })
      .set(stockLeaked, { kind: 'shipping-failed' });
    const out = captureOutput();
    const result = await runDemo({
      orders: 10,
      rate: 1000,
      failureRate: 0,
      seed: 3,
      runTag: 'plant',
      faults,
      out,
      beforeCheck: ({ store }) => {
        // Tamper behind the services' backs: undo a refund, re-hold released stock.
        store.db.prepare("UPDATE payments SET status = 'captured' WHERE order_id = ?").run(refundDropped);
        store.db
          .prepare("UPDATE inventory_reservations SET status = 'reserved' WHERE order_id = ?")
          .run(stockLeaked);
      },
    });

    expect(result.exitCode).toBe(1);
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'uncompensated-payment', orderId: refundDropped }),
        expect.objectContaining({ code: 'stock-still-reserved', orderId: stockLeaked }),
      ]),
    );
    expect(result.summary.violations).toBe(result.violations.length);
    expect(out.text()).toContain(`[uncompensated-payment] ${refundDropped}:`);
  });
});
