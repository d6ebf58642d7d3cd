import type { CloudEvent, OutboxEntry, RecordedEvent } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped } from '../event-store/events.js';
import type { EventStoreFixture } from '../event-store/fixture.js';

/** The entries as `[topic, event id]` pairs. */
const topics = (entries: readonly OutboxEntry[]): [string, string][] =>
  entries.map((e) => [e.topic, e.recorded.event.id]);

/** Asserts ids increase strictly (commit order). */
function expectIncreasingIds(entries: readonly OutboxEntry[]): void {
  for (let i = 1; i < entries.length; i++) expect(entries[i]!.id).toBeGreaterThan(entries[i - 1]!.id);
}

export function outboxBasics(fx: EventStoreFixture): void {
  describe('outbox entries', () => {
    it("writes one entry per event of an append with outbox: 'topic', holding the recorded event", async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', orderEvents('1', 3), { outbox: 'orders', tenant: 'acme' });
      const pending = await store.outbox.pending();
      const recorded: RecordedEvent[] = await store.readAll();
      expect(pending.map((e) => e.recorded)).toEqual(recorded);
      expect(pending.every((e) => e.topic === 'orders')).toBe(true);
      expect(pending[0]!.id).toBeGreaterThanOrEqual(1n);
      expectIncreasingIds(pending);
      expect(await store.outbox.countPending()).toBe(3);
    });

    it('writes no entries for appends without a topic, and none with outbox: false', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      await store.appendToStream('order-2', [placed('2')], { outbox: false });
      expect(await store.outbox.pending()).toEqual([]);
      expect(await store.outbox.countPending()).toBe(0);
    });

    it("uses the store's outboxTopic per event, which an append's outbox option overrides", async () => {
      const calls: [string, string][] = [];
      const store = await fx.open({
        outboxTopic: (event, stream) => {
          calls.push([event.type, stream]);
          return event.type === 'order.placed' ? 'placed-orders' : undefined;
        },
      });
      const [p1, s1] = [placed('1'), shipped('1')];
      await store.appendToStream('order-1', [p1, s1]);
      const override = placed('2');
      await store.appendToStream('order-2', [override], { outbox: 'special' });
      await store.appendToStream('order-3', [placed('3')], { outbox: false });
      expect(topics(await store.outbox.pending())).toEqual([
        ['placed-orders', p1.id],
        ['special', override.id],
      ]);
      expect(calls.slice(0, 2)).toEqual([
        ['order.placed', 'order-1'],
        ['order.shipped', 'order-1'],
      ]);
    });

    it('writes entries of appendToStreams and transactions in commit order, each with its own topic', async () => {
      const store = await fx.open();
      const a = orderEvents('a', 2);
      const b = [placed('b')];
      const c = [placed('c')];
      await store.appendToStreams([
        { stream: 'order-a', events: a, outbox: 'orders' },
        { stream: 'order-b', events: b },
        { stream: 'order-c', events: c, outbox: 'audit' },
      ]);
      const d = [shipped('d')];
      await store.transaction(async (tx) => {
        await tx.appendToStream('order-d', d, { outbox: 'orders' });
      });
      const pending = await store.outbox.pending();
      expect(topics(pending)).toEqual([
        ['orders', a[0]!.id],
        ['orders', a[1]!.id],
        ['audit', c[0]!.id],
        ['orders', d[0]!.id],
      ]);
      expectIncreasingIds(pending);
    });

    it('keeps per-stream order across interleaved appends', async () => {
      const store = await fx.open();
      const written: CloudEvent[] = [];
      await Promise.all(
        ['order-1', 'order-2', 'order-3'].map(async (stream) => {
          for (let i = 0; i < 5; i++) {
            const event = i === 0 ? placed(stream) : shipped(stream, `c-${i}`);
            written.push(event);
            await store.appendToStream(stream, [event], { outbox: 'orders' });
          }
        }),
      );
      const pending = await store.outbox.pending();
      expect(pending).toHaveLength(15);
      expectIncreasingIds(pending);
      for (let i = 1; i < pending.length; i++)
        expect(pending[i]!.recorded.position).toBeGreaterThan(pending[i - 1]!.recorded.position);
      for (const stream of ['order-1', 'order-2', 'order-3']) {
        const ofStream = pending.filter((e) => e.recorded.stream === stream);
        expect(ofStream.map((e) => e.recorded.version)).toEqual([1n, 2n, 3n, 4n, 5n]);
      }
      expect(new Set(idsOf(pending.map((e) => e.recorded)))).toEqual(new Set(idsOf(written)));
    });

    it('writes no new entries for an idempotent re-append', async () => {
      const store = await fx.open();
      const events = orderEvents('1', 2);
      await store.appendToStream('order-1', events, { outbox: 'orders' });
      await store.appendToStream('order-1', events, { outbox: 'orders' });
      expect(await store.outbox.countPending()).toBe(2);
    });
  });
}
