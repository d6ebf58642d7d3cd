import type { Bus } from '../bus/bus.js';
import type { Consumer } from '../bus/consumer.js';
import { type EventDefinition, type EventOf, EventRegistry } from '../bus/events-api.js';
import type { ConsumerErrorContext } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import { consumerMetrics } from '../metrics/consumer-metrics.js';
import { noopMetrics } from '../metrics/noop-metrics.js';
import type { DedupeStore } from '../ports/dedupe.js';
import { CircuitBreaker } from '../reliability/circuit-breaker.js';
import { resolveRetryPolicy } from '../reliability/retry-policy.js';
import { batchProcessor, singleFromBatch } from './batch.js';
import { exactlyOnceBatchProcessor } from './exactly-once-batch.js';
import { EventPipeline, Stopping } from './pipeline.js';
import { ensureRetryTopics, parkOnRetryTopic, retryFromTopic } from './retry-topics.js';
import type { SubscribeOptions, Subscription, SubscriptionHandler } from './types.js';

const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** Starts a subscription (see `bus.subscribe`). Resolves once its consumers hold their partitions. */
export async function subscribe<D extends EventDefinition, Tx>(
  bus: Bus,
  options: SubscribeOptions<D, Tx>,
): Promise<Subscription> {
  const { handler, batchHandler } = options ?? {};
  if ((typeof handler === 'function') === (typeof batchHandler === 'function')) {
    throw invalidArgument(
      'bus.subscribe expects { group, topics | events } and exactly one of handler: async (event, ctx) => {} or batchHandler: async (events, ctx) => {}.',
    );
  }
  const { group } = options;
  const policy = resolveRetryPolicy(options.retry);
  const retryMode = options.retryMode ?? 'blocking';
  if (retryMode !== 'blocking' && retryMode !== 'topics') {
    throw invalidArgument(`retryMode must be "blocking" or "topics", got ${JSON.stringify(retryMode)}.`);
  }
  const delivery = options.delivery ?? 'at-least-once';
  if (batchHandler && typeof delivery === 'object') {
    throw invalidArgument(
      'A batchHandler cannot use exactly-once delivery: its transaction is per event; use handler.',
    );
  }
  if (
    typeof delivery === 'string'
      ? delivery !== 'at-least-once' && delivery !== 'at-most-once'
      : typeof delivery?.exactlyOnce?.apply !== 'function'
  ) {
    throw invalidArgument('delivery must be "at-most-once", "at-least-once" or { exactlyOnce: store }.');
  }
  const stopping = new AbortController();
  const onError = options.onError ?? defaultOnError;
  // Events left unprocessed because the subscription stops are expected, not errors.
  const report = (error: unknown, ctx: ConsumerErrorContext) => {
    if (!(error instanceof Stopping)) onError(error, ctx);
  };
  const events = options.events;
  const metrics = consumerMetrics(options.metrics ?? noopMetrics);
  const pipeline = new EventPipeline<Tx>({
    log: bus.log,
    group,
    registry: events === undefined ? undefined : new EventRegistry(events),
    unknownTypes: resolveUnknownTypes(options.unknownTypes),
    handler: batchHandler
      ? singleFromBatch<Tx, EventOf<D>>(batchHandler)
      : (handler as SubscriptionHandler<CloudEvent, Tx>),
    policy,
    deadLetter: options.deadLetter ?? true,
    dedupe: options.dedupe,
    delivery,
    breaker: options.circuitBreaker ? new CircuitBreaker(options.circuitBreaker) : undefined,
    metrics,
    signal: stopping.signal,
    report: (error) => report(error, { group, memberId: '', phase: 'handler' }),
    park: retryMode === 'topics' && policy.maxAttempts > 1 ? parkOnRetryTopic(bus, group, policy) : undefined,
  });
  const lag = metrics.lag;
  const common = {
    from: options.from,
    assignor: options.assignor,
    maxPollIntervalMs: options.maxPollIntervalMs,
    keyConcurrency: options.keyConcurrency,
    maxBytesPerFetch: options.maxBytesPerFetch,
    maxInFlight: options.maxInFlight,
    autoCommit: { intervalMs: options.commitIntervalMs ?? 1000 },
    onError: report,
  };
  const consumers: Consumer[] = [];
  try {
    const main = bus.consumer({ ...common, group, topics: options.topics, events });
    consumers.push(main);
    const setLag = (topic: string, partition: number, behind: bigint) =>
      lag.set({ group, topic, partition: String(partition) }, Number(behind));
    if (typeof delivery === 'object') {
      // Exactly-once: a fetched batch is applied in one store transaction (one commit, not one per event).
      const processBatch = exactlyOnceBatchProcessor(pipeline, delivery.exactlyOnce);
      await main.run({
        eachRecordBatch: (records, ctx) => {
          setLag(ctx.topic, ctx.partition, ctx.highWatermark - records[records.length - 1]!.offset - 1n);
          return processBatch(records, ctx);
        },
      });
    } else if (batchHandler) {
      const processBatch = batchProcessor(
        pipeline,
        batchHandler,
        stopping.signal,
        delivery === 'at-most-once',
      );
      await main.run({
        eachRecordBatch: (records, ctx) => {
          setLag(ctx.topic, ctx.partition, ctx.highWatermark - records[records.length - 1]!.offset - 1n);
          return processBatch(records, ctx);
        },
      });
    } else {
      await main.run({
        eachRecord: (record, ctx) => {
          setLag(ctx.topic, ctx.partition, ctx.highWatermark - ctx.offset - 1n);
          return pipeline.process(record, ctx);
        },
      });
    }
    if (retryMode === 'topics' && policy.maxAttempts > 1) {
      // Retries are consumed by a group of their own, from the start of the retry topics.
      const topics = await ensureRetryTopics(bus, group, policy);
      const retries = bus.consumer({ ...common, group: `${group}.retries`, topics, from: 'earliest' });
      consumers.push(retries);
      await retries.run({ eachRecord: retryFromTopic(pipeline, stopping.signal) });
    }
  } catch (err) {
    stopping.abort();
    await Promise.all(consumers.map((c) => c.stop()));
    throw err;
  }

  const purge = startDedupePurge(options.dedupe, options.dedupePurgeIntervalMs, (err) =>
    report(err, { group, memberId: '', phase: 'commit' }),
  );
  let stopped: Promise<void> | undefined;
  return {
    group,
    stop(stopOptions) {
      clearInterval(purge);
      stopped ??= stopAll(consumers, stopping, stopOptions?.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, (err) =>
        report(err, { group, memberId: '', phase: 'commit' }),
      );
      return stopped;
    },
  };
}

