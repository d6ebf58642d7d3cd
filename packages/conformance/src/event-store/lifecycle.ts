import type { EventStore } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { describe, expect, it } from 'vitest';
import { idsOf, placed, shipped } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectError, nextTurns } from './helpers.js';

/** Every call of the port with valid arguments, by name. */
function everyCall(store: EventStore): [string, () => Promise<unknown>][] {
  const snapshot = { version: 1n, schemaVersion: 's', state: {} };
  return [
    ['appendToStream', () => store.appendToStream('order-1', [placed('1')])],
    ['appendToStreams', () => store.appendToStreams([{ stream: 'order-1', events: [placed('1')] }])],
    ['readStream', () => store.readStream('order-1')],
    ['readAll', () => store.readAll()],
    ['headPosition', () => store.headPosition()],
    ['getStream', () => store.getStream('order-1')],
    ['setStreamMetadata', () => store.setStreamMetadata('order-1', { maxCount: 1 })],
    ['deleteStream', () => store.deleteStream('order-1')],
    ['saveSnapshot', () => store.saveSnapshot('order-1', snapshot)],
    ['loadSnapshot', () => store.loadSnapshot('order-1')],
    ['transaction', () => store.transaction(async () => 1)],
    ['outbox.pending', () => store.outbox.pending()],
    ['outbox.markPublished', () => store.outbox.markPublished([1n])],
    ['outbox.countPending', () => store.outbox.countPending()],
    ['checkpoints.get', () => store.checkpoints.get('cp')],
    ['checkpoints.compareAndSet', () => store.checkpoints.compareAndSet('cp', undefined, 1n)],
    ['checkpoints.delete', () => store.checkpoints.delete('cp')],
    ['checkpoints.acquireLease', () => store.checkpoints.acquireLease('lease', 'me', 1000)],
    ['checkpoints.releaseLease', () => store.checkpoints.releaseLease('lease', 'me')],
  ];
}

export function lifecycleFeatures(fx: EventStoreFixture): void {
  describe('onAppended', () => {
    it('calls listeners after a committed append, when the events can be read', async () => {
      const store = await fx.open();
      const seen: string[][] = [];
      store.onAppended(() => {
        void store.readAll().then((all) => seen.push(idsOf(all)));
      });
      const event = placed('1');
      await store.appendToStream('order-1', [event]);
      await waitFor(() => seen.length >= 1);
      expect(seen[0]).toEqual([event.id]);
    });

    it('calls listeners after a committed transaction and appendToStreams', async () => {
      const store = await fx.open();
      let calls = 0;
      store.onAppended(() => calls++);
      await store.transaction(async (tx) => tx.appendToStream('order-1', [placed('1')]));
      await waitFor(() => calls >= 1);
      await store.appendToStreams([{ stream: 'order-2', events: [placed('2')] }]);
      await waitFor(() => calls >= 2);
    });

    it('does not call listeners after a failed append or a rolled-back transaction', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      let calls = 0;
      store.onAppended(() => calls++);
      await expect(
        store.appendToStream('order-1', [shipped('1')], { expectedVersion: 0n }),
      ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
      await expect(
        store.transaction(async (tx) => {
          await tx.appendToStream('order-2', [placed('2')]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await nextTurns();
      expect(calls).toBe(0);
    });

    it('stops calling a listener once unsubscribed, and keeps calling the others', async () => {
      const store = await fx.open();
      let first = 0;
      let second = 0;
      const unsubscribe = store.onAppended(() => first++);
      store.onAppended(() => second++);
      await store.appendToStream('order-1', [placed('1')]);
      await waitFor(() => first === 1 && second === 1);
      unsubscribe();
      unsubscribe();
      await store.appendToStream('order-1', [shipped('1')]);
      await waitFor(() => second === 2);
      await nextTurns();
      expect(first).toBe(1);
    });
  });

  describe('close', () => {
    it('rejects every later call with CLOSED; closing twice is harmless', async () => {
      const store = await fx.open();
      await store.appendToStream('order-1', [placed('1')]);
      await store.close();
      await store.close();
      for (const [name, call] of everyCall(store))
        await expectError(call, 'CLOSED').catch((error: unknown) => {
          throw new Error(`${name}: ${String(error)}`);
        });
    });

    it('settles an append started just before close: it commits or rejects with CLOSED', async () => {
      const store = await fx.open();
      const appending = store.appendToStream('order-1', [placed('1')]).then(
        () => 'committed',
        (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : 'other'),
      );
      await store.close();
      expect(['committed', 'CLOSED']).toContain(await appending);
    });
  });
}
