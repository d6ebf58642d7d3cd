import { type EventRegistry, eventTypeOf, fromLogRecord } from '../bus/events-api.js';
import type { EventContext } from '../bus/types.js';
import type { FailureInfo } from '../dead-letters/dead-letter-record.js';
import { writeDeadLetter } from '../dead-letters/dead-letters.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import type { consumerMetrics } from '../metrics/consumer-metrics.js';
import type { DedupeStore } from '../ports/dedupe.js';
import type { ExactlyOnceStore } from '../ports/exactly-once.js';
import type { Log, LogRecord } from '../ports/log.js';
import type { CircuitBreaker } from '../reliability/circuit-breaker.js';
import { describeFailure, isPermanentFailure } from '../reliability/errors.js';
import { backoffDelay, type RetryPolicy } from '../reliability/retry-policy.js';
import { sleep } from '../reliability/sleep.js';
import { traceProcess } from '../tracing/process-span.js';
import { activeTracer } from '../tracing/tracer.js';
import type { SubscriptionContext, SubscriptionHandler } from './types.js';

/** Where an event failed before (for retries coming back from a retry topic). */
export interface PriorFailures {
  /** Attempts already made. */
  readonly attempts: number;
  readonly firstFailureAt: number;
  /** The record's place before it was parked on a retry topic. */
  readonly origin: { topic: string; partition: number; offset: bigint };
}

/** Parks an event for a later attempt (non-blocking retries). */
export type ParkForRetry = (
  record: LogRecord,
  failures: PriorFailures & { lastFailureAt: number },
) => Promise<void>;

export interface PipelineConfig<Tx> {
  readonly log: Log;
  readonly group: string;
  readonly registry: EventRegistry | undefined;
  /** Records of types the registry does not know: skipped, or dead-lettered as permanent failures. */
  readonly unknownTypes: 'skip' | 'dead-letter';
  readonly handler: SubscriptionHandler<CloudEvent, Tx>;
  readonly policy: RetryPolicy;
  readonly deadLetter: boolean;
  readonly dedupe: DedupeStore | undefined;
  readonly delivery: 'at-most-once' | 'at-least-once' | { readonly exactlyOnce: ExactlyOnceStore<Tx> };
  readonly breaker: CircuitBreaker | undefined;
  readonly metrics: ReturnType<typeof consumerMetrics>;
  readonly signal: AbortSignal;
  /** Set for non-blocking retries: where a failed event goes instead of waiting in place. */
  readonly park: ParkForRetry | undefined;
  /** Failures that do not stop the record, e.g. a dedupe mark that could not be written. */
  readonly report: (error: unknown) => void;
}

/** The subscription is stopping: the event stays unprocessed (not committed) and comes back later. */
export class Stopping extends Error {
  constructor() {
    super('the subscription is stopping');
  }
}

/**
 * Everything that happens to one record of a subscription: type filter, decoding and validation,
 * dedupe, the commit order of the delivery guarantee, the handler with its retries, circuit
 * breaker and metrics, and the dead letter at the end. Resolves when the record may be committed;
 * rejects (pausing the partition at the record) only when it must not be, e.g. when stopping.
 */
export class EventPipeline<Tx> {
  constructor(private readonly config: PipelineConfig<Tx>) {}

  async process(record: LogRecord, ctx: EventContext, prior?: PriorFailures): Promise<void> {
    const event = await this.prepare(record, ctx, prior);
    if (event === undefined) return;
    if (this.config.delivery === 'at-most-once') await ctx.commit();
    await this.run(record, ctx, event, prior);
  }

