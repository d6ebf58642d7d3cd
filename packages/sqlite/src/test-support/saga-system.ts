// An order-fulfilment system on the embedded stack (file log + SQLite event store) for the saga
// restart and crash tests: the three-step saga plus fake payment/inventory/shipping services that
// record each effect in their own SQLite database, deduping by command id (forward actions) or by
// order (compensations), and reply with ids derived from the command.
import * as path from 'node:path';
import {
  type Bus,
  type CloudEvent,
  connect,
  defineEvent,
  defineSaga,
  deterministicId,
  isTributaryError,
  type SagaRunner,
  type StepSagaDefinition,
  startSaga,
} from '@tributary/core';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { openSqliteEventStore, type SqliteEventStore } from '../event-store/index.js';

const order = z.object({ orderId: z.string(), n: z.number().int() });
const reply = z.object({ orderId: z.string() });
const on = (type: string, topic: string, schema: z.ZodType = reply) =>
  defineEvent(type, { version: 1, schema, topic });

export const OrderCreated = on('order.created', 'orders', order);
export const OrderCompleted = on('order.completed', 'orders');
export const OrderCancelled = on('order.cancelled', 'orders');
export const ProcessPayment = on('payment.process', 'commands', order);
export const RefundPayment = on('payment.refund', 'commands', order);
export const ReserveStock = on('stock.reserve', 'commands', order);
export const ReleaseStock = on('stock.release', 'commands', order);
export const ShipOrder = on('shipping.ship', 'commands', order);
export const PaymentProcessed = on('payment.processed', 'replies');
export const PaymentFailed = on('payment.failed', 'replies');
export const PaymentRefunded = on('payment.refunded', 'replies');
export const StockReserved = on('stock.reserved', 'replies');
export const StockFailed = on('stock.failed', 'replies');
export const StockReleased = on('stock.released', 'replies');
export const OrderShipped = on('shipping.shipped', 'replies');
export const ShippingFailed = on('shipping.failed', 'replies');

export const TOPICS = ['orders', 'commands', 'replies'] as const;

export interface OrderData {
  orderId: string;
  n: number;
}

/** How a service answers a command for order number `n`: its reply type, or silence. */
export type Policy = (commandType: string, n: number) => 'ok' | 'fail' | 'silent';

/** Order n: n % 4 = 0 completes; 1 fails at payment, 2 at inventory, 3 at shipping. */
export const failByRemainder: Policy = (type, n) =>
  (type === ProcessPayment.type && n % 4 === 1) ||
  (type === ReserveStock.type && n % 4 === 2) ||
  (type === ShipOrder.type && n % 4 === 3)
    ? 'fail'
    : 'ok';

const REPLY_TYPES: Record<string, { ok: string; fail?: string; compensation?: true }> = {
  [ProcessPayment.type]: { ok: PaymentProcessed.type, fail: PaymentFailed.type },
  [ReserveStock.type]: { ok: StockReserved.type, fail: StockFailed.type },
  [ShipOrder.type]: { ok: OrderShipped.type, fail: ShippingFailed.type },
  [RefundPayment.type]: { ok: PaymentRefunded.type, compensation: true },
  [ReleaseStock.type]: { ok: StockReleased.type, compensation: true },
};

export function orderSaga(overrides: Partial<StepSagaDefinition<OrderData>> = {}) {
  const cmd = (ctx: { data: OrderData; event: CloudEvent }) => ({ orderId: ctx.data.orderId, n: ctx.data.n });
  return defineSaga<OrderData>({
    name: 'fulfilment',
    topics: ['orders', 'replies'],
    startedBy: OrderCreated,
    instanceId: (event) => event.correlationid ?? event.id,
    initialData: (event) => order.parse(event.data),
    steps: [
      {
        name: 'payment',
        invoke: (ctx) => ProcessPayment.create(cmd(ctx), { causedBy: ctx.event }),
        completesOn: PaymentProcessed,
        failsOn: PaymentFailed,
        compensate: (ctx) => RefundPayment.create(cmd(ctx), { causedBy: ctx.event }),
        compensatedOn: PaymentRefunded,
      },
      {
        name: 'inventory',
        invoke: (ctx) => ReserveStock.create(cmd(ctx), { causedBy: ctx.event }),
        completesOn: StockReserved,
        failsOn: StockFailed,
        compensate: (ctx) => ReleaseStock.create(cmd(ctx), { causedBy: ctx.event }),
        compensatedOn: StockReleased,
      },
      {
        name: 'shipping',
        invoke: (ctx) => ShipOrder.create(cmd(ctx), { causedBy: ctx.event }),
        completesOn: OrderShipped,
        failsOn: ShippingFailed,
      },
    ],
    onCompleted: (ctx) => OrderCompleted.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
    onCompensated: (ctx) => OrderCancelled.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
    compensationRetry: { initialDelayMs: 1000, maxDelayMs: 4000 },
    ...overrides,
  });
}

