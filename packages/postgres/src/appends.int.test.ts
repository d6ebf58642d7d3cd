import { isTributaryError } from '@tributary/core';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWithPostgres, PG_URL } from './test-support/pg.js';
import { event, events, useStores } from './test-support/stores.js';

describeWithPostgres('appends on PostgreSQL', () => {
  const stores = useStores();

  it('appends 12,000 events in one call (more than one group holds) and reads them back in order', async () => {
    const store = await stores.open();
    const many = events(12_000);
    const result = await store.appendToStream('bulk-1', many, { expectedVersion: 'no_stream' });
    expect(result).toEqual({ nextExpectedVersion: 12_000n, position: 12_000n });
    const read = await store.readStream('bulk-1');
    expect(read.map((r) => r.event.id)).toEqual(many.map((e) => e.id));
  });

  it('rejects an event id holding a NUL character, which PostgreSQL text cannot store', async () => {
    const store = await stores.open();
    await expect(store.appendToStream('s-1', [{ ...event(), id: 'a\u0000b' }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('NUL'),
    });
    expect(await store.readAll()).toEqual([]);
  });

  it('keeps data exactly as written: key order, big numbers, escapes and U+001E inside strings', async () => {
    const store = await stores.open();
    const data = { z: 1, a: [1e308, -0.5, 2 ** 60], s: 'tab\there\u001erecord "quoted" \\ 😀' };
    await store.appendToStream('s-1', [{ ...event(), data }, event()]);
    const [first] = await store.readStream('s-1');
    expect(JSON.stringify(first?.event.data)).toBe(JSON.stringify(data));
  });

  it('fails with a retryable STORAGE_FAILURE while its connections are cut, then recovers', async () => {
    const name = `trib_cut_${process.pid}`;
    const store = await stores.open({ connectionString: `${PG_URL}?application_name=${name}`, poolSize: 2 });
    await store.appendToStream('s-1', [event()]);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [name],
      );
    } finally {
      await admin.end();
    }
    let appended = false;
    for (let attempt = 0; attempt < 5 && !appended; attempt++) {
      try {
        await store.appendToStream('s-1', [event()]);
        appended = true;
      } catch (err) {
        expect(isTributaryError(err, 'STORAGE_FAILURE') && err.isRetryable).toBe(true);
      }
    }
    expect(appended).toBe(true);
    expect(await store.readStream('s-1')).toHaveLength(2);
  });
});
