/**
 * Speed of loading an aggregate of 10,000 events from the in-memory store: a full replay versus a
 * snapshot 10 events before the end plus those 10 events. One core.
 * Run: `npx tsx packages/core/src/aggregates/load.speed.ts` (add `--json` for machine output).
 */
import { z } from 'zod';
import { defineEvent } from '../events/define-event.js';
import type { EventOf } from '../events/types.js';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import { defineAggregate } from './define-aggregate.js';
import { loadAggregate } from './load-aggregate.js';
import type { Decider } from './types.js';

const EVENTS = 10_000;
const SNAPSHOT_AT = BigInt(EVENTS - 10);
const RUNS = 15;

const ItemAdded = defineEvent('cart.item-added', {
  version: 1,
  schema: z.object({ sku: z.string(), quantity: z.number().int(), price: z.number() }),
});
type CartState = { readonly lines: number; readonly quantity: number; readonly total: number };

const decider: Decider<never, CartState, EventOf<typeof ItemAdded>> = {
  initialState: () => ({ lines: 0, quantity: 0, total: 0 }),
  decide: () => [],
  evolve: (state, { data }) => ({
    lines: state.lines + 1,
    quantity: state.quantity + data.quantity,
    total: state.total + data.quantity * data.price,
  }),
};
const Cart = defineAggregate({ category: 'cart', decider, schemaVersion: 'v1' });
// Another schema version: ignores the snapshot, so every load is a full replay.
const CartWithoutSnapshots = defineAggregate({ category: 'cart', decider, schemaVersion: 'replay' });

const store = createMemoryEventStore();
for (let i = 0; i < EVENTS; i += 1000) {
  const batch = Array.from({ length: 1000 }, (_, j) =>
    ItemAdded.create({ sku: `SKU-${(i + j) % 97}`, quantity: 1 + (j % 3), price: 9.99 }),
  );
  await store.appendToStream('cart-1', batch);
}
const atSnapshot = await loadAggregate(store, Cart, '1', { asOfVersion: SNAPSHOT_AT });
await store.saveSnapshot('cart-1', { version: SNAPSHOT_AT, schemaVersion: 'v1', state: atSnapshot.state });

async function measure(aggregate: typeof Cart): Promise<{ medianMs: number; eventsRead: number }> {
  const times: number[] = [];
  let eventsRead = 0;
  for (let run = 0; run < RUNS + 3; run++) {
    const start = performance.now();
    const loaded = await loadAggregate(store, aggregate, '1');
    const elapsed = performance.now() - start;
    if (loaded.state.lines !== EVENTS)
      throw new Error(`loaded ${loaded.state.lines} lines, expected ${EVENTS}`);
    eventsRead = loaded.eventsRead;
    if (run >= 3) times.push(elapsed); // the first runs warm the JIT up
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN, eventsRead };
}

const results = {
  events: EVENTS,
  fullReplay: await measure(CartWithoutSnapshots),
  fromSnapshot: await measure(Cart),
};
await store.close();

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results));
} else {
  const line = (name: string, r: { medianMs: number; eventsRead: number }) =>
    console.log(`${name.padEnd(26)} ${r.medianMs.toFixed(2).padStart(8)} ms  (${r.eventsRead} events read)`);
  console.log(`loadAggregate, ${EVENTS} events, memory store, median of ${RUNS} runs`);
  line('full replay', results.fullReplay);
  line('snapshot + 10 events', results.fromSnapshot);
}