/** Aborts waits, lets handlers finish within the timeout, commits what was processed, leaves. */
async function stopAll(
  consumers: readonly Consumer[],
  stopping: AbortController,
  timeoutMs: number,
  report: (error: unknown) => void,
): Promise<void> {
  stopping.abort();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const done = Promise.all(consumers.map((c) => c.stop()));
  const outcome = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    // A handler is stuck: commit what is done; the stuck event is not committed and comes back.
    await Promise.all(consumers.map((c) => c.commit().catch(report)));
    report(new Error(`subscription stop timed out after ${timeoutMs} ms with a handler still running`));
  }
}

function resolveUnknownTypes(value: unknown): 'skip' | 'dead-letter' {
  if (value === undefined || value === 'skip' || value === 'dead-letter') return value ?? 'skip';
  throw invalidArgument(`unknownTypes must be "skip" or "dead-letter", got ${JSON.stringify(value)}.`);
}

/** Purges expired dedupe records now and then (the store also ignores them when asked). */
function startDedupePurge(
  dedupe: DedupeStore | undefined,
  intervalMs = 10 * 60_000,
  report: (error: unknown) => void,
): NodeJS.Timeout | undefined {
  if (dedupe === undefined) return undefined;
  const timer = setInterval(() => void dedupe.purge().catch(report), intervalMs);
  timer.unref();
  return timer;
}

function defaultOnError(error: unknown, ctx: ConsumerErrorContext): void {
  const where =
    ctx.topic === undefined
      ? ''
      : ` ${ctx.topic}/${ctx.partition}${ctx.offset === undefined ? '' : `@${ctx.offset}`}`;
  console.error(`tributary: subscription of group "${ctx.group}"${where} (${ctx.phase}):`, error);
}
