// Wires the whole system on one bus (the embedded log) and one event store (SQLite), both in one
// data directory: every service, the analytics projections, the outbox relay and the OrderSaga.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Bus,
  connect,
  createMemoryDedupeStore,
  type DedupeStore,
  isTributaryError,
  type OutboxRelay,
  type ProjectionRunner,
  type RetryOptions,
  type SagaRunner,
  type Subscription,
  startOutboxRelay,
  startSaga,
} from '@tributary/core';
import { openSqliteEventStore, type SqliteEventStore } from '@tributary/sqlite';
import { ALL_TOPICS, TOPICS, topicOfType } from './events.js';
import { FaultPlan } from './faults.js';
import type { GroupTopics } from './probes.js';
import { createRunMetrics, type RunMetrics } from './run-metrics.js';
import { createOrderSaga, type OrderSagaData, SAGA_TOPICS } from './saga.js';
import { startAnalytics } from './services/analytics.js';
import { startAuditService } from './services/audit.js';
import { startInventoryService } from './services/inventory.js';
import { startNotificationService } from './services/notification.js';
import { type NewOrder, placeOrder, startOrderService } from './services/order.js';
import { startPaymentService } from './services/payment.js';
import { PaymentGateway } from './services/payment-gateway.js';
import type { ServiceEnv } from './services/service-kit.js';
import { startShippingService } from './services/shipping.js';

/** Options of {@link startSystem}. */
export interface SystemOptions {
  /** Where the log (`log/`), the store (`store.db`) and the audit log live (created if missing). */
  readonly dataDir: string;
  /** Failures to inject (default: none). */
  readonly faults?: FaultPlan;
  /** The OrderSaga's deadline. Default 30000 ms. */
  readonly sagaDeadlineMs?: number;
  /** Partitions of each topic: how many orders each service handles at once. Default 8. */
  readonly partitions?: number;
  /** How services retry a failing handler. Default: 5 attempts from 20 ms. */
  readonly retry?: RetryOptions;
}

/** A running system. */
export interface System {
  readonly bus: Bus;
  readonly store: SqliteEventStore;
  readonly faults: FaultPlan;
  readonly gateway: PaymentGateway;
  readonly metrics: RunMetrics;
  readonly relay: OutboxRelay;
  readonly projections: readonly ProjectionRunner[];
  readonly sagas: SagaRunner<OrderSagaData>;
  readonly retry: Required<Pick<RetryOptions, 'maxAttempts'>> & RetryOptions;
  /** Every consumer group of the system with the topics it reads. */
  readonly groups: GroupTopics;
  /** The audit log's path. */
  readonly auditPath: string;
  /** Places an order through the order service (the shop's checkout). */
  placeOrder(order: NewOrder): Promise<void>;
  /** Stops everything and closes the bus and the stores. Idempotent. */
  stop(): Promise<void>;
}

/** Starts every part of the system; resolves once all consumers have joined their groups. */
export async function startSystem(options: SystemOptions): Promise<System> {
  const { dataDir } = options;
  const partitions = options.partitions ?? 8;
  await mkdir(dataDir, { recursive: true });
  const bus = await connect(`file:${join(dataDir, 'log')}`, { autoCreateTopics: { partitions } });
  const store = await openSqliteEventStore(join(dataDir, 'store.db'), {
    // Appended events go to their definition's topic through the outbox (saga state stays put).
    outboxTopic: (event) => topicOfType(event.type),
  }).catch(async (err: unknown) => {
    await bus.close();
    throw err;
  });
  // In memory: it only saves work on re-deliveries. The durable idempotency record of each service
  // is its own row per order, checked in the transaction that writes it, so a re-delivery after a
  // restart changes nothing either.
  const dedupe: DedupeStore = createMemoryDedupeStore();
  const stoppers: (() => Promise<void>)[] = [];
  const stop = once(async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
    await bus.close();
    await store.close();
    await dedupe.close();
  });
  try {
    for (const topic of ALL_TOPICS) await createTopicIfMissing(bus, topic, partitions);
    const retry = { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 500, ...options.retry };
    const faults = options.faults ?? new FaultPlan();
    const metrics = createRunMetrics();
    const env: ServiceEnv = { bus, store, dedupe, metrics, retry, faults };
    const gateway = new PaymentGateway(faults);
    const auditPath = join(dataDir, 'audit.jsonl');

    const relay = startOutboxRelay(store, bus, { pollIntervalMs: 200 });
    stoppers.push(() => relay.stop());
    const projections = await startAnalytics(store);
    for (const runner of projections) stoppers.push(() => runner.stop());
    const subscriptions: Subscription[] = await Promise.all([
      startOrderService(env),
      startPaymentService(env, gateway),
      startInventoryService(env),
      startShippingService(env),
      startNotificationService(env),
      startAuditService(env, auditPath),
    ]);
    for (const subscription of subscriptions) stoppers.push(() => subscription.stop());
    const saga = createOrderSaga({ deadlineMs: options.sagaDeadlineMs ?? 30_000 });
    // The outbox relay above publishes the saga's commands too.
    const sagas = await startSaga(saga, { bus, store, relay: false });
    stoppers.push(() => sagas.stop());
    const groups: GroupTopics = {
      'order-service': [TOPICS.orderCommands],
      'payment-service': [TOPICS.paymentCommands],
      'inventory-service': [TOPICS.inventoryCommands],
      'shipping-service': [TOPICS.shippingCommands],
      'notification-service': [TOPICS.orders],
      audit: ALL_TOPICS,
      [saga.name]: [...SAGA_TOPICS, saga.deadlineTopic],
    };

    return {
      bus,
      store,
      faults,
      gateway,
      metrics,
      relay,
      projections,
      sagas,
      retry,
      groups,
      auditPath,
      placeOrder: (order) => placeOrder(store, order),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function createTopicIfMissing(bus: Bus, topic: string, partitions: number): Promise<void> {
  try {
    await bus.createTopic(topic, { partitions });
  } catch (err) {
    if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
