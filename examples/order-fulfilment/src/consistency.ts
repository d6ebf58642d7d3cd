// The consistency check: after the run, do the services agree with each other? Every order
// ended; every cancelled order was fully compensated; every completed order was paid, reserved and
// shipped exactly once; the counts reconcile across services; the analytics read models match the
// aggregates; the audit log holds every event; and each order ended as its injected fault says.
import type { StockLine } from './events.js';
import type { FaultPlan } from './faults.js';
import { reservedItems } from './services/inventory.js';
import type { SystemState } from './system-state.js';

/** One broken promise, with the order it concerns when there is one. */
export interface Violation {
  readonly code: string;
  readonly message: string;
  readonly orderId?: string;
}

/** The totals the check computed, for the summary. */
export interface ConsistencyReport {
  readonly violations: readonly Violation[];
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  /** Events on the system's topics. */
  readonly events: number;
}

/** Options of {@link checkConsistency}. */
export interface CheckOptions {
  /** With the plan and the retry budget, each order's outcome is checked against its fault. */
  readonly faults?: FaultPlan;
  readonly maxAttempts?: number;
}

const byOrder = <R extends { readonly order_id: string }>(rows: readonly R[]) =>
  new Map(rows.map((row) => [row.order_id, row]));

/** Checks `state`; an empty `violations` means the system is consistent. */
export function checkConsistency(state: SystemState, options: CheckOptions = {}): ConsistencyReport {
  const violations: Violation[] = [];
  const fail = (code: string, message: string, orderId?: string) =>
    violations.push(orderId === undefined ? { code, message } : { code, message, orderId });
  const payments = byOrder(state.payments);
  const reservations = byOrder(state.reservations);
  const shipments = byOrder(state.shipments);
  const notified = new Set(state.notifications.map((n) => `${n.order_id}/${n.kind}`));
  let completed = 0;
  let cancelled = 0;
  let completedRevenue = 0;

  for (const [orderId, order] of state.orders) {
    const payment = payments.get(orderId);
    const reservation = reservations.get(orderId);
    const shipment = shipments.get(orderId);
    if (order.status === 'completed') {
      completed++;
      completedRevenue += order.totalCents;
      if (payment?.status !== 'captured')
        fail(
          'unpaid-completed-order',
          `completed order has payment ${payment?.status ?? 'missing'}`,
          orderId,
        );
      else if (payment.amount_cents !== order.totalCents)
        fail(
          'wrong-amount',
          `captured ${payment.amount_cents} cents for a ${order.totalCents} cents order`,
          orderId,
        );
      if (reservation?.status !== 'reserved')
        fail(
          'unreserved-completed-order',
          `completed order has stock ${reservation?.status ?? 'missing'}`,
          orderId,
        );
      if (shipment?.status !== 'created')
        fail(
          'unshipped-completed-order',
          `completed order has shipment ${shipment?.status ?? 'missing'}`,
          orderId,
        );
    } else if (order.status === 'cancelled') {
      cancelled++;
      if (payment?.status === 'captured')
        fail(
          'uncompensated-payment',
          `cancelled order still has ${payment.amount_cents} cents captured, no refund`,
          orderId,
        );
      if (reservation?.status === 'reserved')
        fail('stock-still-reserved', `cancelled order still holds stock: ${reservation.items}`, orderId);
      if (shipment?.status === 'created')
        fail('shipped-cancelled-order', 'cancelled order was shipped', orderId);
    } else {
      fail('not-terminal', `order is ${order.status}, not completed or cancelled`, orderId);
    }
    if (
      (order.status === 'completed' || order.status === 'cancelled') &&
      !notified.has(`${orderId}/${order.status}`)
    )
      fail('customer-not-notified', `no ${order.status} notification`, orderId);
    const expected = options.faults?.expectedOutcome(
      orderId,
      options.maxAttempts ?? Number.POSITIVE_INFINITY,
    );
    if (expected !== undefined && order.status !== expected) {
      const fault = options.faults?.get(orderId)?.kind ?? 'no fault';
      fail('unexpected-outcome', `order with ${fault} ended ${order.status}, expected ${expected}`, orderId);
    }
  }

  reconcileCounts(state, { completed, completedRevenue }, fail);
  reconcileStock(state, fail);
  reconcileAnalytics(state, { completed, cancelled, completedRevenue }, fail);
  const events = reconcileAudit(state, fail);
  return { violations, orders: state.orders.size, completed, cancelled, events };
}

