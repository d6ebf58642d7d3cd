import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresEventStore } from './index.js';
import { describeWithPostgres, PG_URL } from './test-support/pg.js';
import { event, useStores } from './test-support/stores.js';

describeWithPostgres('opening a PostgreSQL event store', () => {
  const stores = useStores();

  it('lets several processes open (and so migrate) the same new schema at the same time', async () => {
    const schema = stores.schema();
    const opened = await Promise.all(Array.from({ length: 6 }, () => stores.open({ schema, poolSize: 1 })));
    await Promise.all(opened.map((store, i) => store.appendToStream(`s-${i}`, [event()])));
    expect(await opened[0]!.readAll()).toHaveLength(6);
    const versions = await opened[1]!.transaction((tx) =>
      tx.db.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations`),
    );
    expect(versions).toEqual([{ version: 1 }]);
  });

  it('reopens an existing schema with its data, and borrows a pool without closing it', async () => {
    const first = await stores.open();
    await first.appendToStream('s-1', [event()]);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    try {
      const borrowing = await openPostgresEventStore({ pool, schema: stores.schema() });
      expect(await borrowing.readStream('s-1')).toHaveLength(1);
      await borrowing.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    for (const options of [
      {},
      { connectionString: PG_URL, schema: 'Bad-Name' },
      { connectionString: PG_URL, poolSize: 0 },
      { connectionString: '' },
    ])
      await expect(openPostgresEventStore(options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('opening a PostgreSQL event store on a server that is not there', () => {
  it('fails with a retryable STORAGE_FAILURE naming the server (without the password) and the fix', async () => {
    const error = await openPostgresEventStore({
      connectionString: 'postgres://app:s3cret@127.0.0.1:1/orders',
    }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'STORAGE_FAILURE', isRetryable: true });
    const message = (error as Error).message;
    expect(message).toContain('postgres://app@127.0.0.1:1/orders');
    expect(message).toContain('Start the server');
    expect(message).not.toContain('s3cret');
  });
});
