/**
 * Speed of the PostgreSQL event store against a plain design (a table with a unique
 * (aggregate_id, version) constraint, one INSERT per event in a transaction), on the server of
 * TRIB_TEST_PG_URL. Not a test:
 * `node --conditions=@tributary/source --import tsx packages/postgres/src/measure.speed.ts`
 * (add `--json` for machine output). Creates and drops its own schema.
 *
 * Besides wall time it reports CPU milliseconds per batch (the server backend's, read from
 * /proc when the server runs on this machine, plus this process's): on a shared machine wall
 * time swings with the load, CPU cost much less.
 */
import { readFileSync } from 'node:fs';
import { type CloudEvent, uuidv7 } from '@tributary/core';
import pg from 'pg';
import { openPostgresEventStore } from './index.js';
import type { PostgresEventStore } from './options.js';

const URL = process.env.TRIB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const JSON_OUT = process.argv.includes('--json');
const STREAMS = 10_000;
const ROUNDS = 4;
const STORE_BATCHES = 60; // per round
const PLAIN_BATCHES = 15; // per round
const WRITERS = 64;
const RUN_MS = 4000;

const data = {
  orderId: 'ord-000123456',
  customerId: 'cust-004711',
  currency: 'EUR',
  total: 123.45,
  items: [
    { sku: 'SKU-10001', qty: 2, price: 19.99 },
    { sku: 'SKU-20002', qty: 1, price: 83.47 },
  ],
  shipTo: 'Hauptstraße 12, 10115 Berlin, DE',
};
const event = (): CloudEvent => ({
  specversion: '1.0',
  id: uuidv7(),
  source: 'measure',
  type: 'order.placed',
  time: new Date().toISOString(),
  data,
});
const batch = (n: number) => Array.from({ length: n }, event);
const randomStream = () => `order-${Math.floor(Math.random() * STREAMS)}`;

const figures: { name: string; value: number; unit: string }[] = [];
function report(name: string, value: number, unit: string): void {
  const rounded = value < 100 ? Math.round(value * 100) / 100 : Math.round(value);
  figures.push({ name, value: rounded, unit });
  if (!JSON_OUT) console.log(`${name.padEnd(64)} ${rounded.toLocaleString('en')} ${unit}`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** CPU milliseconds a server backend has used, when it runs on this machine (else 0). */
function backendCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s
  } catch {
    return 0;
  }
}

/** Wall and CPU (server + client) milliseconds per call of `run` over `calls` calls. */
async function costPerCall(backend: number, calls: number, run: () => Promise<unknown>) {
  const server = backendCpuMs(backend);
  const client = process.cpuUsage();
  const wall = await timed(async () => {
    for (let i = 0; i < calls; i++) await run();
  });
  const used = process.cpuUsage(client);
  return {
    wall: wall / calls,
    cpu: (backendCpuMs(backend) - server + (used.user + used.system) / 1000) / calls,
  };
}

/** Batches of 100 made before the clock starts (both designs get the same work). */
const work = (count: number) =>
  Array.from({ length: count }, () => ({ stream: randomStream(), events: batch(100) }));

const versions = new Map<string, bigint>();
/** The store: one appendToStream per batch, with the exact expected version. */
function storeAppender(store: PostgresEventStore) {
  return async ({ stream, events }: { stream: string; events: CloudEvent[] }) => {
    const result = await store.appendToStream(stream, events, {
      expectedVersion: versions.get(stream) ?? 0n,
    });
    versions.set(stream, result.nextExpectedVersion);
  };
}

