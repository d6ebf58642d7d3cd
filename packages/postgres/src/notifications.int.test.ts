import { waitFor } from '@tributary/core/internal';
import { expect, it } from 'vitest';
import { describeWithPostgres } from './test-support/pg.js';
import { event, useStores } from './test-support/stores.js';

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
    const before = calls;
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
    const before = calls;
    await elsewhere.appendToStream('account-1', [event()]);
    await neighbour.appendToStream('account-2', [event()]);
    await waitFor(() => calls > before);
    expect(calls).toBe(before + 1);
  });
});
