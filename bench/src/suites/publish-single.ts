import { OrderGenerator } from '../events.js';
import { measureWorkers } from '../measure.js';
import { measureRow, rates, type Suite, skippedRow } from './suite.js';

const CONCURRENCY = 64;

/** `log.publish.single`: 64 publishers, each awaiting the ack of one event before sending the next. */
export const publishSingleSuite: Suite = {
  name: 'log.publish.single',
  description: `${CONCURRENCY} concurrent publishers of single durable events; p50/p99 = one publish`,
  async run(ctx, emit) {
    const shape = { batch: 1, concurrency: CONCURRENCY };
    for (const system of ctx.systems) {
      ctx.progress(`log.publish.single ${system.name}`);
      if (system.name === 'disk') {
        emit(skippedRow(ctx, this.name, system, shape, 'n/a: the ceiling is log.publish disk batch=1'));
        continue;
      }
      const row = await measureRow(ctx, this.name, system, shape, async (session) => {
        const publishSingle = session.publishSingle?.bind(session);
        if (!publishSingle) throw new Error('no single-publish path');
        const gen = new OrderGenerator();
        const m = await measureWorkers(CONCURRENCY, ctx.timing, async () => {
          await publishSingle(gen);
          return 1;
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
  },
};
