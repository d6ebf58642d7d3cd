import type { BatchContext, EventContext } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import type { LogRecord } from '../ports/log.js';
import type { EventPipeline } from './pipeline.js';
import type { SubscriptionBatchHandler, SubscriptionHandler } from './types.js';

/** The per-event handler retries use in batch mode: the batch handler with a batch of one. */
export function singleFromBatch<Tx, E extends CloudEvent>(
  batchHandler: SubscriptionBatchHandler<E>,
): SubscriptionHandler<CloudEvent, Tx> {
  return async (event, ctx) => {
    // The pipeline validated the event against the definitions E was derived from.
    const result = await batchHandler([event as E], {
      topic: ctx.topic,
      partition: ctx.partition,
      highWatermark: ctx.highWatermark,
      signal: ctx.signal,
    });
    const failure = result?.failed?.[0];
    if (failure) throw failure.error;
  };
}

/**
 * Handles one fetched batch: prepares each record (filter, decode, dedupe), calls the batch
 * handler once, then sends each failed event through the pipeline's retries (starting at attempt
 * 2) and records the others as handled.
 */
export function batchProcessor<Tx, E extends CloudEvent>(
  pipeline: EventPipeline<Tx>,
  batchHandler: SubscriptionBatchHandler<E>,
  signal: AbortSignal,
  atMostOnce: boolean,
) {
  return async (records: readonly LogRecord[], bctx: BatchContext): Promise<void> => {
    const ready: { record: LogRecord; ctx: EventContext; event: E }[] = [];
    for (const record of records) {
      const ctx = eventContext(record, bctx);
      // prepare() validated the event against the definitions E was derived from.
      const event = (await pipeline.prepare(record, ctx)) as E | undefined;
      if (event !== undefined) ready.push({ record, ctx, event });
    }
    if (ready.length === 0) return;
    if (atMostOnce) await bctx.commit(records[records.length - 1]!.offset + 1n);
    let failed: Map<CloudEvent, unknown>;
    const firstFailureAt = Date.now();
    try {
      const result = await batchHandler(
        ready.map((r) => r.event),
        { topic: bctx.topic, partition: bctx.partition, highWatermark: bctx.highWatermark, signal },
      );
      failed = new Map((result?.failed ?? []).map((f) => [f.event, f.error]));
    } catch (err) {
      failed = new Map(ready.map((r) => [r.event, err]));
    }
    for (const { record, ctx, event } of ready) {
      if (!failed.has(event)) {
        pipeline.succeeded(event, ctx, true);
        continue;
      }
      const origin = { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
      await pipeline.retryAfterFailure(record, ctx, event, failed.get(event), {
        attempts: 1,
        firstFailureAt,
        origin,
      });
    }
  };
}

export function eventContext(record: LogRecord, bctx: BatchContext): EventContext {
  return {
    topic: bctx.topic,
    partition: bctx.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    headers: record.headers,
    highWatermark: bctx.highWatermark,
    commit: () => bctx.commit(record.offset + 1n),
  };
}
