import { describe, expect, it } from 'vitest';
import { gate } from '../bus/test-support/fixtures.js';
import { sleep } from '../reliability/sleep.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { activeProjectionVersion } from './active-version.js';
import { defineProjection } from './define-projection.js';
import { rebuildProjection } from './rebuild.js';
import { startProjection } from './runner.js';
import { appendOrders, dataOf, OrderTables, stopAfterTest, testStore } from './test-support/fixtures.js';
import type { ProgressReport } from './types.js';

const fast = { pollIntervalMs: 10 };

describe('rebuildProjection', () => {
  it('rebuilds v2 beside the live v1 while appends go on, ending with a v2 read model equal to v1', async () => {
    const store = testStore();
    const tables = new OrderTables();
    const v1 = defineProjection({ name: 'orders', version: 1, handle: tables.handle });
    // v2 writes like a real database: a little slower than memory, so the rebuild takes a while.
    const v2 = defineProjection({
      ...v1,
      version: 2,
      handle: async (events, ctx) => {
        await sleep(1);
        tables.handle(events, ctx);
      },
    });
    await appendOrders(store, 300);
    const live = stopAfterTest(startProjection(store, v1, fast));
    await live.whenCaughtUp();

    // Appends keep coming, to new orders and to existing ones, until the rebuild is over.
    let appending = true;
    let appended = 0;
    const appender = (async () => {
      for (let i = 300; appending; i++) {
        await appendOrders(store, 1, i % 2 === 0 ? i : i % 300);
        appended++;
        await sleep(1);
      }
    })();
    const reports: ProgressReport[] = [];
    const rebuilt = stopAfterTest(
      await rebuildProjection(store, v2, {
        ...fast,
        batchSize: 10,
        progressIntervalMs: 5,
        onProgress: (p) => void reports.push(p),
      }),
    );
    const afterRebuild = appended;
    await waitFor(() => appended > afterRebuild + 5); // the new version stays live after the switch
    appending = false;
    await appender;
    await Promise.all([live.whenCaughtUp(), rebuilt.whenCaughtUp()]);

    expect(afterRebuild).toBeGreaterThan(0);
    expect(await activeProjectionVersion(store, 'orders')).toBe(2);
    expect(tables.table(2)).toEqual(tables.table(1));
    expect(tables.table(1).size).toBeGreaterThan(300);
    expect(rebuilt.status()).toMatchObject({ version: 2, state: 'active' });

    expect(reports.length).toBeGreaterThan(1);
    const last = reports.at(-1);
    expect(last?.done).toBe(last?.total);
    expect(last?.etaSeconds).toBe(0);
    expect(last?.total).toBeGreaterThanOrEqual(300n);
    for (let i = 1; i < reports.length; i++)
      expect(reports[i]?.done).toBeGreaterThanOrEqual(reports[i - 1]?.done ?? 0n);
    expect(reports.some((p) => p.ratePerSec > 0)).toBe(true);
    await live.stop(); // the caller stops v1 once v2 is active
  });

  it('refuses a version that is not above the active one', async () => {
    const store = testStore();
    const handle = () => {};
    stopAfterTest(await rebuildProjection(store, { name: 'orders', version: 2, handle }, fast));
    for (const version of [1, 2]) {
      const error = await rejection(rebuildProjection(store, { name: 'orders', version, handle }, fast));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/not above the active version 2: bump version to 3/);
    }
    stopAfterTest(await rebuildProjection(store, { name: 'orders', version: 3, handle }, fast));
    expect(await activeProjectionVersion(store, 'orders')).toBe(3);
  });

  it('leaves the active version unchanged and stops the new version when its handler fails', async () => {
    const store = testStore();
    await appendOrders(store, 3);
    const error = await rejection(
      rebuildProjection(
        store,
        {
          name: 'orders',
          version: 2,
          handle: (events) => {
            if (events.some((r) => dataOf(r).n === 1)) throw new Error('bad order');
          },
        },
        fast,
      ),
    );
    expect(error.code).toBe('PERMANENT_FAILURE');
    expect(await activeProjectionVersion(store, 'orders')).toBeUndefined();
    expect(await store.checkpoints.acquireLease('projection:orders:v2', 'someone', 1000)).toBeDefined();
  });

  it('rejects with CLOSED when aborted, and resumes from its checkpoint next time unless fromScratch', async () => {
    const store = testStore();
    await appendOrders(store, 4);
    const held = gate();
    const seen: bigint[] = [];
    const projection = defineProjection({
      name: 'orders',
      version: 2,
      handle: async (events) => {
        seen.push(...events.map((r) => r.position));
        if (seen.length === 2) await held.promise;
      },
    });
    const abort = new AbortController();
    const rebuilding = rejection(
      rebuildProjection(store, projection, { ...fast, batchSize: 1, signal: abort.signal }),
    );
    await waitFor(() => seen.length === 2);
    abort.abort();
    held.open();
    expect((await rebuilding).code).toBe('CLOSED');
    expect(await activeProjectionVersion(store, 'orders')).toBeUndefined();
    expect(await store.checkpoints.get('projection:orders:v2')).toBe(2n);

    stopAfterTest(await rebuildProjection(store, projection, fast));
    expect(seen).toEqual([1n, 2n, 3n, 4n]);
    const again = defineProjection({ ...projection, version: 3 });
    await store.checkpoints.compareAndSet('projection:orders:v3', undefined, 4n);
    seen.length = 0;
    stopAfterTest(await rebuildProjection(store, again, { ...fast, fromScratch: true }));
    expect(seen).toEqual([1n, 2n, 3n, 4n]);
  });
});
