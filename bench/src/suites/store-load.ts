import { performance } from 'node:perf_hooks';
import { OrderGenerator, orderAt } from '../events.js';
import type { Timing } from '../measure.js';
import { LatencyRecorder, type LatencySummary } from '../stats.js';
import { EMPTY_TOTALS, foldOrderTotals, type OrderTotals } from '../store/aggregate.js';
import type { StoreSession } from '../store/types.js';
import { measureRow, type Suite, skippedRow } from './suite.js';

/** Events in the aggregate loaded. */
export const AGGREGATE_EVENTS = 10_000;
/** The snapshot's version: a snapshot every 100 events leaves a tail of 50 on average. */
export const SNAPSHOT_VERSION = 9_950;
/** Loads measured at least, however long they take. */
const MIN_LOADS = 5;
const STREAM = 'order-aggregate';

const FULL = 'full stream';
const SNAPSHOT = 'snapshot + tail';

/** The state after the first `n` events of the generator (what a correct load must return). */
export function expectedTotals(n: number): OrderTotals {
  return foldOrderTotals(
    EMPTY_TOTALS,
    Array.from({ length: n }, (_, i) => i),
    (i) => orderAt(i),
  );
}

/**
 * Calls `load` back to back: during the warm-up (at least once, not counted), then for the
 * measuring window and at least {@link MIN_LOADS} times. Every result is checked against `expected`.
 */
async function measureLoads(
  timing: Timing,
  expected: OrderTotals,
  load: () => Promise<OrderTotals>,
): Promise<LatencySummary> {
  const check = (got: OrderTotals) => {
    if (got.count !== expected.count || got.total !== expected.total) {
      throw new Error(
        `loaded ${got.count} events (total ${got.total}), expected ${expected.count} (${expected.total})`,
      );
    }
  };
  const warmupEnd = performance.now() + timing.warmupMs;
  do check(await load());
  while (performance.now() < warmupEnd);
  const recorder = new LatencyRecorder();
  const stop = performance.now() + timing.measureMs;
  while (recorder.count < MIN_LOADS || performance.now() < stop) {
    const t0 = performance.now();
    const got = await load();
    recorder.add(performance.now() - t0);
    check(got);
  }
  return recorder.summary();
}

/**
 * `store.load`: the time to load an aggregate of 10k events — reading its stream and folding it —
 * from the whole stream, and from a snapshot plus the events after it.
 */
export const storeLoadSuite: Suite = {
  name: 'store.load',
  description: `load an aggregate of ${AGGREGATE_EVENTS} events, with and without a snapshot; p50/p99 = one load`,
  async run(ctx, emit) {
    const expected = expectedTotals(AGGREGATE_EVENTS);
    const atSnapshot = expectedTotals(SNAPSHOT_VERSION);
    for (const mode of [FULL, SNAPSHOT]) {
      for (const system of ctx.storeSystems) {
        const shape = { batch: null, concurrency: 1, mode };
        const missing = mode === SNAPSHOT ? system.unsupported?.snapshots : undefined;
        if (missing) {
          emit(skippedRow(ctx, this.name, system, shape, missing));
          continue;
        }
        ctx.progress(`store.load ${system.name} ${mode} (filling ${AGGREGATE_EVENTS} events)`);
        const row = await measureRow(ctx, this.name, system, shape, async (session: StoreSession) => {
          await session.prefill(STREAM, new OrderGenerator(), AGGREGATE_EVENTS);
          let load = () => session.loadAggregate(STREAM);
          if (mode === SNAPSHOT) {
            const snapshots = session.snapshots;
            if (!snapshots) throw new Error('no snapshot support');
            await snapshots.save(STREAM, BigInt(SNAPSHOT_VERSION), atSnapshot);
            load = () => snapshots.load(STREAM);
          }
          const latency = await measureLoads(ctx.timing, expected, load);
          return {
            events_per_s: null,
            mb_per_s: null,
            p50_ms: latency.p50,
            p99_ms: latency.p99,
            events: AGGREGATE_EVENTS,
            note:
              mode === SNAPSHOT
                ? `snapshot at ${SNAPSHOT_VERSION}, tail of ${AGGREGATE_EVENTS - SNAPSHOT_VERSION}; ${latency.count} loads`
                : `${latency.count} loads`,
          };
        });
        emit(row);
      }
    }
  },
};
