import { connect, fromLogRecord, startOutboxRelay } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { expect, it } from 'vitest';
import { describeWithPostgres } from './test-support/pg.js';
import { event, useStores } from './test-support/stores.js';

describeWithPostgres('outbox relays on PostgreSQL', () => {
  const stores = useStores();

  it('with two instances on one schema, one relay publishes each row once, in stream order', async () => {
    const bus = await connect('memory:');
    await bus.createTopic('accounts', { partitions: 1 });
    const [a, b] = [await stores.open(), await stores.open()];
    const relays = [
      startOutboxRelay(a, bus, { owner: 'relay-a', pollIntervalMs: 50 }),
      startOutboxRelay(b, bus, { owner: 'relay-b', pollIntervalMs: 50 }),
    ];
    try {
      // Writers on both instances, interleaved over 5 streams.
      for (let round = 0; round < 20; round++)
        await Promise.all(
          [a, b].map((store, i) =>
            store.appendToStream(`account-${(round + i) % 5}`, [event()], { outbox: 'accounts' }),
          ),
        );
      await waitFor(async () => (await a.outbox.countPending()) === 0, { timeoutMs: 20_000 });
      const states = relays.map((r) => r.status().state).sort();
      expect(states).toEqual(['active', 'standby']);

      const { records } = await bus.log.fetch('accounts', 0, 0n, { maxRecords: 1000 });
      const published = records.map((r) => ({
        stream: new TextDecoder().decode(r.key!),
        id: fromLogRecord(r).id,
      }));
      expect(new Set(published.map((p) => p.id)).size).toBe(40);
      expect(published).toHaveLength(40);
      for (let s = 0; s < 5; s++) {
        const stored = (await a.readStream(`account-${s}`)).map((r) => r.event.id);
        const seen = published.filter((p) => p.stream === `account-${s}`).map((p) => p.id);
        expect(seen, `account-${s} in version order`).toEqual(stored);
      }
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await bus.close();
    }
  });
});
