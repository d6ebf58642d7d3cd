import type { AssignorName } from '../bus/assignors/index.js';
import type { Assignor } from '../bus/assignors/types.js';
import type { EventDefinition, EventOf } from '../bus/events-api.js';
import type { ConsumerErrorContext, EventContext, StartFrom } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import type { DedupeStore } from '../ports/dedupe.js';
import type { ExactlyOnceStore } from '../ports/exactly-once.js';
import type { Metrics } from '../ports/metrics.js';
import type { CircuitBreakerOptions } from '../reliability/circuit-breaker.js';
import type { RetryOptions } from '../reliability/retry-policy.js';

/** What a subscription handler gets with each event. */
export interface SubscriptionContext<Tx = undefined> extends EventContext {
  /** 1 on the first delivery of this event to the handler, then 2, 3… on retries. */
  readonly attempt: number;
  /** Aborted when the subscription is stopping: long handlers should give up and throw. */
  readonly signal: AbortSignal;
  /** With `delivery: { exactlyOnce }`: the transaction the handler's own writes must use. */
  readonly tx: Tx;
}

/**
 * The subscription handler. Throwing retries the event (with backoff) unless the error is
 * permanent (`PermanentError`, or `retry.isRetryable` says so); after the last attempt the event
 * goes to the group's dead letters. With exactly-once delivery the handler runs inside a
 * synchronous SQLite transaction and must not return a promise.
 */
export type SubscriptionHandler<E extends CloudEvent, Tx> = (
  event: E,
  ctx: SubscriptionContext<Tx>,
) => Promise<void> | void;

/** What a batch handler gets with each batch. */
export interface SubscriptionBatchContext {
  readonly topic: string;
  readonly partition: number;
  /** The partition's latest offset when the batch was fetched. */
  readonly highWatermark: bigint;
  readonly signal: AbortSignal;
}

/**
 * What a batch handler reports: the events that failed, each retried on its own (then
 * dead-lettered like any event); the others count as handled. Throwing fails the whole batch.
 */
export interface BatchResult<E extends CloudEvent> {
  readonly failed?: readonly { readonly event: E; readonly error: unknown }[];
}

/** A handler of the events of one partition fetched together, in offset order. */
export type SubscriptionBatchHandler<E extends CloudEvent> = (
  events: readonly E[],
  ctx: SubscriptionBatchContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing means "all handled"
) => Promise<BatchResult<E> | undefined | void> | BatchResult<E> | undefined | void;

/**
 * When offsets are committed relative to handling:
 * - `at-most-once`: committed before the handler runs (a crash mid-handler loses the event);
 * - `at-least-once` (default): committed after (a crash mid-handler handles it again);
 * - `{ exactlyOnce: store }`: the handler's writes through `ctx.tx`, the event's dedupe mark and
 *   its offset commit in one transaction: effects happen exactly once, crash or not.
 */
export type Delivery<Tx> = 'at-most-once' | 'at-least-once' | { readonly exactlyOnce: ExactlyOnceStore<Tx> };

/**
 * Options of `bus.subscribe`. At least one of `topics` and `events` is required.
 * @typeParam D - event definitions of `events`: the handler receives `EventOf<D>`.
 * @typeParam Tx - the transaction type of an exactly-once store.
 */
export interface SubscribeOptions<D extends EventDefinition = EventDefinition, Tx = undefined> {
  readonly group: string;
  readonly topics?: readonly string[];
  /** Only these types are delivered (others in the topics are skipped), each validated first. */
  readonly events?: readonly D[];
  /** Called once per event. Exactly one of `handler` and `batchHandler` is required. */
  readonly handler?: SubscriptionHandler<EventOf<D>, Tx>;
  /**
   * Called with the events of each fetch of a partition at once (not with exactly-once delivery).
   * Failed events (reported in the result, or all of them when it throws) are retried one by one
   * through `batchHandler([event])`, then dead-lettered.
   */
  readonly batchHandler?: SubscriptionBatchHandler<EventOf<D>>;
  /** Start position without a committed offset. Default `'latest'`. */
  readonly from?: StartFrom;
  readonly assignor?: AssignorName | Assignor;
  /** Retries of a failing handler (default 5 attempts, exponential backoff with jitter); `false`: none. */
  readonly retry?: RetryOptions | false;
  /**
   * `blocking` (default): retries happen in place; the partition waits, strict order is kept.
   * `topics`: a failed event is parked on the group's retry topic for its attempt and retried
   * there after its delay while the partition flows on — later events of the same key may then be
   * handled before it (order is traded for throughput).
   */
  readonly retryMode?: 'blocking' | 'topics';
  /**
   * After the last attempt (or a permanent error) the event goes to the group's dead-letter topic
   * (default). With `false` the partition pauses at the event instead (nothing is lost).
   */
  readonly deadLetter?: boolean;
  /**
   * With `events`: what to do with records of other types on the subscribed topics. `skip`
   * (default: a topic may carry types this handler does not care about) or `dead-letter` (they
   * count as permanent failures, `UNKNOWN_EVENT_TYPE`).
   */
  readonly unknownTypes?: 'skip' | 'dead-letter';
  /**
   * Skips events whose id this group already handled (re-deliveries, re-drives). The subscription
   * purges expired records from it every `dedupePurgeIntervalMs` (default 10 minutes).
   */
  readonly dedupe?: DedupeStore;
  readonly dedupePurgeIntervalMs?: number;
  /** Commit order relative to handling. Default `'at-least-once'`. */
  readonly delivery?: Delivery<Tx>;
  /**
   * Key-level parallelism inside each partition: events of different keys handled at once (up to
   * this many), events of one key in order. Default 1 (strict partition order). Applies to
   * `handler` with at-most/at-least-once delivery (batches and exactly-once go batch by batch).
   */
  readonly keyConcurrency?: number;
  /** Backpressure: events in flight across the member's partitions before fetching waits. Default 1000. */
  readonly maxInFlight?: number;
  /** Pause the subscription for a cool-down after repeated failures instead of burning retries. */
  readonly circuitBreaker?: CircuitBreakerOptions;
  /** How often processed offsets are committed (at-least-once). Default 1000 ms. */
  readonly commitIntervalMs?: number;
  /** Soft byte limit of one fetch per partition (also the size of a batch). Default 1 MiB. */
  readonly maxBytesPerFetch?: number;
  /** A handler running longer than this makes the member be considered dead. Default 300000. */
  readonly maxPollIntervalMs?: number;
  /** Counters and histograms of the subscription. Default: none. */
  readonly metrics?: Metrics;
  /** Failures the subscription cannot handle itself (dead-letter writes, commits, evictions). */
  readonly onError?: (error: unknown, ctx: ConsumerErrorContext) => void;
}

/** A running subscription. */
export interface Subscription {
  readonly group: string;
  /**
   * Stops: in-flight handlers get `timeoutMs` (default 30 s) to finish (their `ctx.signal` is
   * aborted at once, retry waits end), processed offsets are committed and the member leaves the
   * group. An event whose handler did not finish is not committed: it is delivered again later.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}