type Fail = (code: string, message: string, orderId?: string) => void;

/** Orders completed = shipments created = payments captured (and not refunded). */
function reconcileCounts(
  state: SystemState,
  totals: { completed: number; completedRevenue: number },
  fail: Fail,
): void {
  const captured = state.payments.filter((p) => p.status === 'captured');
  const shipped = state.shipments.filter((s) => s.status === 'created').length;
  if (captured.length !== totals.completed || shipped !== totals.completed)
    fail(
      'count-mismatch',
      `${totals.completed} orders completed, ${captured.length} payments captured, ${shipped} shipments created`,
    );
  const capturedCents = captured.reduce((sum, p) => sum + p.amount_cents, 0);
  if (capturedCents !== totals.completedRevenue)
    fail(
      'revenue-mismatch',
      `completed orders total ${totals.completedRevenue} cents, payments hold ${capturedCents}`,
    );
}

/** Reserved units per SKU = what the `reserved` reservations hold; nothing negative. */
function reconcileStock(state: SystemState, fail: Fail): void {
  const held = new Map<string, number>();
  for (const reservation of state.reservations) {
    if (reservation.status !== 'reserved') continue;
    let items: StockLine[];
    try {
      items = reservedItems(reservation);
    } catch {
      fail(
        'corrupt-reservation',
        `reservation items are not a list of stock lines: ${reservation.items}`,
        reservation.order_id,
      );
      continue;
    }
    for (const line of items) held.set(line.sku, (held.get(line.sku) ?? 0) + line.quantity);
  }
  for (const row of state.stock) {
    const expected = held.get(row.sku) ?? 0;
    if (row.reserved !== expected)
      fail(
        'stock-mismatch',
        `${row.sku}: ${row.reserved} units marked reserved, reservations hold ${expected}`,
      );
    if (row.reserved > row.on_hand)
      fail('oversold', `${row.sku}: ${row.reserved} reserved of ${row.on_hand} on hand`);
  }
}

/** The analytics read models agree with the aggregates. */
function reconcileAnalytics(
  state: SystemState,
  totals: { completed: number; cancelled: number; completedRevenue: number },
  fail: Fail,
): void {
  const { byStatus, revenueCents, revenueOrders } = state.analytics;
  const pending = state.orders.size - totals.completed - totals.cancelled;
  for (const [status, count] of Object.entries({
    completed: totals.completed,
    cancelled: totals.cancelled,
    pending,
  })) {
    const seen = byStatus[status] ?? 0;
    if (seen !== count)
      fail('analytics-mismatch', `analytics counts ${seen} ${status} orders, the aggregates ${count}`);
  }
  if (revenueCents !== totals.completedRevenue || revenueOrders !== totals.completed)
    fail(
      'analytics-mismatch',
      `analytics revenue ${revenueCents} cents over ${revenueOrders} orders, completed orders ${totals.completedRevenue} cents over ${totals.completed}`,
    );
}

/** The audit log has every published event, and nothing is left in the outbox. Returns the event count. */
function reconcileAudit(state: SystemState, fail: Fail): number {
  let events = 0;
  for (const [topic, ids] of state.published) {
    events += ids.length;
    const missing = ids.filter((id) => !state.audited.has(id));
    if (missing.length > 0)
      fail(
        'audit-incomplete',
        `${missing.length} of ${ids.length} events of topic ${topic} are not in the audit log`,
      );
  }
  if (state.outboxPending > 0)
    fail('outbox-not-drained', `${state.outboxPending} outbox entries were never published`);
  return events;
}
