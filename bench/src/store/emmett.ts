import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Event } from '@event-driven-io/emmett';
import type { z } from 'zod';
import { type Order, orderSchema } from '../events.js';
import { SystemUnavailable } from '../systems/types.js';
import { EMPTY_TOTALS, evolveOrderTotals, foldOrderTotals, type OrderTotals } from './aggregate.js';
import { createFreshSchema } from './pg-schema.js';
import type { StoreSession, StoreSystem } from './types.js';

const PREFILL_CHUNK = 1000;

/** The CloudEvents attributes a peer writes next to the data (Emmett keeps them in `metadata`). */
type EnvelopeMetadata = {
  messageId: string;
  specversion: '1.0';
  source: string;
  time: string;
  datacontenttype: string;
  dataschema: string;
};
type OrderPlacedEvent = Event<'order.placed', z.infer<typeof orderSchema>, EnvelopeMetadata>;

/** The peers' event: the order validated with the shared schema, the envelope attributes as metadata. */
function toEmmettEvent(order: Order): OrderPlacedEvent {
  return {
    type: 'order.placed',
    data: orderSchema.parse(order),
    metadata: {
      messageId: randomUUID(),
      specversion: '1.0',
      source: 'bench',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'urn:tributary:schema:order.placed:v1',
    },
  };
}

function emmettVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@event-driven-io/emmett-postgresql');
    const pkg: unknown = JSON.parse(
      fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'),
    );
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '?';
  } catch {
    return '?';
  }
}

async function loadEmmett() {
  try {
    return await import('@event-driven-io/emmett-postgresql');
  } catch (err) {
    throw new SystemUnavailable(`@event-driven-io/emmett-postgresql not usable: ${(err as Error).message}`);
  }
}

/**
 * Emmett's PostgreSQL event store (`getPostgreSQLEventStore`), in a fresh schema (its tables are
 * unqualified, so the connection's `search_path` points at the schema). Appends:
 * `appendToStream(stream, events, { expectedStreamVersion })`; loads: `readStream` + fold; the
 * projection: its consumer with a reactor (`store.consumer({ pulling }).reactor({ eachMessage })`),
 * which reads pages through its message batch puller and stores the checkpoint per message in one
 * transaction per page.
 */
export const emmettPostgresql: StoreSystem = {
  name: 'emmett-postgresql',
  unsupported: { snapshots: 'Emmett has no snapshots (aggregateStream folds the whole stream)' },
  async open(): Promise<StoreSession> {
    const { getPostgreSQLEventStore } = await loadEmmett();
    const schema = await createFreshSchema('bench_emmett');
    const store = getPostgreSQLEventStore(schema.url);
    try {
      await store.schema.migrate();
    } catch (err) {
      await store.close().catch(() => undefined);
      await schema.drop().catch(() => undefined);
      throw err;
    }
    const build = (gen: { next(): Order }, size: number): OrderPlacedEvent[] =>
      Array.from({ length: size }, () => toEmmettEvent(gen.next()));
    const fold = (events: readonly ({ data: unknown } | null)[], state: OrderTotals) =>
      foldOrderTotals(
        state,
        events.filter((e) => e !== null),
        (e) => e.data,
      );
    return {
      version: `${emmettVersion()} on PostgreSQL ${schema.serverVersion}`,
      note: `synchronous_commit ${schema.synchronousCommit}`,
      async appendBatch(stream, gen, size) {
        await store.appendToStream(stream, build(gen, size));
      },
      async appendSingle(stream, gen, expectedVersion) {
        const result = await store.appendToStream(stream, build(gen, 1), {
          expectedStreamVersion: expectedVersion,
        });
        return result.nextExpectedStreamVersion;
      },
      async prefill(stream, gen, count) {
        for (let done = 0; done < count; done += PREFILL_CHUNK) {
          await store.appendToStream(stream, build(gen, Math.min(PREFILL_CHUNK, count - done)));
        }
      },
      async loadAggregate(stream) {
        const result = await store.readStream<OrderPlacedEvent>(stream);
        return fold(result.events, EMPTY_TOTALS);
      },
      async catchUp(options) {
        const consumer = store.consumer({
          stopWhen: { noMessagesLeft: true },
          pulling: { batchSize: options.pageSize, pullingFrequencyInMs: 0 },
        });
        let state = EMPTY_TOTALS;
        consumer.reactor<OrderPlacedEvent>({
          processorId: 'bench-projection',
          startFrom: 'BEGINNING',
          eachMessage: async (message) => {
            state = evolveOrderTotals(state, message.data);
            // Stop at the end of a page once the deadline passed, as the other rows do.
            if (state.count % options.pageSize === 0 && performance.now() >= options.deadline) {
              return { type: 'STOP', reason: 'deadline' };
            }
          },
        });
        try {
          await consumer.start();
        } finally {
          await consumer.stop(); // not close(): that would end the store's own pool
        }
        return { events: state.count, pages: Math.ceil(state.count / options.pageSize) };
      },
      async close() {
        await store.close().catch(() => undefined);
        await schema.drop();
      },
    };
  },
};
