import { type ErrorCode, isTributaryError } from '@tributary/core';
import { expect, it } from 'vitest';
import { describeWithPostgres } from './test-support/pg.js';
import { event, events, useStores } from './test-support/stores.js';

const codeOf = (r: PromiseSettledResult<unknown>): ErrorCode | 'ok' | 'other' =>
  r.status === 'fulfilled' ? 'ok' : isTributaryError(r.reason) ? r.reason.code : 'other';

describeWithPostgres('concurrent appends across processes', () => {
  const stores = useStores();

  it('lets exactly one of several stores (own pools) win each round of exact expected versions', async () => {
    const instances = await Promise.all(Array.from({ length: 5 }, () => stores.open({ poolSize: 2 })));
    for (let round = 0n; round < 8n; round++) {
      const settled = await Promise.allSettled(
        instances.flatMap((store) =>
          [0, 1].map(() => store.appendToStream('account-1', [event()], { expectedVersion: round })),
        ),
      );
      const codes = settled.map(codeOf);
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c === 'WRONG_EXPECTED_VERSION')).toHaveLength(settled.length - 1);
      for (const r of settled)
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ expected: round, actual: round + 1n });
    }
    const read = await instances[0]!.readStream('account-1');
    expect(read.map((r) => r.version)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  });

  it('settles each append of one group commit on its own: conflicts and duplicates fail alone', async () => {
    const store = await stores.open();
    await store.appendToStream('account-1', [event()]);
    const taken = event();
    await store.appendToStream('account-2', [taken]);
    // issued in the same tick: they share one round trip unless one of them breaks the whole call
    const settled = await Promise.allSettled([
      store.appendToStream('account-1', [event()], { expectedVersion: 1n }),
      store.appendToStream('account-1', [event()], { expectedVersion: 1n }),
      store.appendToStream('account-3', [event(), taken]),
      store.appendToStream('account-4', events(3), { expectedVersion: 'no_stream' }),
      store.appendToStream('account-2', [event()], { expectedVersion: 'stream_exists' }),
    ]);
    expect(settled.map(codeOf)).toEqual(['ok', 'WRONG_EXPECTED_VERSION', 'DUPLICATE_EVENT_ID', 'ok', 'ok']);
    expect(await store.getStream('account-3')).toBeUndefined();
    expect((await store.readAll()).map((r) => `${r.stream}@${r.version}`)).toEqual([
      'account-1@1',
      'account-2@1',
      'account-1@2',
      'account-4@1',
      'account-4@2',
      'account-4@3',
      'account-2@2',
    ]);
  });

  it('settles a group of appends to distinct streams each on its own, whatever state each stream is in', async () => {
    // (distinct streams and no retried event: the function settles the group in a few statements)
    const store = await stores.open();
    await store.appendToStreams([
      { stream: 'existing-1', events: events(2) },
      { stream: 'existing-2', events: events(1) },
      { stream: 'soft-1', events: events(3) },
      { stream: 'hard-1', events: events(1) },
    ]);
    await store.deleteStream('soft-1');
    await store.deleteStream('hard-1', { hard: true });
    await store.setStreamMetadata('empty-1', { maxCount: 5 });
    const settled = await Promise.allSettled([
      store.appendToStream('existing-1', [event()], { expectedVersion: 2n }),
      store.appendToStream('existing-2', [event()], { expectedVersion: 5n }),
      store.appendToStream('new-1', events(2), { expectedVersion: 'no_stream' }),
      store.appendToStream('new-2', [event()], { expectedVersion: 'stream_exists' }),
      store.appendToStream('soft-1', [event()], { expectedVersion: 'no_stream' }),
      store.appendToStream('hard-1', [event()]),
      store.appendToStream('empty-1', [event()], { expectedVersion: 0n }),
      store.appendToStream('existing-1', [event()], { tenant: 'acme', expectedVersion: 'no_stream' }),
    ]);
    expect(settled.map(codeOf)).toEqual([
      'ok',
      'WRONG_EXPECTED_VERSION',
      'ok',
      'WRONG_EXPECTED_VERSION',
      'ok',
      'STREAM_DELETED',
      'ok',
      'ok',
    ]);
    const versions = settled.map((r) => (r.status === 'fulfilled' ? r.value.nextExpectedVersion : undefined));
    expect(versions).toEqual([3n, undefined, 2n, undefined, 4n, undefined, 1n, 1n]);
    expect(settled[1]).toMatchObject({ reason: { actual: 1n } });
    expect(settled[3]).toMatchObject({ reason: { actual: 0n } });
    // positions follow the order the appends were issued in
    const positions = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.position] : []));
    expect(positions.slice(0, 3)).toEqual([...positions.slice(0, 3)].sort((a, b) => (a < b ? -1 : 1)));
    expect(await store.getStream('new-2')).toBeUndefined();
    expect((await store.readStream('new-1')).map((r) => r.version)).toEqual([1n, 2n]);
    expect((await store.readStream('soft-1')).map((r) => r.version)).toEqual([4n]);
  });

  it('appends 200 concurrent single events with contiguous positions and versions per stream', async () => {
    const store = await stores.open();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.appendToStream(`account-${i % 4}`, [event()])),
    );
    expect(new Set(results.map((r) => r.position)).size).toBe(200);
    const all = await store.readAll();
    expect(all.map((r) => r.position)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i + 1)));
    for (let s = 0; s < 4; s++)
      expect(all.filter((r) => r.stream === `account-${s}`).map((r) => r.version)).toEqual(
        Array.from({ length: 50 }, (_, i) => BigInt(i + 1)),
      );
  });
});
