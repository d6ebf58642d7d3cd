import { type EventStoreHarness, testEventStore, testOutbox } from '@tributary/conformance';
import type { EventStore, EventStoreOptions } from '@tributary/core';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresEventStore } from './index.js';
import type { PgTx } from './options.js';
import { describeWithPostgres, PG_URL, uniqueSchema } from './test-support/pg.js';

// One pool shared by every test's store (borrowed: closing a store leaves it open), so tests do
// not pay for new connections. Each test gets a fresh schema of its own, dropped afterwards.
const pool = new pg.Pool({ connectionString: PG_URL, max: 12 });
pool.on('error', () => undefined);

// Creating a schema's tables takes a while: the next test's schema is made while this one runs,
// and dropping happens in the background too (awaited at the end).
let next: Promise<string> | undefined;
const drops: Promise<unknown>[] = [];
async function createSchema(): Promise<string> {
  const schema = uniqueSchema('trib_conf');
  await (await openPostgresEventStore({ pool, schema })).close();
  return schema;
}
function freshSchema(): Promise<string> {
  const schema = next ?? createSchema();
  next = createSchema();
  next.catch(() => undefined);
  return schema;
}
afterAll(async () => {
  const spare = await next?.catch(() => undefined);
  if (spare !== undefined) drops.push(pool.query(`DROP SCHEMA IF EXISTS "${spare}" CASCADE`));
  await Promise.allSettled(drops);
  await pool.end();
});

async function harness(): Promise<EventStoreHarness> {
  const schema = await freshSchema();
  const open = (options: EventStoreOptions<unknown> = {}): Promise<EventStore<PgTx>> =>
    openPostgresEventStore({ ...options, pool, schema });
  return {
    open,
    async reopen(store, options) {
      await store.close();
      return open(options);
    },
    async cleanup() {
      drops.push(pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

describeWithPostgres('PostgreSQL event store', () => {
  testEventStore('conformance', harness);
  testOutbox('outbox conformance', harness);
});