/** The services' database: every delivery (`received`), effects, and the orders' final events. */
export function openEffects(dir: string, readonly = false): Database.Database {
  const db = new Database(
    path.join(dir, 'effects.db'),
    readonly ? { readonly: true, fileMustExist: true } : {},
  );
  if (readonly) return db;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS received (command_id TEXT NOT NULL, type TEXT NOT NULL, order_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS effects (command_id TEXT NOT NULL, type TEXT NOT NULL, order_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS outcomes (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, order_id TEXT NOT NULL);
  `);
  return db;
}

export interface SagaSystem {
  readonly bus: Bus;
  readonly store: SqliteEventStore;
  readonly sagas: SagaRunner<OrderData>;
  stop(): Promise<void>;
}

/** Opens the log and the stores in `dir` and runs the saga and the services. */
export async function runSagaSystem(
  dir: string,
  options: { policy?: Policy; deadlineMs?: number; onError?: (error: unknown) => void } = {},
): Promise<SagaSystem> {
  const policy = options.policy ?? failByRemainder;
  const onError = options.onError ?? (() => {});
  const bus = await connect(`file:${path.join(dir, 'log')}`, { onTimerError: onError });
  for (const topic of TOPICS)
    await bus.createTopic(topic).catch((error: unknown) => {
      if (!isTributaryError(error, 'TOPIC_EXISTS')) throw error;
    });
  const store = await openSqliteEventStore(path.join(dir, 'store.db'));
  const db = openEffects(dir);
  const services = await bus.subscribe({
    group: 'services',
    topics: ['commands', 'orders'],
    from: 'earliest',
    retry: { maxAttempts: 1000, initialDelayMs: 20, maxDelayMs: 500 },
    onError,
    handler: async (event) => {
      const data = event.data as { orderId: string; n?: number };
      if (event.type === OrderCompleted.type || event.type === OrderCancelled.type) {
        db.prepare('INSERT OR IGNORE INTO outcomes VALUES (?, ?, ?)').run(event.id, event.type, data.orderId);
        return;
      }
      const kind = REPLY_TYPES[event.type];
      if (kind === undefined || data.n === undefined) return;
      const answer = policy(event.type, data.n);
      if (answer === 'silent') return;
      recordEffect(db, event, data.orderId, answer === 'ok', kind.compensation === true);
      const type = answer === 'ok' ? kind.ok : (kind.fail ?? kind.ok);
      const response: CloudEvent = {
        specversion: '1.0',
        id: deterministicId('reply', event.id),
        source: 'services',
        type,
        time: new Date().toISOString(),
        data: { orderId: data.orderId },
        ...(event.correlationid === undefined ? {} : { correlationid: event.correlationid }),
        causationid: event.id,
      };
      await bus.publish(response, { topic: 'replies' });
    },
  });
  const sagas = await startSaga(
    orderSaga(
      options.deadlineMs === undefined ? { deadlineMs: 120_000 } : { deadlineMs: options.deadlineMs },
    ),
    {
      bus,
      store,
      // A killed process keeps the relay's lease until it lapses: keep that short.
      relay: { leaseTtlMs: 1500, pollIntervalMs: 50, onError },
      retry: { maxAttempts: 1000, initialDelayMs: 20, maxDelayMs: 500 },
      onError,
    },
  );
  return {
    bus,
    store,
    sagas,
    async stop() {
      await sagas.stop();
      await services.stop();
      await bus.close();
      await store.close();
      db.close();
    },
  };
}

/**
 * One delivery of a command: always logged in `received`; an effect once per command id for a
 * forward action (a second id for the same order would be a second charge), once per order for a
 * compensation (a re-published refund carries a new id but refunds the same payment).
 */
function recordEffect(
  db: Database.Database,
  command: CloudEvent,
  orderId: string,
  ok: boolean,
  compensation: boolean,
): void {
  db.transaction(() => {
    db.prepare('INSERT INTO received VALUES (?, ?, ?)').run(command.id, command.type, orderId);
    if (!ok) return;
    const seen = compensation
      ? db.prepare('SELECT 1 FROM effects WHERE type = ? AND order_id = ?').get(command.type, orderId)
      : db.prepare('SELECT 1 FROM effects WHERE command_id = ?').get(command.id);
    if (seen === undefined)
      db.prepare('INSERT INTO effects VALUES (?, ?, ?)').run(command.id, command.type, orderId);
  })();
}
