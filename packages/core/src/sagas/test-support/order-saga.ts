// A three-step order saga (payment → inventory → shipping) and fake services answering its
// commands, for the saga tests.
import { onTestFinished } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { testBus } from '../../bus/test-support/fixtures.js';
import { fromLogRecord } from '../../envelope/kafka-binary-codec.js';
import type { CloudEvent } from '../../envelope/types.js';
import { createMemoryDedupeStore } from '../../memory/memory-dedupe.js';
import type { EventStore } from '../../ports/event-store.js';
import { testStore } from '../../projections/test-support/fixtures.js';
import type { Subscription } from '../../subscribe/types.js';
import { waitFor } from '../../testing/wait-for.js';
import { defineSaga } from '../define-saga.js';
import { startSaga } from '../start-saga.js';
import type {
  SagaInstance,
  SagaRunner,
  SagaStatus,
  SagaStep,
  StartSagaOptions,
  StepSagaDefinition,
} from '../types.js';
import {
  OrderCancelled,
  OrderCompleted,
  OrderCreated,
  OrderShipped,
  PaymentFailed,
  PaymentProcessed,
  PaymentRefunded,
  ProcessPayment,
  RefundPayment,
  ReleaseStock,
  ReserveStock,
  ShipOrder,
  ShippingFailed,
  StockFailed,
  StockReleased,
  StockReserved,
} from './order-events.js';

export interface OrderData {
  orderId: string;
  amount: number;
  paymentId?: string;
}

/** The order saga; `overrides` replace top-level options, `steps` tweaks individual steps. */
export function orderSaga(
  overrides: Partial<StepSagaDefinition<OrderData>> = {},
  tweak: (step: SagaStep<OrderData>) => SagaStep<OrderData> = (s) => s,
) {
  const steps: SagaStep<OrderData>[] = [
    {
      name: 'payment',
      invoke: (ctx) =>
        ProcessPayment.create(
          { orderId: ctx.data.orderId, amount: ctx.data.amount },
          { causedBy: ctx.event },
        ),
      completesOn: PaymentProcessed,
      failsOn: PaymentFailed,
      compensate: (ctx) =>
        RefundPayment.create(
          { orderId: ctx.data.orderId, paymentId: ctx.data.paymentId ?? '?', attempt: ctx.attempt },
          { causedBy: ctx.event },
        ),
      compensatedOn: PaymentRefunded,
    },
    {
      name: 'inventory',
      invoke: (ctx) => ReserveStock.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
      completesOn: StockReserved,
      failsOn: StockFailed,
      compensate: (ctx) =>
        ReleaseStock.create({ orderId: ctx.data.orderId, attempt: ctx.attempt }, { causedBy: ctx.event }),
      compensatedOn: StockReleased,
    },
    {
      name: 'shipping',
      invoke: (ctx) => ShipOrder.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
      completesOn: OrderShipped,
      failsOn: ShippingFailed,
    },
  ];
  return defineSaga<OrderData>({
    name: 'order_saga',
    topics: ['orders', 'replies'],
    startedBy: OrderCreated,
    instanceId: (event) => event.correlationid ?? event.id,
    initialData: (event) => ({ ...OrderCreated.parse(event).data }),
    collect: (data, event) =>
      PaymentProcessed.is(event)
        ? { ...data, paymentId: PaymentProcessed.parse(event).data.paymentId }
        : data,
    steps: steps.map(tweak),
    onCompleted: (ctx) => OrderCompleted.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
    onCompensated: (ctx) => OrderCancelled.create({ orderId: ctx.data.orderId }, { causedBy: ctx.event }),
    compensationRetry: { initialDelayMs: 150 },
    ...overrides,
  });
}

/** How a fake service answers a command: reply ok, reply failure, or stay silent. */
export type Answer = 'ok' | 'fail' | 'silent';

/** Per command type, the answer to its n-th delivery (1-based). Default: always 'ok'. */
export type Script = Partial<Record<string, (n: number, command: CloudEvent) => Answer>>;

const REPLIES: Record<
  string,
  { ok: (orderId: string) => CloudEvent; fail?: (orderId: string) => CloudEvent }
