import { waitFor } from '@tributary/core/internal';
import { expect, it } from 'vitest';
import { describeWithPostgres } from './test-support/pg.js';
import { event, useStores } from './test-support/stores.js';

/**
 * Appends a marker and waits until it is heard: notifications arrive in commit order, so the
 * warm-up's stragglers have been heard too. Returns the count then.
 */
async function settled(count: () => number, marker: () => Promise<unknown>): Promise<number> {
  const mark = count();
  await marker();
  await waitFor(() => count() > mark);
  return count();
}

describeWithPostgres('onAppended across processes', () => {
  const stores = useStores();

  it("calls listeners for another store's appends on the same schema, once per own append", async () => {
    const here = await stores.open();
    const there = await stores.open();
    let calls = 0;
    here.onAppended(() => calls++);
    // the LISTEN connection opens in the background: wait until it hears an append
    await waitFor(async () => {
      await there.appendToStream('account-1', [event()]);
      return calls > 0;
    });
    const before = await settled(
      () => calls,
      () => there.appendToStream('account-0', [event()]),
    );
    await here.appendToStream('account-2', [event()]);
    await there.appendToStream('account-3', [event()]);
    await waitFor(() => calls >= before + 2);
    expect(calls).toBe(before + 2);
  });

  it('does not hear appends to another schema', async () => {
    const here = await stores.open();
    const elsewhere = await stores.open({ schema: `${stores.schema()}_other` });
    const neighbour = await stores.open();
    let calls = 0;
    here.onAppended(() => calls++);
    await waitFor(async () => {
      await neighbour.appendToStream('account-1', [event()]);
      return calls > 0;
    });
    const before = await settled(
      () => calls,
      () => neighbour.appendToStream('account-0', [event()]),
    );
    await elsewhere.appendToStream('account-1', [event()]);
    await neighbour.appendToStream('account-2', [event()]);
    await waitFor(() => calls > before);
    expect(calls).toBe(before + 1);
  });
});