/** The plain design: check the version, then one prepared INSERT per event, in one transaction. */
function plainAppender(client: pg.ClientBase, table: string) {
  return async ({ stream, events }: { stream: string; events: CloudEvent[] }) => {
    await client.query('BEGIN');
    const rows = await client.query<{ v: string }>({
      name: 'plain_version',
      text: `SELECT coalesce(max(version), 0) AS v FROM ${table} WHERE aggregate_id = $1`,
      values: [stream],
    });
    let version = BigInt(rows.rows[0]?.v ?? 0);
    for (const e of events)
      await client.query({
        name: 'plain_insert',
        text: `INSERT INTO ${table} (event_id, aggregate_id, version, type, data) VALUES ($1, $2, $3, $4, $5)`,
        values: [e.id, stream, String(++version), e.type, JSON.stringify(e.data)],
      });
    await client.query('COMMIT');
  };
}

/** `writers` concurrent loops of `append` for RUN_MS; calls per second. */
async function concurrently(writers: number, append: (writer: number) => Promise<unknown>): Promise<number> {
  const deadline = Date.now() + RUN_MS;
  let count = 0;
  const ms = await timed(() =>
    Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        while (Date.now() < deadline) {
          await append(w);
          count++;
        }
      }),
    ),
  );
  return (count * 1000) / ms;
}

async function batchFigures(schema: string, plain: string): Promise<void> {
  // one connection each, so the server backend doing the work is known
  const store = await openPostgresEventStore({ connectionString: URL, schema, poolSize: 1 });
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    const storeBackend = (
      await store.transaction((tx) => tx.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
    )[0]!.pid;
    const plainBackend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const ours = storeAppender(store);
    const theirs = plainAppender(client, plain);
    for (const w of work(20)) await ours(w); // warm-up: JIT, prepared statements
    for (const w of work(5)) await theirs(w);
    const sum = { storeWall: 0, storeCpu: 0, plainWall: 0, plainCpu: 0 };
    // alternate the designs, so a busy moment of the machine hits both alike
    for (let round = 0; round < ROUNDS; round++) {
      const mine = work(STORE_BATCHES);
      const s = await costPerCall(storeBackend, mine.length, () => ours(mine.shift()!));
      const plainWork = work(PLAIN_BATCHES);
      const p = await costPerCall(plainBackend, plainWork.length, () => theirs(plainWork.shift()!));
      sum.storeWall += s.wall / ROUNDS;
      sum.storeCpu += s.cpu / ROUNDS;
      sum.plainWall += p.wall / ROUNDS;
      sum.plainCpu += p.cpu / ROUNDS;
    }
    report('store: appendToStream of 100 events, one writer (events/s)', 100_000 / sum.storeWall, 'ev/s');
    report('plain: INSERT per event, one writer (events/s)', 100_000 / sum.plainWall, 'ev/s');
    report('  speed-up by wall time', sum.plainWall / sum.storeWall, 'x');
    report('store: CPU per batch of 100 (server + client)', sum.storeCpu, 'ms');
    report('plain: CPU per batch of 100 (server + client)', sum.plainCpu, 'ms');
    report('  speed-up by CPU cost', sum.plainCpu / sum.storeCpu, 'x');
  } finally {
    await store.close();
    await client.end();
  }
}

async function concurrentFigures(schema: string, plain: string): Promise<PostgresEventStore> {
  const store = await openPostgresEventStore({ connectionString: URL, schema, poolSize: 16 });
  const pool = new pg.Pool({ connectionString: URL, max: 16 });
  try {
    const batches = await concurrently(8, () => store.appendToStream(`many-${randomStream()}`, batch(100)));
    report('store: batches of 100 from 8 concurrent writers (events/s)', batches * 100, 'ev/s');
    const plainBatches = await concurrently(8, async () => {
      const client = await pool.connect();
      try {
        await plainAppender(
          client,
          plain,
        )({ stream: `many-${randomStream()}-${uuidv7()}`, events: batch(100) });
      } finally {
        client.release();
      }
    });
    report('plain: batches of 100 from 8 concurrent writers (events/s)', plainBatches * 100, 'ev/s');
    const singles = await concurrently(WRITERS, () => store.appendToStream(randomStream(), [event()]));
    report(`store: single appends from ${WRITERS} concurrent writers (appends/s)`, singles, 'ap/s');
    const plainSingles = await concurrently(WRITERS, () =>
      pool.query({
        name: 'plain_single',
        text: `INSERT INTO ${plain} (event_id, aggregate_id, version, type, data) VALUES ($1, $2, 1, 'order.placed', $3)`,
        values: [uuidv7(), `single-${uuidv7()}`, JSON.stringify(data)],
      }),
    );
    report(
      `plain: single INSERTs from ${WRITERS} writers on 16 connections (appends/s)`,
      plainSingles,
      'ap/s',
    );
    return store;
  } finally {
    await pool.end();
  }
}