  /**
   * Filters, decodes, validates and dedupes a record: the event to handle, or undefined when there
   * is nothing to do (another type, a duplicate, or a bad record now dead-lettered).
   */
  async prepare(
    record: LogRecord,
    ctx: EventContext,
    prior?: PriorFailures,
    checkDedupe = true,
  ): Promise<CloudEvent | undefined> {
    const { config } = this;
    if (config.registry && !prior) {
      const type = eventTypeOf(record);
      // Not a type this subscription handles (a record that is no event at all fails decoding below).
      if (type !== undefined && !config.registry.has(type) && config.unknownTypes === 'skip')
        return undefined;
    }
    let event: CloudEvent;
    try {
      const decoded = fromLogRecord(record);
      event = config.registry ? config.registry.parse(decoded) : decoded;
    } catch (err) {
      config.metrics.failed.inc(this.labels(ctx, prior));
      await this.giveUp(record, ctx, err, prior, Date.now()); // bad envelopes and schemas never heal
      return undefined;
    }
    const dedupe = typeof config.delivery === 'object' ? config.delivery.exactlyOnce.dedupe : config.dedupe;
    if (checkDedupe && dedupe && (await dedupe.has(config.group, event.id))) {
      config.metrics.duplicates.inc(this.labels(ctx, prior));
      return undefined;
    }
    return event;
  }

  /** Records a successful handling (metrics, dedupe mark); `applied` false: a duplicate after all. */
  succeeded(event: CloudEvent, ctx: EventContext, applied: boolean, prior?: PriorFailures): void {
    const { config } = this;
    if (!applied) {
      config.metrics.duplicates.inc(this.labels(ctx, prior));
      return;
    }
    config.metrics.consumed.inc(this.labels(ctx, prior));
    // Not awaited: stores write marks made together in one transaction; losing one in a crash
    // only means handling that event again, which at-least-once allows.
    if (config.dedupe && typeof config.delivery === 'string') {
      config.dedupe.mark(config.group, event.id).catch(config.report);
    }
  }

