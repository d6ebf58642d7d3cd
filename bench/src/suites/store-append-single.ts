import { OrderGenerator } from '../events.js';
import { measureWorkers } from '../measure.js';
import { WriterPool } from '../store/streams.js';
import { measureRow, rates, type Suite } from './suite.js';

const WRITERS = 64;
const STREAMS_PER_WRITER = 16;

/**
 * `store.append.single`: 64 concurrent writers, each appending one event at a time to its own
 * streams with the exact expected version (as a repository saving an aggregate does).
 */
export const storeAppendSingleSuite: Suite = {
  name: 'store.append.single',
  description: `${WRITERS} concurrent writers, one event per append with an exact expected version; p50/p99 = one append`,
  async run(ctx, emit) {
    for (const system of ctx.storeSystems) {
      ctx.progress(`store.append.single ${system.name}`);
      const shape = { batch: 1, concurrency: WRITERS };
      const row = await measureRow(ctx, this.name, system, shape, async (session) => {
        const gen = new OrderGenerator();
        const writers = new WriterPool(WRITERS, STREAMS_PER_WRITER);
        const m = await measureWorkers(WRITERS, ctx.timing, async () => {
          await writers.append((stream, expected) => session.appendSingle(stream, gen, expected));
          return 1;
        });
        return {
          ...rates(ctx, m.events, m.elapsedMs),
          p50_ms: m.latency.p50,
          p99_ms: m.latency.p99,
          events: m.events,
          note: `${STREAMS_PER_WRITER} streams per writer`,
        };
      });
      emit(row);
    }
  },
};