async function readFigures(store: PostgresEventStore): Promise<void> {
  for (let i = 0; i < 100; i++) await store.appendToStream('big-1', batch(100));
  await store.readStream('big-1', { maxCount: 10 });
  const streamMs = await timed(() => store.readStream('big-1'));
  report('store: readStream of 10,000 events (events/s)', 10_000_000 / streamMs, 'ev/s');
  let total = 0;
  const allMs = await timed(async () => {
    for (let after = 0n; ; ) {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      total += page.length;
      after = page.at(-1)!.position;
    }
  });
  report(
    `store: readAll in pages of 1000 over ${total.toLocaleString('en')} events (events/s)`,
    (total * 1000) / allMs,
    'ev/s',
  );
}

/** Inserts and reads 20k rows through a data column of `type`, for the text-or-jsonb choice. */
async function dataColumnFigures(pool: pg.Pool, schema: string): Promise<void> {
  const json = JSON.stringify(data);
  for (const type of ['text', 'jsonb'] as const) {
    const table = `${schema}.data_${type}`;
    await pool.query(`CREATE TABLE ${table} (position bigint PRIMARY KEY, data ${type} NOT NULL)`);
    const rows = Array.from({ length: 100 }, () => json);
    const writeMs = await timed(async () => {
      for (let i = 0; i < 200; i++)
        await pool.query(
          `INSERT INTO ${table} SELECT $1::bigint + o, d::${type} FROM unnest($2::text[]) WITH ORDINALITY AS u(d, o)`,
          [i * 100, rows],
        );
    });
    let parsed = 0;
    const readMs = await timed(async () => {
      const result = await pool.query<{ data: string }>(
        `SELECT data::text AS data FROM ${table} ORDER BY position`,
      );
      for (const row of result.rows) parsed += JSON.parse(row.data) === null ? 0 : 1;
    });
    report(`data column ${type}: insert in 100-row statements (rows/s)`, 20_000_000 / writeMs, 'rows/s');
    report(`data column ${type}: read and JSON.parse (rows/s)`, (parsed * 1000) / readMs, 'rows/s');
  }
}

async function main(): Promise<void> {
  const schema = `trib_speed_${process.pid}`;
  const admin = new pg.Pool({ connectionString: URL, max: 2 });
  const plain = `${schema}.plain_events`;
  let store: PostgresEventStore | undefined;
  try {
    await (await openPostgresEventStore({ connectionString: URL, schema, poolSize: 1 })).close();
    const settings = await admin.query<{ v: string; s: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s",
    );
    if (!JSON_OUT)
      console.log(`PostgreSQL ${settings.rows[0]?.v}, synchronous_commit ${settings.rows[0]?.s}\n`);
    await admin.query(`CREATE TABLE ${plain} (
      id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, aggregate_id text NOT NULL, version bigint NOT NULL,
      type text NOT NULL, data jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (aggregate_id, version))`);
    await batchFigures(schema, plain);
    store = await concurrentFigures(schema, plain);
    await readFigures(store);
    await dataColumnFigures(admin, schema);
  } finally {
    await store?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
  if (JSON_OUT) console.log(JSON.stringify(figures, null, 2));
}

await main();
