import { OrderGenerator } from '../events.js';
import { measureWorkers } from '../measure.js';
import { measureRow, rates, type Suite } from './suite.js';

const BATCHES = [1000, 100, 1] as const;

/** `log.publish`: one publisher writing durable batches back to back (1000, and 1 and 100 as extra rows). */
export const publishSuite: Suite = {
  name: 'log.publish',
  description: 'durable batch publish, one publisher; p50/p99 = one batch call',
  async run(ctx, emit) {
    for (const batch of BATCHES) {
      for (const system of ctx.systems) {
        ctx.progress(`log.publish ${system.name} batch=${batch}`);
        const row = await measureRow(ctx, this.name, system, { batch, concurrency: 1 }, async (session) => {
          const gen = new OrderGenerator();
          const m = await measureWorkers(1, ctx.timing, async () => {
            await session.publishBatch(gen, batch);
            return batch;
          });
          return {
            ...rates(ctx, m.events, m.elapsedMs),
            p50_ms: m.latency.p50,
            p99_ms: m.latency.p99,
            events: m.events,
          };
        });
        emit(row);
      }
    }
  },
};