  /**
   * The handler with its retries: in place (blocking), or parked on a retry topic; dead letter
   * after the last attempt. `prior` carries earlier failed attempts (retry topics, batches).
   */
  async run(record: LogRecord, ctx: EventContext, event: CloudEvent, prior?: PriorFailures): Promise<void> {
    const { config } = this;
    const labels = this.labels(ctx, prior);
    const origin = prior?.origin ?? { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
    let attempt = (prior?.attempts ?? 0) + 1;
    let firstFailureAt = prior?.firstFailureAt;
    for (;;) {
      if (config.signal.aborted) throw new Stopping();
      // admit() rejects only when the subscription stops while it waits out a cool-down.
      if (config.breaker) await config.breaker.admit(sleep, config.signal).catch(() => undefined);
      if (config.signal.aborted) throw new Stopping();
      const started = performance.now();
      try {
        const applied = await this.attempt(event, ctx, attempt);
        config.breaker?.onSuccess();
        config.metrics.processing.observe(labels, (performance.now() - started) / 1000);
        this.succeeded(event, ctx, applied, prior);
        return;
      } catch (err) {
        firstFailureAt ??= Date.now();
        const failures = { attempts: attempt, firstFailureAt, origin };
        if ((await this.onFailedAttempt(record, ctx, err, failures)) === 'done') return;
        attempt++;
      }
    }
  }

  /** Continues after a failure outside `run` (a failed event of a batch): retries, or gives up. */
  async retryAfterFailure(
    record: LogRecord,
    ctx: EventContext,
    event: CloudEvent,
    error: unknown,
    failures: PriorFailures,
  ): Promise<void> {
    if ((await this.onFailedAttempt(record, ctx, error, failures)) === 'again')
      await this.run(record, ctx, event, failures);
  }

  /**
   * After a failed attempt (`failures.attempts` counts it): dead letter when it is permanent or the
   * last one, park it on a retry topic, or wait out the backoff and answer `again`.
   */
  private async onFailedAttempt(
    record: LogRecord,
    ctx: EventContext,
    error: unknown,
    failures: PriorFailures,
  ): Promise<'again' | 'done'> {
    const { config } = this;
    const now = Date.now();
    config.breaker?.onFailure();
    config.metrics.failed.inc(this.labels(ctx, failures));
    if (config.signal.aborted) throw new Stopping();
    if (
      isPermanentFailure(error, config.policy.isRetryable) ||
      failures.attempts >= config.policy.maxAttempts
    ) {
      await this.giveUp(record, ctx, error, failures, now);
      return 'done';
    }
    config.metrics.retried.inc(this.labels(ctx, failures));
    if (config.park) {
      await config.park(record, { ...failures, lastFailureAt: now });
      return 'done';
    }
    await sleep(backoffDelay(config.policy, failures.attempts), config.signal);
    return 'again';
  }

  private labels(ctx: EventContext, prior?: PriorFailures) {
    return { group: this.config.group, topic: prior?.origin.topic ?? ctx.topic };
  }

  /** One call of the handler; false when an exactly-once store found the event already applied. */
  private async attempt(event: CloudEvent, ctx: EventContext, attempt: number): Promise<boolean> {
    const { config } = this;
    if (typeof config.delivery !== 'object') {
      await this.callHandler(event, ctx, attempt, undefined as Tx);
      return true;
    }
    return this.applyExactlyOnce(config.delivery.exactlyOnce, event, ctx, attempt);
  }

  /**
   * Applies the handler in the exactly-once store's transaction (a savepoint when called inside
   * {@link ExactlyOnceStore.transaction}); false when the event was applied before.
   */
  applyExactlyOnce(
    store: ExactlyOnceStore<Tx>,
    event: CloudEvent,
    ctx: EventContext,
    attempt: number,
  ): boolean {
    const { config } = this;
    const key = {
      group: config.group,
      eventId: event.id,
      topic: ctx.topic,
      partition: ctx.partition,
      nextOffset: ctx.offset + 1n,
    };
    const outcome = store.apply(key, (tx) => {
      const result = this.callHandler(event, ctx, attempt, tx);
      if (result instanceof Promise) {
        result.catch(() => {}); // its outcome cannot count: the transaction is synchronous
        throw invalidArgument(
          `The exactly-once handler of group "${config.group}" returned a promise: it runs inside a synchronous SQLite transaction, so it must do its work through ctx.tx synchronously.`,
        );
      }
    });
    return outcome.applied;
  }

  /** One call of the handler, inside a `process <topic>` span when an OpenTelemetry SDK is registered. */
  private callHandler(event: CloudEvent, ctx: EventContext, attempt: number, tx: Tx): Promise<void> | void {
    const { config } = this;
    const tracer = activeTracer();
    if (tracer === undefined) return config.handler(event, handlerContext(ctx, attempt, config.signal, tx));
    return traceProcess(
      tracer,
      event,
      { topic: ctx.topic, partition: ctx.partition, group: config.group },
      () => config.handler(event, handlerContext(ctx, attempt, config.signal, tx)),
    );
  }

  /**
   * The last attempt failed (or the failure is permanent): dead letter, or pause at the record.
   * `failures` counts every attempt made, including the one that just failed.
   */
  private async giveUp(
    record: LogRecord,
    ctx: EventContext,
    error: unknown,
    failures: PriorFailures | undefined,
    now: number,
  ): Promise<void> {
    const { config } = this;
    if (!config.deadLetter) throw error;
    const origin = failures?.origin ?? { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
    const failure: FailureInfo = {
      error: describeFailure(error),
      attempts: Math.max(1, failures?.attempts ?? 1),
      firstFailureAt: failures?.firstFailureAt ?? now,
      lastFailureAt: now,
      topic: origin.topic,
      partition: origin.partition,
      offset: origin.offset,
      group: config.group,
    };
    try {
      await writeDeadLetter(config.log, record, failure);
    } catch (err) {
      throw new TributaryError(
        'STORAGE_FAILURE',
        `Could not dead-letter ${origin.topic}/${origin.partition}@${origin.offset} for group "${config.group}": the partition is paused at it.`,
        { cause: err, retryable: true },
      );
    }
    config.metrics.deadLettered.inc({ group: config.group, topic: origin.topic });
  }
}

/** The handler's context, built field by field (a spread of the consumer's context is far slower). */
function handlerContext<Tx>(
  ctx: EventContext,
  attempt: number,
  signal: AbortSignal,
  tx: Tx,
): SubscriptionContext<Tx> {
  return {
    topic: ctx.topic,
    partition: ctx.partition,
    offset: ctx.offset,
    timestamp: ctx.timestamp,
    key: ctx.key,
    headers: ctx.headers,
    highWatermark: ctx.highWatermark,
    commit: ctx.commit,
    attempt,
    signal,
    tx,
  };
}
