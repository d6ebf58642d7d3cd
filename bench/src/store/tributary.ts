import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTributary } from '../systems/tributary.js';
import { SystemUnavailable } from '../systems/types.js';
import { createFreshSchema, PG_URL } from './pg-schema.js';
import { tributaryStoreSession } from './tributary-session.js';
import type { StoreSession, StoreSystem } from './types.js';

/** Connections of the PostgreSQL pool, as many as `pg-plain` uses. */
const PG_POOL_SIZE = 16;

/** Loads an adapter package lazily, so the other rows still run while it is missing or broken. */
async function loadAdapter<T>(pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new SystemUnavailable(`adapter not available: ${pkg} not usable: ${(err as Error).message}`);
  }
}

/** Tributary's SQLite event store (`openSqliteEventStore(file)`) on a temp file; WAL, synchronous=FULL. */
export const tributarySqlite: StoreSystem = {
  name: 'tributary-sqlite',
  note: 'WAL, synchronous=FULL',
  async open(): Promise<StoreSession> {
    const { OrderPlaced } = await loadTributary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-bench-store-'));
    const cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      const { openSqliteEventStore } = await loadAdapter(
        '@tributary/sqlite',
        () => import('@tributary/sqlite'),
      );
      const store = await openSqliteEventStore(path.join(dir, 'store.db'));
      return tributaryStoreSession(store, (order) => OrderPlaced.create(order), { cleanup });
    } catch (err) {
      await cleanup();
      throw err;
    }
  },
};

/** Tributary's PostgreSQL event store (`openPostgresEventStore({ connectionString, schema })`), a fresh schema. */
export const tributaryPostgres: StoreSystem = {
  name: 'tributary-postgres',
  async open(): Promise<StoreSession> {
    const { OrderPlaced } = await loadTributary();
    const schema = await createFreshSchema('bench_trib');
    const cleanup = () => schema.drop();
    try {
      const { openPostgresEventStore } = await loadAdapter(
        '@tributary/postgres',
        () => import('@tributary/postgres'),
      );
      const store = await openPostgresEventStore({
        connectionString: PG_URL,
        schema: schema.name,
        poolSize: PG_POOL_SIZE,
      });
      return tributaryStoreSession(store, (order) => OrderPlaced.create(order), {
        version: schema.serverVersion,
        note: `synchronous_commit ${schema.synchronousCommit}`,
        cleanup,
      });
    } catch (err) {
      await cleanup().catch(() => undefined);
      throw err;
    }
  },
};
