import { performance } from 'node:perf_hooks';
import { OrderGenerator } from '../events.js';
import { waitFor } from '../measure.js';
import { CONCURRENCY as BULLMQ_CONCURRENCY } from '../systems/bullmq.js';
import type { ProcessOptions, SystemName, SystemSession } from '../systems/types.js';
import { measureRow, rates, type Suite } from './suite.js';

/** One row of a system: its delivery mode and how often an event fails once. */
export interface RowSpec {
  readonly mode: string;
  readonly delivery: ProcessOptions['mode'];
  readonly failEvery: number;
  readonly retryMode?: 'blocking' | 'topics';
}

const AT_LEAST_ONCE: RowSpec = { mode: 'at-least-once', delivery: 'at-least-once', failEvery: 0 };
const EXACTLY_ONCE: RowSpec = { mode: 'exactly-once', delivery: 'exactly-once', failEvery: 0 };
const FAIL_ONCE: RowSpec = { mode: 'at-least-once, 1% fail once', delivery: 'at-least-once', failEvery: 100 };
/** Failed events retried from retry topics while the partition flows on (BullMQ's kind of retry). */
const FAIL_ONCE_TOPICS: RowSpec = {
  ...FAIL_ONCE,
  mode: 'at-least-once, 1% fail once, retry topics',
  retryMode: 'topics',
};

/**
 * The systems with a reliable consumer (retries) and their rows; handlers in flight at once; events
 * pre-filled (quick / full: a few seconds at the expected rate). The other peers have no retrying
 * consumer and get no row.
 */
const PLAN: Partial<
  Record<SystemName, { rows: readonly RowSpec[]; concurrency: number; events: [number, number] }>
> = {
  tributary: {
    rows: [AT_LEAST_ONCE, EXACTLY_ONCE, FAIL_ONCE, FAIL_ONCE_TOPICS],
    concurrency: 1,
    events: [20_000, 300_000],
  },
  bullmq: { rows: [AT_LEAST_ONCE, FAIL_ONCE], concurrency: BULLMQ_CONCURRENCY, events: [3_000, 30_000] },
};

/** A row ends after this long even when not every event was handled (rate = handled / time). */
const CAP_MS = { quick: 1000, full: 6000 };

/** Writes `total` events, a few batches in flight (fsyncs are shared); not timed. */
async function fill(session: SystemSession, total: number): Promise<void> {
  const gen = new OrderGenerator();
  while (gen.count < total) {
    const batches: Promise<void>[] = [];
    for (let k = 0; k < 8 && gen.count < total; k++) {
      batches.push(session.publishBatch(gen, Math.min(1000, total - gen.count)));
    }
    await Promise.all(batches);
  }
}

/**
 * Times the system's consumer from its start until all `total` pre-filled events are handled,
 * or until `capMs`; the rate is the events handled over that time.
 */
export async function timeProcessing(session: SystemSession, spec: RowSpec, total: number, capMs: number) {
  const process = session.process?.bind(session);
  if (!process) throw new Error('no processing path');
  let handled = 0;
  let doneAt = 0;
  const onHandled = () => {
    if (++handled === total) doneAt = performance.now();
  };
  const start = performance.now();
  const settings = await process({
    mode: spec.delivery,
    failEvery: spec.failEvery,
    onHandled,
    ...(spec.retryMode ? { retryMode: spec.retryMode } : {}),
  });
  await waitFor(
    () => handled >= total || performance.now() - start >= capMs,
    `${total} events handled`,
    capMs + 10_000,
  );
  const done = handled >= total;
  const events = Math.min(handled, total);
  const elapsedMs = (done ? doneAt : performance.now()) - start;
  const capped = done ? '' : `; capped at ${capMs / 1000} s with ${events} of ${total} handled`;
  return { events, elapsedMs, note: `${settings}${capped}` };
}

/**
 * `consumer.process`: events/s through a system's reliable consumer with a no-op handler. The
 * destination is pre-filled with N events (not timed); the time runs from starting the consumer
 * until all N are handled.
 */
export const consumerProcessSuite: Suite = {
  name: 'consumer.process',
  description: 'events/s through a subscription / worker with a no-op handler, retries on',
  async run(ctx, emit) {
    const capMs = ctx.quick ? CAP_MS.quick : CAP_MS.full;
    for (const system of ctx.systems) {
      const plan = PLAN[system.name];
      if (!plan) continue;
      const total = ctx.quick ? plan.events[0] : plan.events[1];
      for (const spec of plan.rows) {
        ctx.progress(`consumer.process ${system.name} ${spec.mode} (filling ${total} events)`);
        const shape = { batch: null, concurrency: plan.concurrency, mode: spec.mode };
        const row = await measureRow(ctx, this.name, system, shape, async (session) => {
          await fill(session, total);
          const m = await timeProcessing(session, spec, total, capMs);
          return {
            ...rates(ctx, m.events, m.elapsedMs),
            p50_ms: null,
            p99_ms: null,
            events: m.events,
            note: m.note,
          };
        });
        emit(row);
      }
    }
  },
};
