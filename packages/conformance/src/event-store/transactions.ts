import { describe, expect, it } from 'vitest';
import { idsOf, orderEvents, placed, shipped, versionsOf } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectConflict, expectEmpty } from './helpers.js';

export function transactionFeatures(fx: EventStoreFixture): void {
  describe('transaction', () => {
    it("commits the function's appends together and returns its value", async () => {
      const store = await fx.open();
      const order = orderEvents('1', 2);
      const invoice = [placed('inv-1')];
      const value = await store.transaction(async (tx) => {
        const first = await tx.appendToStream('order-1', order, { expectedVersion: 'no_stream' });
        await tx.appendToStreams([{ stream: 'invoice-1', events: invoice, expectedVersion: 'no_stream' }]);
        return first.nextExpectedVersion;
      });
      expect(value).toBe(2n);
      expect(idsOf(await store.readAll())).toEqual(idsOf([...order, ...invoice]));
    });

    it('sees its own appends: a second append to the same stream continues the versions', async () => {
      const store = await fx.open();
      await store.transaction(async (tx) => {
        const first = await tx.appendToStream('order-1', [placed('1')], { expectedVersion: 0n });
        const second = await tx.appendToStream('order-1', [shipped('1')], {
          expectedVersion: first.nextExpectedVersion,
        });
        expect(second.nextExpectedVersion).toBe(2n);
        expect(second.position).toBeGreaterThan(first.position);
      });
      expect(versionsOf(await store.readStream('order-1'))).toEqual([1n, 2n]);
    });

    it('writes nothing and rethrows the same error when the function throws', async () => {
      const store = await fx.open();
      const failure = new Error('the function failed after appending');
      const attempt = store.transaction(async (tx) => {
        await tx.appendToStream('order-1', orderEvents('1', 2));
        await tx.appendToStreams([{ stream: 'order-2', events: [placed('2')] }]);
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      await expectEmpty(store);
      expect(await store.getStream('order-1')).toBeUndefined();
    });

    it('writes nothing when an append inside conflicts and the conflict is not caught', async () => {
      const store = await fx.open();
      await store.appendToStream('order-2', [placed('2')]);
      const head = await store.headPosition();
      await expectConflict(
        () =>
          store.transaction(async (tx) => {
            await tx.appendToStream('order-1', [placed('1')]);
            await tx.appendToStream('order-2', [shipped('2')], { expectedVersion: 'no_stream' });
          }),
        'order-2',
        'no_stream',
        1n,
      );
      expect(await store.headPosition()).toBe(head);
      expect(await store.readStream('order-1')).toEqual([]);
      expect(await store.readAll()).toHaveLength(1);
    });

    it('commits what succeeded when the function catches a conflict and carries on', async () => {
      const store = await fx.open();
      await store.appendToStream('order-2', [placed('2')]);
      await store.transaction(async (tx) => {
        await tx.appendToStream('order-1', [placed('1')]);
        await expect(
          tx.appendToStream('order-2', orderEvents('x', 2), { expectedVersion: 'no_stream' }),
        ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
        await tx.appendToStream('order-3', [placed('3')]);
      });
      expect((await store.readAll()).map((r) => r.stream)).toEqual(['order-2', 'order-1', 'order-3']);
      expect(versionsOf(await store.readStream('order-2'))).toEqual([1n]);
    });

    it('runs transactions one after another: 10 concurrent read-then-append transactions all commit', async () => {
      const store = await fx.open();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.appendToStream(`order-${i}`, [placed(`${i}`)], { expectedVersion: 'no_stream' });
            await tx.appendToStream('counter', [shipped(`${i}`)]);
          }),
        ),
      );
      expect(versionsOf(await store.readStream('counter'))).toEqual(
        Array.from({ length: 10 }, (_, i) => BigInt(i + 1)),
      );
      expect(await store.readAll()).toHaveLength(20);
    });
  });
}
