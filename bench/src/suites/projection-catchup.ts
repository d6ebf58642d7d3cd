import { performance } from 'node:perf_hooks';
import { OrderGenerator } from '../events.js';
import { streamName } from '../store/streams.js';
import { measureRow, rates, type Suite } from './suite.js';

const PAGE = 1000;
/** Events per stream of the pre-filled log (one bulk append each). */
const STREAM_EVENTS = 1000;

/** What a catch-up row's note says about how far it got. */
export function catchUpNote(handled: number, stored: number, capS: number): string {
  const of = `${stored.toLocaleString('en-US')} events pre-filled`;
  return handled < stored ? `${of}; capped at ${capS} s (${handled.toLocaleString('en-US')} handled)` : of;
}

/**
 * `projection.catchup`: an async projection catching up on a pre-filled global log (1M events,
 * 100k quick; not timed): pages of 1000 in position order, a trivial handler, one checkpoint
 * update per page. Timed from the first read until the log is exhausted, or until the cap.
 */
export const projectionCatchupSuite: Suite = {
  name: 'projection.catchup',
  description: `async projection reading the global log in pages of ${PAGE} with a checkpoint per page`,
  async run(ctx, emit) {
    const stored = ctx.quick ? 100_000 : 1_000_000;
    const capS = ctx.quick ? 4 : 30;
    for (const system of ctx.storeSystems) {
      ctx.progress(`projection.catchup ${system.name} (filling ${stored.toLocaleString('en-US')} events)`);
      const shape = { batch: PAGE, concurrency: 1 };
      const row = await measureRow(ctx, this.name, system, shape, async (session) => {
        const gen = new OrderGenerator();
        const fillStart = performance.now();
        for (let s = 0; gen.count < stored; s++) {
          await session.prefill(streamName('order', s), gen, Math.min(STREAM_EVENTS, stored - gen.count));
        }
        ctx.progress(`  filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
        const start = performance.now();
        const result = await session.catchUp({ pageSize: PAGE, deadline: start + capS * 1000 });
        const elapsed = performance.now() - start;
        if (result.events > stored) throw new Error(`handled ${result.events} events, only ${stored} stored`);
        if (result.events < stored && elapsed < capS * 1000) {
          throw new Error(`stopped after ${result.events} of ${stored} events`);
        }
        return {
          ...rates(ctx, result.events, elapsed),
          p50_ms: null,
          p99_ms: null,
          events: result.events,
          note: catchUpNote(result.events, stored, capS),
        };
      });
      emit(row);
    }
  },
};
