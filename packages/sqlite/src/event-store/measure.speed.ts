// Measures the SQLite event store (not a test). Run from the repository root:
//   node --conditions=@tributary/source --import tsx packages/sqlite/src/event-store/measure.speed.ts
// TRIB_MEASURE_LOG_EVENTS sets the size of the global log read back (default 200k; the bench uses 1M).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CloudEvent, uuidv7 } from '@tributary/core';
import { committedTransactions, openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store.js';

const LOG_EVENTS = Number(process.env.TRIB_MEASURE_LOG_EVENTS ?? 200_000);

let seq = 0;
/** An `order.placed` event with ≈250 bytes of data, as the benchmark's. */
function order(): CloudEvent {
  const i = seq++;
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: 'measure',
    type: 'order.placed',
    time: new Date().toISOString(),
    dataschema: 'urn:tributary:schema:order.placed:v1',
    data: {
      orderId: `ord_${String(i).padStart(12, '0')}`,
      customerId: `cus_${String((i * 7919) % 100_000_000).padStart(8, '0')}`,
      currency: 'EUR',
      total: 1000 + (i % 9000),
      items: [
        { sku: `SKU-${String(i % 1_000_000).padStart(6, '0')}`, qty: 1 + (i % 3), price: 500 + (i % 9500) },
        { sku: `SKU-${String((i * 31) % 1_000_000).padStart(6, '0')}`, qty: 1, price: 700 },
      ],
      channel: 'web',
      shipTo: 'DE',
      placedAt: new Date(1_750_000_000_000 + i).toISOString(),
    },
  };
}

const batch = (n: number): CloudEvent[] => Array.from({ length: n }, order);

const only = process.argv[2];

async function withStore(label: string, run: (store: SqliteEventStore) => Promise<string>): Promise<void> {
  if (only !== undefined && run.name !== only) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-es-measure-'));
  const store = await openSqliteEventStore(path.join(dir, 'store.db'));
  try {
    console.log(`${label.padEnd(46)} ${await run(store)}`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall and CPU time of `run` (CPU time is what a loaded machine does not distort; fsync waits are not in it). */
async function timed(run: () => Promise<void>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const perSecond = (events: number, ms: number): string =>
  Math.round((events / ms) * 1000).toLocaleString('en');
const rate = (events: number, t: { ms: number; cpuMs: number }): string =>
  `${perSecond(events, t.ms)} events/s (${perSecond(events, t.cpuMs)} per CPU-second)`;

/** One writer, batches of 100 to random streams out of 10k, no version check (bench `store.append`). */
async function appendBatches(store: SqliteEventStore): Promise<string> {
  const batches = Array.from({ length: 600 }, () => batch(100));
  for (const events of batches.slice(0, 100))
    await store.appendToStream(`order-${Math.floor(Math.random() * 10_000)}`, events);
  const t = await timed(async () => {
    for (const events of batches.slice(100))
      await store.appendToStream(`order-${Math.floor(Math.random() * 10_000)}`, events, {
        expectedVersion: 'any',
      });
  });
  return rate(500 * 100, t);
}

/** 64 writers, each owning 16 streams, one event at a time with the exact version (bench `store.append.single`). */
async function singleAppends(store: SqliteEventStore): Promise<string> {
  const perWriter = 400;
  const before = committedTransactions(store);
  const writer = async (w: number): Promise<void> => {
    const versions = new Array<bigint>(16).fill(0n);
    for (let i = 0; i < perWriter; i++) {
      const s = i % 16;
      const result = await store.appendToStream(`acct-${w}_${s}`, [order()], {
        expectedVersion: versions[s] ?? 0n,
      });
      versions[s] = result.nextExpectedVersion;
    }
  };
  const t = await timed(async () => {
    await Promise.all(Array.from({ length: 64 }, (_, w) => writer(w)));
  });
  const events = 64 * perWriter;
  const transactions = committedTransactions(store) - before;
  return `${rate(events, t)}, ${(events / transactions).toFixed(1)} appends per transaction`;
}

/** Loads an aggregate of 10k events written among other streams' events (bench `store.load`). */
async function loadAggregate(store: SqliteEventStore): Promise<string> {
  for (let i = 0; i < 100; i++) {
    await store.appendToStream('cart-1', batch(100));
    await store.appendToStream(`noise-${i}`, batch(100));
  }
  await store.saveSnapshot('cart-1', { version: 9950n, schemaVersion: '1', state: { count: 9950 } });
  const loads = 30;
  let count = 0;
  const full = await timed(async () => {
    for (let i = 0; i < loads; i++) count += (await store.readStream('cart-1')).length;
  });
  if (count !== loads * 10_000) throw new Error(`read ${count} events, expected ${loads * 10_000}`);
  const tail = await timed(async () => {
    for (let i = 0; i < 200; i++) {
      const snapshot = await store.loadSnapshot('cart-1');
      await store.readStream('cart-1', { fromVersion: (snapshot?.version ?? 0n) + 1n });
    }
  });
  const perLoad = { ms: full.ms / loads, cpuMs: full.cpuMs / loads };
  return `${perLoad.ms.toFixed(1)} ms per load, ${rate(10_000, perLoad)}; snapshot + tail ${(tail.ms / 200).toFixed(2)} ms`;
}

/** Catch-up of an async projection: readAll pages of 1000 + one checkpoint CAS per page (bench `projection.catchup`). */
async function catchUp(store: SqliteEventStore): Promise<string> {
  for (let s = 0; s < LOG_EVENTS / 1000; s++)
    for (let b = 0; b < 10; b++) await store.appendToStream(`log-${s}`, batch(100));
  let read = 0;
  const t = await timed(async () => {
    let after = 0n;
    let checkpoint: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]?.position ?? after;
      if (!(await store.checkpoints.compareAndSet('catch-up', checkpoint, after)))
        throw new Error('lost the checkpoint');
      checkpoint = after;
    }
  });
  if (read !== LOG_EVENTS) throw new Error(`read ${read} events, expected ${LOG_EVENTS}`);
  return `${rate(read, t)} over ${read.toLocaleString('en')} events`;
}

await withStore('append, batches of 100, random streams', appendBatches);
await withStore('single appends, 64 concurrent writers', singleAppends);
await withStore('readStream of a 10k-event aggregate', loadAggregate);
await withStore('readAll catch-up (pages of 1000 + checkpoint)', catchUp);
