// What every service shares: how it subscribes (its own consumer group, with retries, dedupe and
// metrics) and how it commits a state change together with the event announcing it.
import type {
  AnyEventDefinition,
  Bus,
  CloudEvent,
  DedupeStore,
  EventOf,
  Metrics,
  RetryOptions,
  Subscription,
  SubscriptionHandler,
} from '@tributary/core';
import type { SqliteEventStore, SqliteTx } from '@tributary/sqlite';
import type { FaultPlan } from '../faults.js';

/** What the system hands every service: one bus, one store, shared infrastructure. */
export interface ServiceEnv {
  readonly bus: Bus;
  readonly store: SqliteEventStore;
  /** Handled event ids per consumer group: a re-delivered event is skipped. */
  readonly dedupe: DedupeStore;
  readonly metrics: Metrics;
  /** How a failing handler is retried before its event is dead-lettered. */
  readonly retry: RetryOptions;
  /** The failures the simulated outside world injects. */
  readonly faults: FaultPlan;
}

/**
 * Subscribes a service to its events as consumer group `group`. Events of one key (one order) are
 * handled in order; different orders in parallel. A thrown error is retried with backoff, then the
 * event is dead-lettered (a `PermanentError` is dead-lettered at once).
 */
export function subscribeService<D extends AnyEventDefinition>(
  env: ServiceEnv,
  group: string,
  events: readonly D[],
  handler: SubscriptionHandler<EventOf<D>, undefined>,
): Promise<Subscription> {
  return env.bus.subscribe({
    group,
    events,
    handler,
    from: 'earliest',
    dedupe: env.dedupe,
    retry: env.retry,
    metrics: env.metrics,
    keyConcurrency: 16,
    commitIntervalMs: 200,
  });
}

/** A state change's announcement: events appended to a stream, published through the outbox. */
export interface Announcement {
  readonly stream: string;
  readonly events: readonly CloudEvent[];
}

/**
 * Runs `change` against the service's tables and appends the events it returns, in one
 * transaction: the events reach the bus (through the outbox) if and only if the change committed,
 * so a crash can never leave a charged card without a `payment.processed`, or the reverse.
 * `change` returns `undefined` when there is nothing to do (the command was handled before).
 */
export async function commitChange(
  store: SqliteEventStore,
  change: (db: SqliteTx) => Announcement | undefined,
): Promise<void> {
  await store.transaction(async (tx) => {
    const announcement = change(tx.db);
    if (announcement !== undefined) await tx.appendToStream(announcement.stream, announcement.events);
  });
}

/** Creates a service's tables if they do not exist. */
export async function createTables(store: SqliteEventStore, ddl: string): Promise<void> {
  await store.transaction(async (tx) => {
    tx.db.db.exec(ddl);
  });
}
