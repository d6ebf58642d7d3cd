import { performance } from 'node:perf_hooks';
import { OrderGenerator } from '../events.js';
import { waitFor } from '../measure.js';
import { LatencyRecorder } from '../stats.js';
import type { SystemSession } from '../systems/types.js';
import { measureRow, rates, type Suite, skippedRow } from './suite.js';

const RATE = 10_000;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Publishes at RATE events/s on an absolute schedule (event i is due at t0 + i/RATE; late events
 * are sent at once, never dropped, so a stall shows up as latency) while a consumer reads from the
 * start. An event's latency is its delivery time minus its *scheduled* time. Delivery is in order,
 * so the n-th delivered event is event n: the consumer needs no payload parsing.
 */
async function paced(session: SystemSession, warmupMs: number, measureMs: number) {
  const subscribe = session.subscribe?.bind(session);
  const publishSingle = session.publishSingle?.bind(session);
  if (!subscribe || !publishSingle) throw new Error('no consumer path');
  const interval = 1000 / RATE;
  const warmupEvents = Math.round((warmupMs * RATE) / 1000);
  const total = warmupEvents + Math.round((measureMs * RATE) / 1000);
  const recorder = new LatencyRecorder();
  let delivered = 0;
  let t0 = 0;
  await subscribe((count) => {
    const now = performance.now();
    for (let k = 0; k < count; k++, delivered++) {
      if (delivered >= warmupEvents) recorder.add(now - (t0 + delivered * interval));
    }
  });
  const gen = new OrderGenerator();
  let failure: unknown;
  let sent = 0;
  t0 = performance.now();
  while (sent < total && failure === undefined) {
    const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
    for (; sent < due; sent++) {
      publishSingle(gen).catch((err: unknown) => {
        failure ??= err;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await waitFor(() => delivered >= total || failure !== undefined, `${total} deliveries`, DRAIN_TIMEOUT_MS);
  if (failure !== undefined) throw failure;
  const elapsedMs = total * interval - warmupMs;
  // Deliveries ending long after the schedule did mean the system could not keep the rate.
  const behindMs = performance.now() - (t0 + total * interval);
  const note =
    behindMs > 1000 ? `fell behind: last delivery ${(behindMs / 1000).toFixed(1)} s late` : undefined;
  return { events: recorder.count, elapsedMs, latency: recorder.summary(), note };
}

/** `log.e2e`: publish → consume latency at a fixed 10k events/s. */
export const e2eSuite: Suite = {
  name: 'log.e2e',
  description: `publish→consume latency at ${RATE} events/s; p50/p99 from scheduled send to delivery`,
  async run(ctx, emit) {
    const shape = { batch: 1, concurrency: 1 };
    for (const system of ctx.systems) {
      ctx.progress(`log.e2e ${system.name}`);
      if (system.name === 'sqlite' || system.name === 'postgres' || system.name === 'disk') {
        const why = 'n/a: no push consumer (polling a table is not a log consumer)';
        emit(skippedRow(ctx, this.name, system, shape, why));
        continue;
      }
      const row = await measureRow(ctx, this.name, system, shape, async (session) => {
        const m = await paced(session, ctx.timing.warmupMs * 2, ctx.timing.measureMs * 1.5);
        return {
          ...rates(ctx, m.events, m.elapsedMs),
          p50_ms: m.latency.p50,
          p99_ms: m.latency.p99,
          events: m.events,
          rate: RATE,
          ...(m.note ? { note: m.note } : {}),
        };
      });
      emit(row);
    }
  },
};
