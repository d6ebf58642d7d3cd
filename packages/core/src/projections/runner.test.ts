import { describe, expect, it } from 'vitest';
import { gate } from '../bus/test-support/fixtures.js';
import { isTributaryError } from '../errors/errors.js';
import type { RecordedEvent } from '../ports/event-store.js';
import { rejection, thrown } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { defineProjection } from './define-projection.js';
import { startProjection } from './runner.js';
import {
  appendOrders,
  OrderTables,
  otherProcess,
  placed,
  shipped,
  stopAfterTest,
  testStore,
  wrapStore,
} from './test-support/fixtures.js';

const fast = { pollIntervalMs: 10 };

describe('startProjection', () => {
  it('builds a read model, and whenCaughtUp waits until the events appended before the call are handled', async () => {
    const store = testStore();
    await appendOrders(store, 5);
    const tables = new OrderTables();
    const runner = stopAfterTest(
      startProjection(store, defineProjection({ name: 'orders', handle: tables.handle }), fast),
    );
    await runner.whenCaughtUp();
    expect([...tables.table(1).entries()]).toEqual([
      ['o-0', 0],
      ['o-1', 1],
      ['o-2', 2],
      ['o-3', 3],
      ['o-4', 4],
    ]);
    expect(runner.status()).toMatchObject({
      name: 'orders',
      version: 1,
      state: 'active',
      checkpoint: 5n,
      head: 5n,
      lag: 0n,
      processed: 5,
      skipped: 0,
      deadLettered: 0,
    });
    expect(await store.checkpoints.get('projection:orders:v1')).toBe(5n);
  });

  it('is woken by appends in this process instead of waiting for the next poll', async () => {
    const store = testStore();
    const tables = new OrderTables();
    const runner = stopAfterTest(
      startProjection(store, { name: 'orders', handle: tables.handle }, { pollIntervalMs: 3_600_000 }),
    );
    await waitFor(() => runner.status().state === 'active');
    await appendOrders(store, 3);
    await runner.whenCaughtUp({ timeoutMs: 2000 });
    expect(tables.table(1).size).toBe(3);
  });

  it("polls for other processes' appends, which do not wake it", async () => {
    const store = testStore();
    const tables = new OrderTables();
    const runner = stopAfterTest(
      startProjection(otherProcess(store), { name: 'orders', handle: tables.handle }, fast),
    );
    await appendOrders(store, 3);
    await runner.whenCaughtUp();
    expect(tables.table(1).size).toBe(3);
  });

  it('hands over only its types, in batches of batchSize, and moves its checkpoint past other events', async () => {
    const store = testStore();
    await store.appendToStream('order-1', [placed('o-1', 1), shipped('o-1')]);
    await store.appendToStream('order-2', [placed('o-2', 2), shipped('o-2'), placed('o-2', 5)]);
    const batches: string[][] = [];
    const runner = stopAfterTest(
      startProjection(
        store,
        {
          name: 'shipments',
          types: ['order.shipped'],
          handle: (events) => void batches.push(events.map((r) => `${r.stream}@${r.version}`)),
        },
        { ...fast, batchSize: 1 },
      ),
    );
    await runner.whenCaughtUp();
    expect(batches).toEqual([['order-1@2'], ['order-2@2']]);
    expect(runner.status()).toMatchObject({ checkpoint: 5n, lag: 0n, processed: 2 });
  });

  it('resumes after a restart from its checkpoint, handling only what came after', async () => {
    const store = testStore();
    await appendOrders(store, 3);
    const seen: bigint[] = [];
    const projection = defineProjection({
      name: 'positions',
      handle: (events) => void seen.push(...events.map((r) => r.position)),
    });
    const first = startProjection(store, projection, fast);
    await first.whenCaughtUp();
    await first.stop();
    await appendOrders(store, 2, 3);
    const second = stopAfterTest(startProjection(store, projection, fast));
    await second.whenCaughtUp();
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(second.status().processed).toBe(2);
  });

  it('gives the handler its name and version, for versioned tables', async () => {
    const store = testStore();
    await appendOrders(store, 1);
    const contexts: unknown[] = [];
    const runner = stopAfterTest(
      startProjection(
        store,
        { name: 'orders', version: 3, handle: (_, ctx) => void contexts.push(ctx) },
        fast,
      ),
    );
    await runner.whenCaughtUp();
    expect(contexts).toEqual([{ name: 'orders', version: 3 }]);
    expect(await store.checkpoints.get('projection:orders:v3')).toBe(1n);
  });

  it('whenCaughtUp resolves at once when nothing is left, and rejects with REQUEST_TIMEOUT when it takes too long', async () => {
    const store = testStore();
    const held = gate();
    const runner = stopAfterTest(startProjection(store, { name: 'slow', handle: () => held.promise }, fast));
    await runner.whenCaughtUp();
    await appendOrders(store, 1);
    const error = await rejection(runner.whenCaughtUp({ timeoutMs: 30 }));
    expect(isTributaryError(error, 'REQUEST_TIMEOUT')).toBe(true);
    expect(String(error)).toMatch(/did not catch up to position 1 within 30 ms/);
    held.open();
    await runner.whenCaughtUp();
  });

  it('stop finishes the batch in progress, rejects waiting calls with CLOSED and releases the lease', async () => {
    const store = testStore();
    await appendOrders(store, 3);
    const held = gate();
    const handled: RecordedEvent[] = [];
    const runner = startProjection(
      store,
      {
        name: 'slow',
        handle: async (events) => {
          await held.promise;
          handled.push(...events);
        },
      },
      { ...fast, batchSize: 1, owner: 'me' },
    );
    const waiting = rejection(runner.whenCaughtUp());
    await waitFor(() => runner.status().state === 'active');
    const stopped = runner.stop();
    held.open();
    await stopped;
    expect(handled).toHaveLength(1);
    expect(runner.status()).toMatchObject({ state: 'stopped', checkpoint: 1n });
    expect((await waiting).code).toBe('CLOSED');
    expect(isTributaryError(await rejection(runner.whenCaughtUp()), 'CLOSED')).toBe(true);
    expect(await store.checkpoints.acquireLease('projection:slow:v1', 'someone-else', 1000)).toBeDefined();
    await runner.stop(); // idempotent
  });

  it('retries failing store calls with backoff and reports them to onError', async () => {
    const store = testStore();
    await appendOrders(store, 2);
    let failures = 2;
    const flaky = wrapStore(store, {
      readAll: async (options) => {
        if (failures-- > 0) throw new Error('database is restarting');
        return store.readAll(options);
      },
    });
    const errors: unknown[] = [];
    const tables = new OrderTables();
    const runner = stopAfterTest(
      startProjection(
        flaky,
        { name: 'orders', handle: tables.handle },
        { ...fast, onError: (e) => errors.push(e) },
      ),
    );
    await runner.whenCaughtUp();
    expect(tables.table(1).size).toBe(2);
    expect(errors.map(String)).toEqual(['Error: database is restarting', 'Error: database is restarting']);
  });

  it('rejects bad projections and options with INVALID_ARGUMENT', async () => {
    const store = testStore();
    const handle = () => {};
    const bad = [
      () => defineProjection({ name: 'has space', handle }),
      () => defineProjection({ name: '', handle }),
      () => defineProjection({ name: 'x', version: 0, handle }),
      () => defineProjection({ name: 'x', version: 1.5, handle }),
      () => defineProjection({ name: 'x', types: [], handle }),
      () => defineProjection({ name: 'x', onError: 'retry' as 'stop', handle }),
      () => startProjection(store, { name: 'x', handle }, { batchSize: 0 }),
      () => startProjection(store, { name: 'x', handle }, { pollIntervalMs: -1 }),
      () => startProjection(store, { name: 'x', handle }, { leaseTtlMs: 1 }),
      () => startProjection(store, { name: 'x', handle, onError: 'dead-letter' }),
    ];
    for (const make of bad) expect(thrown(make).code).toBe('INVALID_ARGUMENT');
    const runner = stopAfterTest(startProjection(store, { name: 'x', handle }, fast));
    expect(isTributaryError(await rejection(runner.whenCaughtUp({ timeoutMs: 0 })), 'INVALID_ARGUMENT')).toBe(
      true,
    );
  });

  it('stops, with a CLOSED error, when the store is closed under it', async () => {
    const store = testStore();
    const errors: unknown[] = [];
    const runner = startProjection(
      store,
      { name: 'orders', handle: () => {} },
      { ...fast, onError: (e) => errors.push(e) },
    );
    await runner.whenCaughtUp();
    await store.close();
    await waitFor(() => runner.status().state === 'stopped');
    const error = await rejection(runner.whenCaughtUp());
    expect(error.code).toBe('CLOSED');
    expect(error.message).toMatch(/Projection "orders" v1 stopped: /);
    expect(runner.status().error).toBe(error);
    expect(errors).toEqual([]);
    await runner.stop();
  });
});
