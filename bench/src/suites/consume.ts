import { performance } from 'node:perf_hooks';
import { OrderGenerator } from '../events.js';
import { measureRow, rates, type Suite } from './suite.js';

/**
 * `log.consume`: fills a fresh destination with N events (not timed), then reads all of them back
 * through the system's natural read path, again and again for the row's duration.
 */
export const consumeSuite: Suite = {
  name: 'log.consume',
  description: 'reading N stored events back (decoded to bytes, no JSON parse)',
  async run(ctx, emit) {
    const stored = ctx.quick ? 20_000 : 200_000;
    for (const system of ctx.systems) {
      ctx.progress(`log.consume ${system.name} (filling ${stored} events)`);
      const row = await measureRow(
        ctx,
        this.name,
        system,
        { batch: null, concurrency: 1 },
        async (session) => {
          const readAll = session.readAll?.bind(session);
          if (!readAll) throw new Error('no read path');
          const gen = new OrderGenerator();
          while (gen.count < stored) await session.publishBatch(gen, Math.min(1000, stored - gen.count));
          await readAll(); // warm-up pass: JIT, caches
          let events = 0;
          const start = performance.now();
          do {
            const read = await readAll();
            if (read !== stored) throw new Error(`read ${read} events, expected ${stored}`);
            events += read;
          } while (performance.now() - start < ctx.timing.measureMs);
          return {
            ...rates(ctx, events, performance.now() - start),
            p50_ms: null,
            p99_ms: null,
            events: stored,
          };
        },
      );
      emit(row);
    }
  },
};
