import { performance } from 'node:perf_hooks';
import type { CloudEvent, EventStore, RecordedEvent } from '@tributary/core';
import type { Order } from '../events.js';
import {
  EMPTY_TOTALS,
  foldOrderTotals,
  isOrderTotals,
  type OrderTotals,
  TOTALS_SCHEMA_VERSION,
} from './aggregate.js';
import type { CatchUpResult, StoreSession } from './types.js';

/** Events per `appendToStream` call when pre-filling (not timed). */
const PREFILL_CHUNK = 2000;
const PROJECTION = 'bench-projection';

/** Builds a validated CloudEvent from an order: `OrderPlaced.create` of `defineEvent`. */
export type CreateOrderEvent = (order: Order) => CloudEvent;

const dataOf = (recorded: RecordedEvent) => recorded.event.data;

/**
 * A {@link StoreSession} over any Tributary {@link EventStore} (SQLite, PostgreSQL): every write
 * builds its events with `OrderPlaced.create` (Zod validation + CloudEvents envelope).
 */
export function tributaryStoreSession(
  store: EventStore,
  create: CreateOrderEvent,
  extra: { readonly version?: string; readonly note?: string; readonly cleanup: () => Promise<void> },
): StoreSession {
  const build = (gen: { next(): Order }, size: number): CloudEvent[] => {
    const events = new Array<CloudEvent>(size);
    for (let i = 0; i < size; i++) events[i] = create(gen.next());
    return events;
  };
  const loadAggregate = async (stream: string): Promise<OrderTotals> =>
    foldOrderTotals(EMPTY_TOTALS, await store.readStream(stream), dataOf);
  return {
    ...(extra.version ? { version: extra.version } : {}),
    ...(extra.note ? { note: extra.note } : {}),
    async appendBatch(stream, gen, size) {
      await store.appendToStream(stream, build(gen, size), { expectedVersion: 'any' });
    },
    async appendSingle(stream, gen, expectedVersion) {
      const result = await store.appendToStream(stream, build(gen, 1), { expectedVersion });
      return result.nextExpectedVersion;
    },
    async prefill(stream, gen, count) {
      for (let done = 0; done < count; done += PREFILL_CHUNK) {
        const events = build(gen, Math.min(PREFILL_CHUNK, count - done));
        await store.appendToStream(stream, events, { expectedVersion: 'any' });
      }
    },
    loadAggregate,
    snapshots: {
      async save(stream, version, state) {
        await store.saveSnapshot(stream, { version, schemaVersion: TOTALS_SCHEMA_VERSION, state });
      },
      async load(stream) {
        const snapshot = await store.loadSnapshot(stream);
        // A snapshot of another schema version (or none) means a full load, as a repository does.
        if (!snapshot || snapshot.schemaVersion !== TOTALS_SCHEMA_VERSION || !isOrderTotals(snapshot.state)) {
          return loadAggregate(stream);
        }
        const tail = await store.readStream(stream, { fromVersion: snapshot.version + 1n });
        return foldOrderTotals(snapshot.state, tail, dataOf);
      },
    },
    async catchUp(options): Promise<CatchUpResult> {
      let checkpoint = await store.checkpoints.get(PROJECTION);
      let state = EMPTY_TOTALS;
      let pages = 0;
      while (performance.now() < options.deadline) {
        const page = await store.readAll({ after: checkpoint ?? 0n, maxCount: options.pageSize });
        const last = page[page.length - 1];
        if (!last) break;
        state = foldOrderTotals(state, page, dataOf);
        if (!(await store.checkpoints.compareAndSet(PROJECTION, checkpoint, last.position))) {
          throw new Error(`checkpoint ${PROJECTION} was moved by someone else`);
        }
        checkpoint = last.position;
        pages++;
      }
      return { events: state.count, pages };
    },
    async close() {
      try {
        await store.close();
      } finally {
        await extra.cleanup();
      }
    },
  };
}
