import { createBus, createMemoryLog, DeadLetters, defineEvent } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteExactlyOnce } from './exactly-once.js';
import { tempDb } from './test-support/temp-db.js';

const Paid = defineEvent('payment.captured', {
  version: 1,
  schema: z.object({ n: z.number() }),
  topic: 'payments',
});

describe('subscribe with exactly-once delivery on SQLite', () => {
  let cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups = [];
  });

  async function setup() {
    const db = tempDb();
    const store = new SqliteExactlyOnce(db.file);
    store.db.exec('CREATE TABLE effects (seq INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL)');
    const bus = createBus(createMemoryLog());
    await bus.createTopic('payments');
    cleanups.push(
      db.cleanup,
      () => store.close(),
      () => bus.close(),
    );
    const effects = () => store.db.prepare('SELECT n FROM effects ORDER BY seq').pluck().all() as number[];
    return { bus, store, effects };
  }

  it('applies each event once, in order, and skips redelivered duplicates', async () => {
    const { bus, store, effects } = await setup();
    const events = Array.from({ length: 50 }, (_, n) => Paid.create({ n }));
    await bus.publishBatch(events);
    await bus.subscribe({
      group: 'ledger',
      events: [Paid],
      from: 'earliest',
      delivery: { exactlyOnce: store },
      handler: (event, ctx) => {
        ctx.tx.run('INSERT INTO effects (n) VALUES (?)', event.data.n);
      },
    });
    await waitFor(() => effects().length === 50);
    await bus.publishBatch(events.slice(0, 10)); // the same events (same ids) again
    await bus.publishBatch([Paid.create({ n: 99 })]);
    await waitFor(() => effects().includes(99));
    expect(effects()).toEqual([...Array.from({ length: 50 }, (_, n) => n), 99]);
    expect(store.committedOffset('ledger', 'payments', 0)).toBe(61n);
  });

  it('rolls back only a failing effect, retries it, and keeps partition order', async () => {
    const { bus, store, effects } = await setup();
    await bus.publishBatch(Array.from({ length: 10 }, (_, n) => Paid.create({ n })));
    let failures = 0;
    await bus.subscribe({
      group: 'ledger',
      events: [Paid],
      from: 'earliest',
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      delivery: { exactlyOnce: store },
      handler: (event, ctx) => {
        ctx.tx.run('INSERT INTO effects (n) VALUES (?)', event.data.n);
        if (event.data.n === 4 && failures++ < 2) throw new Error('constraint check failed'); // after its write
      },
    });
    await waitFor(() => effects().length === 10);
    expect(effects()).toEqual(Array.from({ length: 10 }, (_, n) => n));
    expect(failures).toBe(3);
  });

  it('dead-letters an event whose handler returns a promise, saying why', async () => {
    const { bus, store, effects } = await setup();
    await bus.publishBatch([Paid.create({ n: 1 })]);
    await bus.subscribe({
      group: 'ledger',
      events: [Paid],
      from: 'earliest',
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      delivery: { exactlyOnce: store },
      handler: async () => {},
    });
    const dlq = new DeadLetters(bus.log, 'ledger');
    await waitFor(async () => (await dlq.list()).length === 1);
    expect((await dlq.list())[0]!.failure.error.message).toMatch(/synchronous SQLite transaction/);
    expect(effects()).toEqual([]);
  });
});
