import * as fs from 'node:fs';
import type { RecordedEvent } from '@tributary/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteTx } from '../sqlite-tx.js';
import { tempDb } from '../test-support/temp-db.js';
import {
  committedTransactions,
  openSqliteEventStore,
  type SqliteEventStore,
  type SqliteEventStoreOptions,
} from './sqlite-event-store.js';
import { expectRejects, placed } from './test-support/events.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(options?: SqliteEventStoreOptions): Promise<{ store: SqliteEventStore; file: string }> {
  const temp = tempDb('tributary-es-');
  cleanups.push(temp.cleanup);
  const store = await openSqliteEventStore(temp.file, options);
  cleanups.push(() => store.close());
  return { store, file: temp.file };
}

const versions = (events: readonly RecordedEvent[]) => events.map((e) => e.version);

describe('group commit', () => {
  it('commits appends issued together in one transaction', async () => {
    const { store } = await open();
    const before = committedTransactions(store);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.appendToStream(`order-${i}`, [placed(String(i))])),
    );
    expect(committedTransactions(store) - before).toBe(1);
    expect(new Set(results.map((r) => r.position)).size).toBe(50);
    expect(await store.readAll()).toHaveLength(50);
  });

  it('rejects only the conflicting append of a group; the others commit with it', async () => {
    const { store } = await open();
    await store.appendToStream('order-x', [placed('x')]);
    const before = committedTransactions(store);
    const outcomes = await Promise.allSettled([
      store.appendToStream('order-1', [placed('1')], { expectedVersion: 0n }),
      store.appendToStream('order-x', [placed('x')], { expectedVersion: 0n }),
      store.appendToStream('order-2', [placed('2')], { expectedVersion: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'WRONG_EXPECTED_VERSION' } });
    expect(committedTransactions(store) - before).toBe(1);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['order-x', 'order-1', 'order-2']);
  });

  it('gives positions in commit order and never reuses one, even after the newest events are deleted', async () => {
    const { store } = await open();
    await store.appendToStream('order-1', [placed('1')]);
    const { position } = await store.appendToStream('order-2', [placed('2'), placed('2')]);
    await store.deleteStream('order-2', { hard: true });
    expect(await store.headPosition()).toBe(position);
    const next = await store.appendToStream('order-3', [placed('3')]);
    expect(next.position).toBe(position + 1n);
  });
});

