import type { InlineProjection } from '@tributary/core';
import { expect, it } from 'vitest';
import type { PgTx } from './options.js';
import { describeWithPostgres } from './test-support/pg.js';
import { event, events, useStores } from './test-support/stores.js';

describeWithPostgres('transactions and inline projections on PostgreSQL', () => {
  const stores = useStores();

  it("commits the user's own SQL together with the events", async () => {
    const store = await stores.open();
    const table = `"${stores.schema()}".payments`;
    await store.transaction((tx) => tx.db.query(`CREATE TABLE ${table} (id text PRIMARY KEY)`));
    const value = await store.transaction(async (tx) => {
      await tx.db.query(`INSERT INTO ${table} VALUES ($1)`, ['p-1']);
      await tx.appendToStream('payment-1', [event('payment.received')]);
      const rows = await tx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0]?.n;
    });
    expect(value).toBe(1);
    expect(await store.readStream('payment-1')).toHaveLength(1);
    const rows = await store.transaction((tx) => tx.db.query<{ id: string }>(`SELECT id FROM ${table}`));
    expect(rows).toEqual([{ id: 'p-1' }]);
  });

  it("rolls back the user's SQL and the events together when the function throws", async () => {
    const store = await stores.open();
    const table = `"${stores.schema()}".payments`;
    await store.transaction((tx) => tx.db.query(`CREATE TABLE ${table} (id text PRIMARY KEY)`));
    const failure = new Error('payment provider said no');
    await expect(
      store.transaction(async (tx) => {
        await tx.appendToStream('payment-1', [event('payment.received')]);
        await tx.db.query(`INSERT INTO ${table} VALUES ($1)`, ['p-1']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await store.readAll()).toEqual([]);
    expect(await store.headPosition()).toBe(0n);
    expect(await store.transaction((tx) => tx.db.query(`SELECT id FROM ${table}`))).toEqual([]);
  });

  it('rolls back when the user SQL fails, with a STORAGE_FAILURE naming the cause', async () => {
    const store = await stores.open();
    await expect(
      store.transaction(async (tx) => {
        await tx.appendToStream('payment-1', [event()]);
        await tx.db.query('SELECT * FROM no_such_table_here');
      }),
    ).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
      message: expect.stringContaining('no_such_table_here'),
    });
    expect(await store.readAll()).toEqual([]);
  });

  it('fails instead of reporting a commit when the function swallowed a failed statement', async () => {
    const store = await stores.open();
    await expect(
      store.transaction(async (tx) => {
        await tx.appendToStream('payment-1', [event()]);
        await tx.db.query('SELECT 1 / 0').catch(() => undefined);
      }),
    ).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
      message: expect.stringContaining('rolled all of it back'),
    });
    expect(await store.readAll()).toEqual([]);
  });

  it('makes tx.db unusable after the transaction ended', async () => {
    const store = await stores.open();
    let leaked: PgTx | undefined;
    await store.transaction(async (tx) => {
      leaked = tx.db;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('runs an inline projection in the append transaction, keeping a read-model table exact', async () => {
    const schema = stores.schema();
    const balances: InlineProjection<PgTx> = {
      name: 'balances',
      types: ['account.credited'],
      async apply(recorded, tx) {
        for (const r of recorded)
          await tx.query(
            `INSERT INTO "${schema}".balances (account, total) VALUES ($1, $2)
             ON CONFLICT (account) DO UPDATE SET total = balances.total + EXCLUDED.total`,
            [r.stream, (r.event.data as { amount: number }).amount],
          );
      },
    };
    const store = await stores.open({ inlineProjections: [balances] });
    await store.transaction((tx) =>
      tx.db.query(`CREATE TABLE "${schema}".balances (account text PRIMARY KEY, total integer NOT NULL)`),
    );
    await store.appendToStream('account-1', [
      event('account.credited', { amount: 5 }),
      event('account.opened'),
    ]);
    await store.appendToStreams([
      { stream: 'account-1', events: [event('account.credited', { amount: 7 })] },
      { stream: 'account-2', events: [event('account.credited', { amount: 1 })] },
    ]);
    // a credit breaking the read model's constraint fails the append: nothing of it is written
    await expect(
      store.appendToStream('account-3', [event('account.credited', { amount: null })]),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(await store.getStream('account-3')).toBeUndefined();
    const rows = await store.transaction((tx) =>
      tx.db.query(`SELECT account, total FROM "${schema}".balances ORDER BY account`),
    );
    expect(rows).toEqual([
      { account: 'account-1', total: 12 },
      { account: 'account-2', total: 1 },
    ]);
    expect(await store.readAll()).toHaveLength(4);
  });

  it('undoes only the failed append inside a transaction when its projection throws', async () => {
    const failing: InlineProjection<PgTx> = {
      name: 'picky',
      types: ['account.frozen'],
      apply() {
        throw new Error('frozen accounts are not supported');
      },
    };
    const store = await stores.open({ inlineProjections: [failing] });
    await store.transaction(async (tx) => {
      await tx.appendToStream('account-1', events(2));
      await expect(tx.appendToStream('account-1', [event('account.frozen')])).rejects.toThrow('frozen');
      await tx.appendToStream('account-1', [event()], { expectedVersion: 2n });
    });
    expect((await store.readStream('account-1')).map((r) => r.version)).toEqual([1n, 2n, 3n]);
  });
});