> = {
  [ProcessPayment.type]: {
    ok: (orderId) => PaymentProcessed.create({ orderId, paymentId: `pay-${orderId}` }),
    fail: (orderId) => PaymentFailed.create({ orderId }),
  },
  [RefundPayment.type]: { ok: (orderId) => PaymentRefunded.create({ orderId }) },
  [ReserveStock.type]: {
    ok: (orderId) => StockReserved.create({ orderId }),
    fail: (orderId) => StockFailed.create({ orderId }),
  },
  [ReleaseStock.type]: { ok: (orderId) => StockReleased.create({ orderId }) },
  [ShipOrder.type]: {
    ok: (orderId) => OrderShipped.create({ orderId }),
    fail: (orderId) => ShippingFailed.create({ orderId }),
  },
};

/** The fake payment, inventory and shipping services: they log every command they handle. */
export async function startServices(
  bus: Bus,
  script: Script = {},
): Promise<{ commands: CloudEvent[]; stop(): Promise<void> }> {
  const commands: CloudEvent[] = [];
  const counts = new Map<string, number>();
  const subscription: Subscription = await bus.subscribe({
    group: 'services',
    topics: ['commands'],
    from: 'earliest',
    dedupe: createMemoryDedupeStore(),
    handler: async (command) => {
      commands.push(command);
      const n = (counts.get(command.type) ?? 0) + 1;
      counts.set(command.type, n);
      const answer = script[command.type]?.(n, command) ?? 'ok';
      const replies = REPLIES[command.type];
      const data = command.data;
      const orderId =
        typeof data === 'object' && data !== null && 'orderId' in data ? String(data.orderId) : '?';
      const make = answer === 'ok' ? replies?.ok : answer === 'fail' ? replies?.fail : undefined;
      const reply = make?.(orderId);
      if (reply === undefined) return;
      // The reply continues the command's flow: same correlation, caused by the command.
      await bus.publish(
        { ...reply, correlationid: command.correlationid, causationid: command.id },
        { topic: 'replies' },
      );
    },
  });
  return { commands, stop: () => subscription.stop() };
}

export interface SagaHarness {
  readonly bus: Bus;
  readonly store: EventStore;
  readonly sagas: SagaRunner<OrderData>;
  readonly services: { commands: CloudEvent[] };
  /** Publishes an OrderCreated; the instance id is the order id. */
  start(orderId: string, amount?: number): Promise<string>;
  /** Waits until the instance has one of `statuses`, and returns it. */
  until(orderId: string, ...statuses: SagaStatus[]): Promise<SagaInstance<OrderData>>;
  /** The types of the commands the services handled for `orderId`, in order. */
  commandTypes(orderId: string): string[];
  /** Every event published on `topic`. */
  published(topic: string): Promise<CloudEvent[]>;
}

/** A memory bus and store, the saga running with a fast relay, and the fake services. */
export async function sagaHarness(
  saga = orderSaga(),
  script: Script = {},
  options: Partial<StartSagaOptions> = {},
): Promise<SagaHarness> {
  const { bus, log } = testBus();
  for (const topic of ['orders', 'commands', 'replies']) await bus.createTopic(topic);
  const store = testStore();
  const sagas = await startSaga(saga, {
    bus,
    store,
    relay: { pollIntervalMs: 20, retry: { initialDelayMs: 5, maxDelayMs: 20 } },
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  onTestFinished(() => sagas.stop());
  const services = await startServices(bus, script);
  onTestFinished(() => services.stop());
  return {
    bus,
    store,
    sagas,
    services,
    async start(orderId, amount = 10) {
      await bus.publish(OrderCreated.create({ orderId, amount }, { correlationid: orderId }));
      return orderId;
    },
    async until(orderId, ...statuses) {
      let last: SagaInstance<OrderData> | undefined;
      await waitFor(
        async () => {
          last = await sagas.get(orderId);
          return last !== undefined && statuses.includes(last.status);
        },
        { timeoutMs: 8000, message: `instance ${orderId} to be ${statuses.join(' or ')}` },
      );
      if (last === undefined) throw new Error('unreachable');
      return last;
    },
    commandTypes: (orderId) =>
      services.commands.filter((c) => c.correlationid === orderId).map((c) => c.type),
    async published(topic) {
      const { records } = await log.fetch(topic, 0, 0n);
      return records.map((r) => fromLogRecord(r));
    },
  };
}
