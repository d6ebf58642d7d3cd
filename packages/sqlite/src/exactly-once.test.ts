import type { ErrorCode } from '@tributary/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteExactlyOnce, type SqliteExactlyOnceKey } from './exactly-once.js';
import type { SqliteTx } from './sqlite-tx.js';
import { expectThrowsCode } from './test-support/expect-code.js';
import { tempDb } from './test-support/temp-db.js';

/** Passes a wrongly typed value through a typed parameter, as untyped JavaScript callers can. */
const untyped = <T>(value: unknown): T => value as T;

const key = (eventId: string, nextOffset: bigint, more: Partial<SqliteExactlyOnceKey> = {}) => ({
  group: 'billing',
  eventId,
  topic: 'orders',
  partition: 0,
  nextOffset,
  ...more,
});

/** The effect used by most tests: one row per event in the handler's own table. */
const insertPayment = (eventId: string) => (tx: SqliteTx) =>
  tx.run('INSERT INTO payments (event_id) VALUES (?)', eventId).changes;

describe('SqliteExactlyOnce', () => {
  let temp: ReturnType<typeof tempDb>;
  let eo: SqliteExactlyOnce;
  const paymentIds = () => eo.db.prepare('SELECT event_id FROM payments ORDER BY rowid').pluck().all();
  const markCount = () => eo.db.prepare('SELECT COUNT(*) FROM tributary_dedupe').pluck().get();

  beforeEach(() => {
    temp = tempDb();
    eo = new SqliteExactlyOnce(temp.file);
    eo.db.exec('CREATE TABLE payments (event_id TEXT NOT NULL UNIQUE)');
  });
  afterEach(() => {
    eo.close();
    temp.cleanup();
  });

  it('applies an event once: runs the effect, returns its result, marks the id and records the offset', async () => {
    const outcome = eo.apply(key('evt-1', 8n), insertPayment('evt-1'));
    expect(outcome).toEqual({ applied: true, result: 1 });
    expect(paymentIds()).toEqual(['evt-1']);
    expect(await eo.dedupe.has('billing', 'evt-1')).toBe(true);
    expect(eo.committedOffset('billing', 'orders', 0)).toBe(8n);
  });

  it('skips an event already applied: applied false, the effect does not run, the offset stays', () => {
    eo.apply(key('evt-1', 8n), insertPayment('evt-1'));
    let ran = false;
    const outcome = eo.apply(key('evt-1', 9n), () => {
      ran = true;
    });
    expect(outcome).toEqual({ applied: false });
    expect(ran).toBe(false);
    expect(paymentIds()).toEqual(['evt-1']);
    expect(eo.committedOffset('billing', 'orders', 0)).toBe(8n);
  });

  it('rolls back everything when the effect throws: no rows, no mark, no offset, the same error', async () => {
    const boom = new Error('payment provider said no');
    expect(() =>
      eo.apply(key('evt-1', 8n), (tx) => {
        tx.run('INSERT INTO payments (event_id) VALUES (?)', 'evt-1');
        throw boom;
      }),
    ).toThrow(boom);
    expect(paymentIds()).toEqual([]);
    expect(markCount()).toBe(0);
    expect(await eo.dedupe.has('billing', 'evt-1')).toBe(false);
    expect(eo.committedOffset('billing', 'orders', 0)).toBeUndefined();
    // A retry then applies normally.
    expect(eo.apply(key('evt-1', 8n), insertPayment('evt-1'))).toEqual({ applied: true, result: 1 });
  });

  it("propagates an error from the effect's own SQL unchanged and rolls back", () => {
    eo.apply(key('evt-1', 1n), insertPayment('evt-1'));
    // A second event whose effect violates the handler's UNIQUE constraint.
    expect(() => eo.apply(key('evt-2', 2n), insertPayment('evt-1'))).toThrow(Database.SqliteError);
    expect(paymentIds()).toEqual(['evt-1']);
    expect(markCount()).toBe(1);
    expect(eo.committedOffset('billing', 'orders', 0)).toBe(1n);
  });

  it('rolls back an effect that returns a promise, with INVALID_ARGUMENT saying it must be synchronous', () => {
    expectThrowsCode(
      () =>
        eo.apply(key('evt-1', 1n), async (tx) => {
          tx.run('INSERT INTO payments (event_id) VALUES (?)', 'evt-1');
        }),
      'INVALID_ARGUMENT',
      'synchronous',
    );
    expect(paymentIds()).toEqual([]);
    expect(markCount()).toBe(0);
    expect(eo.committedOffset('billing', 'orders', 0)).toBeUndefined();
  });

  it('keeps one offset per group, topic and partition, including offsets beyond 2^53', () => {
    const big = 2n ** 60n + 1n;
    eo.apply(key('a', 5n), () => {});
    eo.apply(key('b', big, { partition: 3 }), () => {});
    eo.apply(key('c', 7n, { topic: 'refunds' }), () => {});
    eo.apply(key('d', 9n, { group: 'shipping' }), () => {});
    eo.apply(key('e', 6n), () => {});
    expect(eo.committedOffset('billing', 'orders', 0)).toBe(6n);
    expect(eo.committedOffset('billing', 'orders', 3)).toBe(big);
    expect(eo.committedOffset('billing', 'refunds', 0)).toBe(7n);
    expect(eo.committedOffset('shipping', 'orders', 0)).toBe(9n);
    expect(eo.committedOffset('shipping', 'orders', 1)).toBeUndefined();
  });

  it('applies the same event id once per group', () => {
    expect(eo.apply(key('evt-1', 1n), () => 'billing').applied).toBe(true);
    expect(eo.apply(key('evt-1', 1n, { group: 'shipping' }), () => 'shipping').applied).toBe(true);
    expect(eo.apply(key('evt-1', 2n, { group: 'shipping' }), () => 'again').applied).toBe(false);
  });

  it('honours marks made through dedupe.mark, even one not yet awaited', async () => {
    await eo.dedupe.mark('billing', 'evt-1');
    const pending = eo.dedupe.mark('billing', 'evt-2');
    expect(eo.apply(key('evt-1', 1n), insertPayment('evt-1'))).toEqual({ applied: false });
    expect(eo.apply(key('evt-2', 2n), insertPayment('evt-2'))).toEqual({ applied: false });
    await pending;
    expect(paymentIds()).toEqual([]);
  });

  it('applies an event again once its mark has expired', async () => {
    eo.close();
    eo = new SqliteExactlyOnce(temp.file, { ttlMs: 60_000 });
    await eo.dedupe.mark('billing', 'evt-1', Date.now() - 120_000);
    expect(eo.apply(key('evt-1', 1n), insertPayment('evt-1')).applied).toBe(true);
    expect(await eo.dedupe.has('billing', 'evt-1')).toBe(true);
  });

  it('rejects bad keys with an error naming the field, and writes nothing', () => {
    const cases: [Partial<SqliteExactlyOnceKey>, ErrorCode, string][] = [
      [{ group: '' }, 'INVALID_ARGUMENT', 'group'],
      [{ eventId: '' }, 'INVALID_ARGUMENT', 'event id'],
      [{ topic: 'bad topic' }, 'INVALID_TOPIC_NAME', 'bad topic'],
      [{ partition: -1 }, 'INVALID_ARGUMENT', 'partition'],
      [{ partition: 1.5 }, 'INVALID_ARGUMENT', 'partition'],
      [{ nextOffset: -1n }, 'INVALID_ARGUMENT', 'nextOffset'],
      [{ nextOffset: untyped<bigint>(5) }, 'INVALID_ARGUMENT', 'nextOffset'],
    ];
    for (const [bad, code, mention] of cases) {
      let ran = false;
      expectThrowsCode(
        () =>
          eo.apply(key('evt-1', 1n, bad), () => {
            ran = true;
          }),
        code,
        mention,
      );
      expect(
        ran,
        JSON.stringify(bad, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toBe(false);
    }
    expectThrowsCode(
      () => eo.apply(key('evt-1', 1n), untyped<() => void>('no')),
      'INVALID_ARGUMENT',
      'effect',
    );
    expectThrowsCode(() => eo.committedOffset('billing', 'orders', -1), 'INVALID_ARGUMENT', 'partition');
    expect(markCount()).toBe(0);
  });

  it('refuses a tx used after its effect returned, with CLOSED', () => {
    let leaked: SqliteTx | undefined;
    eo.apply(key('evt-1', 1n), (tx) => {
      leaked = tx;
    });
    expectThrowsCode(
      () => leaked?.run('INSERT INTO payments (event_id) VALUES (?)', 'late'),
      'CLOSED',
      'tx.run()',
    );
    expect(paymentIds()).toEqual([]);
  });

  it('reads rows through tx.get and tx.all inside the effect', () => {
    eo.apply(key('evt-1', 1n), insertPayment('evt-1'));
    const outcome = eo.apply(key('evt-2', 2n), (tx) => {
      tx.run('INSERT INTO payments (event_id) VALUES (?)', 'evt-2');
      return {
        one: tx.get<{ event_id: string }>('SELECT event_id FROM payments WHERE event_id = ?', 'evt-1'),
        none: tx.get('SELECT event_id FROM payments WHERE event_id = ?', 'missing'),
        all: tx.all<{ event_id: string }>('SELECT event_id FROM payments ORDER BY event_id'),
      };
    });
    expect(outcome).toEqual({
      applied: true,
      result: {
        one: { event_id: 'evt-1' },
        none: undefined,
        all: [{ event_id: 'evt-1' }, { event_id: 'evt-2' }],
      },
    });
  });

  it('keeps effects, marks and offsets across a reopen of the file', async () => {
    eo.apply(key('evt-1', 4n), insertPayment('evt-1'));
    eo.close();
    eo = new SqliteExactlyOnce(temp.file);
    expect(paymentIds()).toEqual(['evt-1']);
    expect(eo.committedOffset('billing', 'orders', 0)).toBe(4n);
    expect(await eo.dedupe.has('billing', 'evt-1')).toBe(true);
    expect(eo.apply(key('evt-1', 4n), insertPayment('evt-1'))).toEqual({ applied: false });
  });

  it('opens a path with WAL and synchronous FULL, and closes it on close(); then throws CLOSED', async () => {
    expect(eo.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(eo.db.pragma('synchronous', { simple: true })).toBe(2);
    eo.close();
    eo.close();
    expect(eo.db.open).toBe(false);
    expectThrowsCode(() => eo.apply(key('evt-1', 1n), () => {}), 'CLOSED', 'apply');
    expectThrowsCode(() => eo.committedOffset('billing', 'orders', 0), 'CLOSED', 'committedOffset');
    await expect(eo.dedupe.has('billing', 'evt-1')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it("borrows a Database: keeps its pragmas, leaves it open on close(), commits with the caller's transaction", () => {
    const db = new Database(':memory:');
    try {
      db.pragma('synchronous = OFF');
      const borrowed = new SqliteExactlyOnce(db);
      db.exec('CREATE TABLE payments (event_id TEXT NOT NULL UNIQUE)');
      expect(db.pragma('synchronous', { simple: true })).toBe(0);
      const outer = db.transaction(() => {
        borrowed.apply(key('evt-1', 1n), insertPayment('evt-1'));
        throw new Error('the caller aborts its own transaction');
      });
      expect(() => outer()).toThrow('aborts');
      expect(db.prepare('SELECT COUNT(*) FROM payments').pluck().get()).toBe(0);
      expect(borrowed.committedOffset('billing', 'orders', 0)).toBeUndefined();
      borrowed.close();
      expect(db.open).toBe(true);
      expectThrowsCode(() => borrowed.apply(key('evt-1', 1n), () => {}), 'CLOSED');
    } finally {
      db.close();
    }
  });

  it('throws CLOSED when a borrowed database is closed under it', async () => {
    const db = new Database(':memory:');
    const borrowed = new SqliteExactlyOnce(db);
    db.close();
    expectThrowsCode(() => borrowed.apply(key('evt-1', 1n), () => {}), 'CLOSED', 'apply');
    await expect(borrowed.dedupe.mark('billing', 'evt-1')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('rejects an empty path and a closed Database with INVALID_ARGUMENT, an unopenable path with STORAGE_FAILURE', () => {
    expectThrowsCode(() => new SqliteExactlyOnce(''), 'INVALID_ARGUMENT', 'path');
    const closed = new Database(':memory:');
    closed.close();
    expectThrowsCode(() => new SqliteExactlyOnce(closed), 'INVALID_ARGUMENT', 'closed');
    const missing = `${temp.dir}/no/such/dir/x.db`;
    expectThrowsCode(() => new SqliteExactlyOnce(missing), 'STORAGE_FAILURE', missing);
    expectThrowsCode(() => new SqliteExactlyOnce(temp.file, { ttlMs: 0 }), 'INVALID_ARGUMENT', 'ttlMs');
  });
});
