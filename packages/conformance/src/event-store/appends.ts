import { describe, expect, it } from 'vitest';
import { asRead, idsOf, orderEvents, placed, positionsOf, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectConflict, expectEmpty, expectError } from './helpers.js';

export function appendFeatures(fx: EventStoreFixture): void {
  describe('appendToStream', () => {
    it('returns the next expected version and the position of the last event appended', async () => {
      const store = await fx.open();
      const first = await store.appendToStream('order-1', orderEvents('1', 3));
      expect(first.nextExpectedVersion).toBe(3n);
      const read = await store.readAll();
      expect(versionsOf(read)).toEqual([1n, 2n, 3n]);
      expect(first.position).toBe(read.at(-1)?.position);
      expect(read[0]?.position).toBeGreaterThanOrEqual(1n);
      const second = await store.appendToStream('order-2', [placed('2')]);
      expect(second.nextExpectedVersion).toBe(1n);
      expect(second.position).toBeGreaterThan(first.position);
      expect(await store.headPosition()).toBe(second.position);
    });

    it('stores events exactly as given, with the tenant as tenantid', async () => {
      const store = await fx.open();
      const events = [
        placed('1', 12.5, { subject: 'order-1', correlationid: 'c-1', extensions: { region: 'eu' } }),
        shipped('1', 'dhl', {
          partitionkey: 'order-1',
          traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        }),
      ];
      await store.appendToStream('order-1', events);
      const read = await store.readStream('order-1');
      expect(read.map((r) => r.event)).toEqual(events.map((e) => asRead(e)));
      expect(read.every((r) => r.stream === 'order-1' && r.tenant === 'default')).toBe(true);
      expect(read.every((r) => r.recordedAt instanceof Date)).toBe(true);
    });

    it('keeps JSON data of every shape: nested objects, arrays, unicode, null and no data', async () => {
      const store = await fx.open();
      const base = placed('1');
      const datas = [{ a: { b: [1, 'two', null, true] } }, ['x', 2], 'caf\u00e9 🙂', 42, null, undefined];
      const events = datas.map((data, i) => ({ ...base, id: `${base.id}-${i}`, data }));
      await store.appendToStream('shapes', events);
      const read = await store.readStream('shapes');
      expect(read.map((r) => r.event.data)).toEqual([...datas.slice(0, 5), null]);
    });

    it('returns copies: changing what a read returned does not change the store', async () => {
      const store = await fx.open();
      const event = placed('1');
      await store.appendToStream('order-1', [event]);
      const [first] = await store.readStream('order-1');
      (first?.event.data as { amount: number }).amount = 999;
      const [again] = await store.readStream('order-1');
      expect(again?.event.data).toEqual(event.data);
    });
  });

  describe('idempotent re-append', () => {
    it('returns the original result and writes nothing when the same events are appended again', async () => {
      const store = await fx.open();
      const events = orderEvents('1', 2);
      const original = await store.appendToStream('order-1', events, { expectedVersion: 'no_stream' });
      await store.appendToStream('order-1', [shipped('1')]);
      const head = await store.headPosition();
      // The expected version is stale now, and still the repeat succeeds.
      for (const expectedVersion of ['no_stream', 0n, 'any'] as const)
        expect(await store.appendToStream('order-1', events, { expectedVersion })).toEqual(original);
      expect(await store.headPosition()).toBe(head);
      expect(versionsOf(await store.readStream('order-1'))).toEqual([1n, 2n, 3n]);
    });

    it('returns the original results of appendToStreams repeated', async () => {
      const store = await fx.open();
      const appends = [
        { stream: 'order-1', events: orderEvents('1', 2) },
        { stream: 'order-2', events: [placed('2')] },
      ];
      const original = await store.appendToStreams(appends);
      expect(await store.appendToStreams(appends)).toEqual(original);
      expect(await store.readAll()).toHaveLength(3);
    });

    it('rejects with DUPLICATE_EVENT_ID when only some of the events are stored already', async () => {
      const store = await fx.open();
      const [a, b, c] = orderEvents('1', 3);
      await store.appendToStream('order-1', [a!, b!]);
      await expectError(() => store.appendToStream('order-1', [b!, c!]), 'DUPLICATE_EVENT_ID', b!.id);
      await expectError(() => store.appendToStream('order-1', [c!, a!]), 'DUPLICATE_EVENT_ID', a!.id);
      expect(idsOf(await store.readAll())).toEqual([a!.id, b!.id]);
    });

    it('rejects with DUPLICATE_EVENT_ID when the events are stored in another order', async () => {
      const store = await fx.open();
      const [a, b] = orderEvents('1', 2);
      await store.appendToStream('order-1', [a!, b!]);
      await expectError(() => store.appendToStream('order-1', [b!, a!]), 'DUPLICATE_EVENT_ID');
      expect(await store.readAll()).toHaveLength(2);
    });

    it('rejects with DUPLICATE_EVENT_ID an event id already stored in another stream', async () => {
      const store = await fx.open();
      const event = placed('1');
      await store.appendToStream('order-1', [event]);
      await expectError(() => store.appendToStream('order-2', [event]), 'DUPLICATE_EVENT_ID', event.id);
      await expectError(
        () => store.appendToStreams([{ stream: 'order-3', events: [placed('3'), event] }]),
        'DUPLICATE_EVENT_ID',
        event.id,
      );
      expect(await store.getStream('order-2')).toBeUndefined();
      expect(idsOf(await store.readAll())).toEqual([event.id]);
    });
  });

  describe('appendToStreams', () => {
    it('appends to several streams in one call, results in the order of the appends', async () => {
      const store = await fx.open();
      await store.appendToStream('order-2', [placed('2')]);
      const results = await store.appendToStreams([
        { stream: 'order-1', events: orderEvents('1', 2) },
        { stream: 'order-2', events: [shipped('2')] },
      ]);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([2n, 2n]);
      const read = await store.readAll({ after: 1n });
      expect(read.map((r) => [r.stream, r.version])).toEqual([
        ['order-1', 1n],
        ['order-1', 2n],
        ['order-2', 2n],
      ]);
      expect(results.map((r) => r.position)).toEqual([read[1]?.position, read[2]?.position]);
      expect(positionsOf(read)).toEqual([...positionsOf(read)].sort((x, y) => (x < y ? -1 : 1)));
    });

    it('writes nothing of any stream when one of the appends conflicts', async () => {
      const store = await fx.open();
      await store.appendToStream('order-2', [placed('2')]);
      const head = await store.headPosition();
      await expectConflict(
        () =>
          store.appendToStreams([
            { stream: 'order-1', events: orderEvents('1', 2), expectedVersion: 'no_stream' },
            { stream: 'order-3', events: [placed('3')] },
            { stream: 'order-2', events: [shipped('2')], expectedVersion: 'no_stream' },
          ]),
        'order-2',
        'no_stream',
        1n,
      );
      expect(await store.readAll()).toHaveLength(1);
      expect(await store.headPosition()).toBe(head);
      expect(await store.getStream('order-1')).toBeUndefined();
      expect(await store.readStream('order-3')).toEqual([]);
    });

    it('rejects the same stream twice with INVALID_ARGUMENT and writes nothing', async () => {
      const store = await fx.open();
      await expectError(
        () =>
          store.appendToStreams([
            { stream: 'order-1', events: [placed('1')] },
            { stream: 'order-1', events: [shipped('1')] },
          ]),
        'INVALID_ARGUMENT',
        'order-1',
      );
      await expectEmpty(store);
    });
  });
}
