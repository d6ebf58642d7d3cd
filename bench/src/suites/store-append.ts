import { OrderGenerator } from '../events.js';
import { measureWorkers } from '../measure.js';
import { RandomStreams } from '../store/streams.js';
import { measureRow, rates, type Suite } from './suite.js';

const BATCH = 100;
const STREAMS = 10_000;

/** `store.append`: one writer appending batches of 100 events to random streams (of 10k), no version check. */
export const storeAppendSuite: Suite = {
  name: 'store.append',
  description: `batches of ${BATCH} events to random streams out of ${STREAMS}, expectedVersion 'any'; p50/p99 = one batch`,
  async run(ctx, emit) {
    for (const system of ctx.storeSystems) {
      ctx.progress(`store.append ${system.name}`);
      const shape = { batch: BATCH, concurrency: 1 };
      const row = await measureRow(ctx, this.name, system, shape, async (session) => {
        const gen = new OrderGenerator();
        const streams = new RandomStreams(STREAMS);
        const m = await measureWorkers(1, ctx.timing, async () => {
          await session.appendBatch(streams.next(), gen, BATCH);
          return BATCH;
        });
        return {
          ...rates(ctx, m.events, m.elapsedMs),
          p50_ms: m.latency.p50,
          p99_ms: m.latency.p99,
          events: m.events,
          note: `random streams of ${STREAMS.toLocaleString('en-US')}`,
        };
      });
      emit(row);
    }
  },
};
