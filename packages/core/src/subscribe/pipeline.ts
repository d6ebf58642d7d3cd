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
    const { config } = this;
    const labels = { group: config.group, topic: prior?.origin.topic ?? ctx.topic };
    if (config.registry && !prior) {
      const type = eventTypeOf(record);
      if (type === undefined || !config.registry.has(type)) {
        // Not a type this subscription handles: skipped, unless it is not an event at all.
        if (type !== undefined) return;
      }
    }
    let event: CloudEvent;
    try {
      const decoded = fromLogRecord(record);
      event = config.registry ? config.registry.parse(decoded) : decoded;
    } catch (err) {
      config.metrics.failed.inc(labels);
      return this.giveUp(record, ctx, err, prior, Date.now()); // bad envelopes and schemas never heal
    }
    const dedupe = typeof config.delivery === 'object' ? config.delivery.exactlyOnce.dedupe : config.dedupe;
    if (dedupe && (await dedupe.has(config.group, event.id))) {
      config.metrics.duplicates.inc(labels);
      return;
    }
    if (config.delivery === 'at-most-once') await ctx.commit();

    let attempt = (prior?.attempts ?? 0) + 1;
    let firstFailureAt = prior?.firstFailureAt;
    for (;;) {
      if (config.signal.aborted) throw new Stopping();
      // admit() rejects only when the subscription stops while it waits out a cool-down.
      if (config.breaker) await config.breaker.admit(sleep, config.signal).catch(() => undefined);
      if (config.signal.aborted) throw new Stopping();
      const started = performance.now();
      try {
        const handled = await this.attempt(event, ctx, attempt);
        config.breaker?.onSuccess();
        config.metrics.processing.observe(labels, (performance.now() - started) / 1000);
        if (handled) {
          config.metrics.consumed.inc(labels);
          if (config.dedupe && typeof config.delivery === 'string')
            await config.dedupe.mark(config.group, event.id);
        } else config.metrics.duplicates.inc(labels);
        return;
      } catch (err) {
        const now = Date.now();
        firstFailureAt ??= now;
        config.breaker?.onFailure();
        config.metrics.failed.inc(labels);
        if (config.signal.aborted) throw new Stopping();
        if (isPermanentFailure(err, config.policy.isRetryable) || attempt >= config.policy.maxAttempts) {
          return this.giveUp(
            record,
            ctx,
            err,
            { attempts: attempt - 1, firstFailureAt, origin: prior?.origin ?? ctx },
            now,
            attempt,
          );
        }
        config.metrics.retried.inc(labels);
        if (config.park) {
          const origin = prior?.origin ?? { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
          return config.park(record, { attempts: attempt, firstFailureAt, lastFailureAt: now, origin });
        }
        await sleep(backoffDelay(config.policy, attempt), config.signal);
        attempt++;
      }
    }
  }

  /** One call of the handler; false when an exactly-once store found the event already applied. */
  private async attempt(event: CloudEvent, ctx: EventContext, attempt: number): Promise<boolean> {
    const { config } = this;
    const base = { ...ctx, attempt, signal: config.signal };
    if (typeof config.delivery !== 'object') {
      await config.handler(event, { ...base, tx: undefined as Tx });
      return true;
    }
    const key = {
      group: config.group,
      eventId: event.id,
      topic: ctx.topic,
      partition: ctx.partition,
      nextOffset: ctx.offset + 1n,
    };
    const outcome = config.delivery.exactlyOnce.apply(key, (tx) => {
      const result = config.handler(event, { ...base, tx } satisfies SubscriptionContext<Tx>);
      if (result instanceof Promise) {
        result.catch(() => {}); // its outcome cannot count: the transaction is synchronous
        throw invalidArgument(
          `The exactly-once handler of group "${config.group}" returned a promise: it runs inside a synchronous SQLite transaction, so it must do its work through ctx.tx synchronously.`,
        );
      }
    });
    return outcome.applied;
  }

  /** The last attempt failed (or the failure is permanent): dead letter, or pause at the record. */
  private async giveUp(
    record: LogRecord,
    ctx: EventContext,
    error: unknown,
    prior: PriorFailures | undefined,
    now: number,
    attempts = (prior?.attempts ?? 0) + 1,
  ): Promise<void> {
    const { config } = this;
    if (!config.deadLetter) throw error;
    const origin = prior?.origin ?? { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
    const failure: FailureInfo = {
      error: describeFailure(error),
      attempts,
      firstFailureAt: prior?.firstFailureAt ?? now,
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
