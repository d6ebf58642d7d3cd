import type { BatchContext } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import type { ExactlyOnceStore } from '../ports/exactly-once.js';
import type { LogRecord } from '../ports/log.js';
import { eventContext } from './batch.js';
import type { EventPipeline } from './pipeline.js';

/**
 * Exactly-once over a fetched batch at the cost of one commit: the events are applied one after
 * another inside ONE store transaction (each its own savepoint, so a failing effect rolls back only
 * itself). At the first failure the transaction commits what came before, the failed event goes
 * through the pipeline's retries (each retry its own transaction) and the rest follows in a new
 * transaction: partition order is kept, and every effect still commits with its dedupe mark and
 * offset.
 */
export function exactlyOnceBatchProcessor<Tx>(pipeline: EventPipeline<Tx>, store: ExactlyOnceStore<Tx>) {
  return async (records: readonly LogRecord[], bctx: BatchContext): Promise<void> => {
    const ready: { record: LogRecord; ctx: ReturnType<typeof eventContext>; event: CloudEvent }[] = [];
    for (const record of records) {
      const ctx = eventContext(record, bctx);
      // No dedupe lookup here: apply() checks and marks atomically.
      const event = await pipeline.prepare(record, ctx, undefined, false);
      if (event !== undefined) ready.push({ record, ctx, event });
    }
    let next = 0;
    while (next < ready.length) {
      const applied: { ctx: ReturnType<typeof eventContext>; event: CloudEvent; fresh: boolean }[] = [];
      let failure: { index: number; error: unknown } | undefined;
      store.transaction(() => {
        for (let i = next; i < ready.length; i++) {
          const { ctx, event } = ready[i]!;
          try {
            applied.push({ ctx, event, fresh: pipeline.applyExactlyOnce(store, event, ctx, 1) });
          } catch (error) {
            failure = { index: i, error };
            return;
          }
        }
      });
      for (const a of applied) pipeline.succeeded(a.event, a.ctx, a.fresh);
      if (failure === undefined) return;
      const { record, ctx, event } = ready[failure.index]!;
      const origin = { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
      await pipeline.retryAfterFailure(record, ctx, event, failure.error, {
        attempts: 1,
        firstFailureAt: Date.now(),
        origin,
      });
      next = failure.index + 1;
    }
  };
}
