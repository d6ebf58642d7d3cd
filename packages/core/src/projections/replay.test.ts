import { describe, expect, it } from 'vitest';
import { testBus } from '../bus/test-support/fixtures.js';
import { fromLogRecord } from '../envelope/kafka-binary-codec.js';
import type { RecordedEvent } from '../ports/event-store.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { replayEvents } from './replay.js';
import { placed, shipped, testStore } from './test-support/fixtures.js';
import type { ProgressReport } from './types.js';

const where = (events: readonly RecordedEvent[]) => events.map((r) => `${r.stream}@${r.version}`);

describe('replayEvents', () => {
  it('replays one stream in version order to a handler, in batches, with progress in versions', async () => {
    const store = testStore();
    await store.appendToStream('order-1', [placed('o-1', 1), shipped('o-1')]);
    await store.appendToStream('order-2', [placed('o-2', 2)]);
    await store.appendToStream('order-1', [placed('o-1', 3)]);
    const batches: string[][] = [];
    const reports: ProgressReport[] = [];
    const result = await replayEvents(
      store,
      { stream: 'order-1' },
      (events) => void batches.push(where(events)),
      {
        batchSize: 2,
        onProgress: (p) => void reports.push(p),
      },
    );
    expect(result).toEqual({ events: 3 });
    expect(batches).toEqual([['order-1@1', 'order-1@2'], ['order-1@3']]);
    expect(reports.map((p) => [p.done, p.total])).toEqual([
      [2n, 3n],
      [3n, 3n],
    ]);
    expect(reports.at(-1)?.etaSeconds).toBe(0);
  });

  it('replays a stream of one tenant, and nothing for a stream that does not exist', async () => {
    const store = testStore();
    await store.appendToStream('order-1', [placed('o-1', 1)]);
    await store.appendToStream('order-1', [placed('o-1', 2), placed('o-1', 3)], { tenant: 'acme' });
    const seen: RecordedEvent[] = [];
    const collect = (events: readonly RecordedEvent[]) => void seen.push(...events);
    expect(await replayEvents(store, { stream: 'order-1', tenant: 'acme' }, collect)).toEqual({ events: 2 });
    expect(seen.map((r) => r.tenant)).toEqual(['acme', 'acme']);
    expect(await replayEvents(store, { stream: 'order-404' }, collect)).toEqual({ events: 0 });
  });

  it('replays events of some types recorded since a time, from the global log', async () => {
    const store = testStore();
    await store.appendToStream('order-1', [placed('o-1', 1), shipped('o-1')]);
    const since = new Date(Date.now() + 1);
    await waitFor(() => Date.now() > since.getTime());
    await store.appendToStream('order-2', [placed('o-2', 2), shipped('o-2')]);
    await store.appendToStream('order-3', [shipped('o-3')], { tenant: 'acme' });
    const seen: RecordedEvent[] = [];
    const collect = (events: readonly RecordedEvent[]) => void seen.push(...events);
    expect(await replayEvents(store, { types: ['order.shipped'], since }, collect, { batchSize: 1 })).toEqual(
      {
        events: 2,
      },
    );
    expect(where(seen)).toEqual(['order-2@2', 'order-3@1']);
    seen.length = 0;
    await replayEvents(store, { tenant: 'acme' }, collect);
    expect(where(seen)).toEqual(['order-3@1']);
    seen.length = 0;
    await replayEvents(store, {}, collect);
    expect(seen.map((r) => r.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
  });

  it('stops at the head it started at, even when the handler appends', async () => {
    const store = testStore();
    await store.appendToStream('order-1', [placed('o-1', 1), placed('o-1', 2)]);
    let appended = 0;
    const result = await replayEvents(
      store,
      {},
      async () => {
        await store.appendToStream('order-9', [placed('o-9', appended++)]);
      },
      { batchSize: 1 },
    );
    expect(result).toEqual({ events: 2 });
  });

  it('replays to a topic as the stored CloudEvents with key = stream, each stream in one partition in order', async () => {
    const store = testStore();
    for (let round = 0; round < 3; round++)
      for (const stream of ['order-a', 'order-b', 'order-c', 'order-d'])
        await store.appendToStream(stream, [placed(stream, round)]);
    const { bus, log } = testBus();
    await bus.createTopic('replayed', { partitions: 3 });
    expect(
      await replayEvents(store, { types: ['order.placed'] }, { bus, topic: 'replayed' }, { batchSize: 5 }),
    ).toEqual({ events: 12 });
    const stored = await store.readAll();
    const byStream = new Map<string, { partition: number; ids: string[] }>();
    for (let partition = 0; partition < 3; partition++)
      for (const record of (await log.fetch('replayed', partition, 0n)).records) {
        const key = Buffer.from(record.key ?? []).toString();
        const entry = byStream.get(key) ?? { partition, ids: [] };
        expect(entry.partition).toBe(partition);
        entry.ids.push(fromLogRecord(record).id);
        byStream.set(key, entry);
      }
    expect([...byStream.keys()].sort()).toEqual(['order-a', 'order-b', 'order-c', 'order-d']);
    for (const [stream, { ids }] of byStream)
      expect(ids).toEqual(stored.filter((r) => r.stream === stream).map((r) => r.event.id));
  });

  it('rejects bad selections, targets and options with INVALID_ARGUMENT', async () => {
    const store = testStore();
    const handler = () => {};
    const { bus } = testBus();
    const bad = [
      () => replayEvents(store, { stream: '' }, handler),
      () => replayEvents(store, { stream: 'order-1', types: ['x'] } as { stream: string }, handler),
      () => replayEvents(store, { types: [''] }, handler),
      () => replayEvents(store, { since: new Date('nope') }, handler),
      () => replayEvents(store, {}, { bus, topic: '' }),
      () => replayEvents(store, {}, handler, { batchSize: 0 }),
    ];
    for (const replay of bad) expect((await rejection(replay())).code).toBe('INVALID_ARGUMENT');
  });
});