describe('transaction', () => {
  it("commits the user's SQL through tx.db together with the appends", async () => {
    const { store } = await open();
    store.db.exec('CREATE TABLE notes (text TEXT NOT NULL)');
    const result = await store.transaction(async (tx) => {
      const appended = await tx.appendToStream('order-1', [placed('1')]);
      tx.db.run('INSERT INTO notes (text) VALUES (?)', 'placed');
      return appended.nextExpectedVersion;
    });
    expect(result).toBe(1n);
    expect(store.db.prepare('SELECT text FROM notes').pluck().all()).toEqual(['placed']);
    expect(versions(await store.readStream('order-1'))).toEqual([1n]);
  });

  it("rolls the user's SQL back with the appends when the function throws, and rethrows", async () => {
    const { store } = await open();
    store.db.exec('CREATE TABLE notes (text TEXT NOT NULL)');
    const failure = new Error('decided against it');
    await expect(
      store.transaction(async (tx) => {
        await tx.appendToStream('order-1', [placed('1')]);
        tx.db.run('INSERT INTO notes (text) VALUES (?)', 'placed');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(store.db.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    expect(await store.readAll()).toEqual([]);
    expect(await store.headPosition()).toBe(0n);
  });

  it('keeps readers on committed data and makes other appends wait until it commits', async () => {
    const { store } = await open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside = false;
    const transaction = store.transaction(async (tx) => {
      await tx.appendToStream('order-1', [placed('1')]);
      inside = true;
      await gate;
    });
    while (!inside) await new Promise((resolve) => setImmediate(resolve));
    expect(await store.readStream('order-1')).toEqual([]);
    let outsideDone = false;
    const outside = store.appendToStream('order-2', [placed('2')]).then(() => {
      outsideDone = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(outsideDone).toBe(false);
    release();
    await Promise.all([transaction, outside]);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['order-1', 'order-2']);
  });

  it('makes tx unusable once the transaction has ended', async () => {
    const { store } = await open();
    let kept: { appendToStream: SqliteEventStore['appendToStream']; db: SqliteTx } | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
    });
    await expectRejects(() => kept!.appendToStream('order-1', [placed('1')]), 'CLOSED', 'ended');
    expect(() => kept!.db.run('SELECT 1')).toThrow(/ended/);
  });
});

describe('inline projections', () => {
  const totals = {
    name: 'order-totals',
    types: ['order.placed'],
    apply(events: readonly RecordedEvent[], tx: SqliteTx) {
      for (const { event } of events) {
        const { order, total } = event.data as { order: string; total: number };
        if (total < 0) throw new Error(`negative total for ${order}`);
        tx.run(
          `INSERT INTO order_totals (order_id, total) VALUES (?, ?)
           ON CONFLICT (order_id) DO UPDATE SET total = total + excluded.total`,
          order,
          total,
        );
      }
    },
  };
  const totalsOf = (store: SqliteEventStore) =>
    store.db.prepare('SELECT order_id AS orderId, total FROM order_totals ORDER BY order_id').all();

  async function openWithTotals() {
    const opened = await open({ inlineProjections: [totals] });
    opened.store.db.exec('CREATE TABLE order_totals (order_id TEXT PRIMARY KEY, total INTEGER NOT NULL)');
    return opened.store;
  }

  it('maintains a read-model table in the transaction of each append', async () => {
    const store = await openWithTotals();
    await store.appendToStream('order-1', [placed('1', 10), placed('1', 5)]);
    await Promise.all([
      store.appendToStream('order-2', [placed('2', 7)]),
      store.appendToStream('order-1', [placed('1', 1)]),
    ]);
    expect(totalsOf(store)).toEqual([
      { orderId: '1', total: 16 },
      { orderId: '2', total: 7 },
    ]);
  });

  it('rolls back the events and the read model of an append whose projection throws, and only that one', async () => {
    const store = await openWithTotals();
    const outcomes = await Promise.allSettled([
      store.appendToStream('order-1', [placed('1', 10)]),
      store.appendToStream('order-2', [placed('2', 3), placed('2', -1)]),
    ]);
    expect(outcomes[0]?.status).toBe('fulfilled');
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { message: 'negative total for 2' } });
    expect(totalsOf(store)).toEqual([{ orderId: '1', total: 10 }]);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['order-1']);
    expect(await store.getStream('order-2')).toBeUndefined();
  });

  it('awaits an async projection inside the transaction', async () => {
    const opened = await open({
      inlineProjections: [
        {
          name: 'slow',
          async apply(events, tx) {
            await new Promise((resolve) => setImmediate(resolve));
            tx.run('INSERT INTO seen (id) VALUES (?)', events[0]?.event.id);
            if (events.length > 1) throw new Error('too many');
          },
        },
      ],
    });
    const { store } = opened;
    store.db.exec('CREATE TABLE seen (id TEXT)');
    const outcomes = await Promise.allSettled([
      store.appendToStream('order-1', [placed('1')]),
      store.appendToStream('order-2', [placed('2'), placed('2')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(store.db.prepare('SELECT count(*) FROM seen').pluck().get()).toBe(1);
    expect(await store.readAll()).toHaveLength(1);
  });
});

describe('opening', () => {
  it('uses a borrowed Database as it is and leaves it open on close', async () => {
    const temp = tempDb('tributary-es-');
    cleanups.push(temp.cleanup);
    const db = new Database(temp.file);
    cleanups.push(() => {
      db.close();
    });
    const store = await openSqliteEventStore(db);
    await store.appendToStream('order-1', [placed('1')]);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare('SELECT stream FROM tributary_es_events').pluck().all()).toEqual(['order-1']);
    await expectRejects(() => store.readAll(), 'CLOSED');
  });

  it('works on a borrowed in-memory Database, reads waiting for an open transaction', async () => {
    const db = new Database(':memory:');
    cleanups.push(() => {
      db.close();
    });
    const store = await openSqliteEventStore(db);
    cleanups.push(() => store.close());
    let read: Promise<RecordedEvent[]> | undefined;
    await store.transaction(async (tx) => {
      await tx.appendToStream('order-1', [placed('1')]);
      read = store.readStream('order-1');
    });
    expect(versions((await read) ?? [])).toEqual([1n]);
  });

  it('opens a path in WAL mode with synchronous = FULL', async () => {
    const { store } = await open();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('fails with STORAGE_FAILURE saying so when the file is not a database', async () => {
    const temp = tempDb('tributary-es-');
    cleanups.push(temp.cleanup);
    fs.writeFileSync(temp.file, 'these are not the pages you are looking for '.repeat(100));
    await expectRejects(
      () => openSqliteEventStore(temp.file),
      'STORAGE_FAILURE',
      'is not a SQLite database',
      temp.file,
    );
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    const temp = tempDb('tributary-es-');
    cleanups.push(temp.cleanup);
    const bad = { inlineProjections: [{ name: '', apply: () => {} }] };
    await expectRejects(() => openSqliteEventStore(temp.file, bad), 'INVALID_ARGUMENT');
  });
});
