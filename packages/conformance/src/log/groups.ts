import type { CommittedOffset } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectLogError } from './helpers.js';

/** Offsets in a stable order, so the suite does not pin the order an adapter returns them in. */
const sorted = (offsets: readonly CommittedOffset[]): CommittedOffset[] =>
  [...offsets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);

const BAD_GROUPS = ['', 'x'.repeat(250), 'tab\there', 'nul\u0000'];

export function groupFeatures(fx: LogFixture): void {
  describe('committed offsets', () => {
    const setUp = async (): Promise<void> => {
      await fx.log.createTopic('orders', { partitions: 3 });
      await fx.log.createTopic('payments');
    };

    it('returns what a group committed, with its metadata', async () => {
      await setUp();
      const offsets: CommittedOffset[] = [
        { topic: 'orders', partition: 0, offset: 5n },
        { topic: 'orders', partition: 2, offset: 0n, metadata: 'member-1' },
        { topic: 'payments', partition: 0, offset: 2n ** 40n },
      ];
      await fx.log.commitOffsets('billing', offsets);
      expect(sorted(await fx.log.fetchOffsets('billing'))).toEqual(offsets);
    });

    it('filters by topic', async () => {
      await setUp();
      await fx.log.commitOffsets('billing', [
        { topic: 'orders', partition: 1, offset: 7n },
        { topic: 'payments', partition: 0, offset: 3n },
      ]);
      expect(await fx.log.fetchOffsets('billing', 'orders')).toEqual([
        { topic: 'orders', partition: 1, offset: 7n },
      ]);
      expect(await fx.log.fetchOffsets('billing', 'payments')).toEqual([
        { topic: 'payments', partition: 0, offset: 3n },
      ]);
    });

    it("overwrites a partition's offset with a later commit and keeps the others", async () => {
      await setUp();
      await fx.log.commitOffsets('billing', [
        { topic: 'orders', partition: 0, offset: 1n },
        { topic: 'orders', partition: 1, offset: 1n },
      ]);
      await fx.log.commitOffsets('billing', [
        { topic: 'orders', partition: 0, offset: 9n, metadata: 'later' },
      ]);
      expect(sorted(await fx.log.fetchOffsets('billing'))).toEqual([
        { topic: 'orders', partition: 0, offset: 9n, metadata: 'later' },
        { topic: 'orders', partition: 1, offset: 1n },
      ]);
    });

    it("keeps each group's offsets independent", async () => {
      await setUp();
      await fx.log.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 4n }]);
      await fx.log.commitOffsets('shipping', [{ topic: 'orders', partition: 0, offset: 8n }]);
      expect(await fx.log.fetchOffsets('billing')).toEqual([{ topic: 'orders', partition: 0, offset: 4n }]);
      expect(await fx.log.fetchOffsets('shipping')).toEqual([{ topic: 'orders', partition: 0, offset: 8n }]);
      expect(await fx.log.fetchOffsets('never-committed')).toEqual([]);
    });

    it('lists the groups that committed, and forgets a deleted group', async () => {
      await setUp();
      expect(await fx.log.listGroups()).toEqual([]);
      await fx.log.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 1n }]);
      await fx.log.commitOffsets('shipping', [{ topic: 'payments', partition: 0, offset: 1n }]);
      expect([...(await fx.log.listGroups())].sort()).toEqual(['billing', 'shipping']);
      await fx.log.deleteGroup('billing');
      expect(await fx.log.listGroups()).toEqual(['shipping']);
      expect(await fx.log.fetchOffsets('billing')).toEqual([]);
      expect(await fx.log.fetchOffsets('shipping')).toEqual([
        { topic: 'payments', partition: 0, offset: 1n },
      ]);
    });

    it('commits all offsets or none: an unknown topic in the batch rejects it whole', async () => {
      await setUp();
      await fx.log.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 1n }]);
      const batch = [
        { topic: 'orders', partition: 0, offset: 50n },
        { topic: 'orders', partition: 1, offset: 50n },
        { topic: 'nope', partition: 0, offset: 50n },
      ];
      await expectLogError(() => fx.log.commitOffsets('billing', batch), 'UNKNOWN_TOPIC', 'nope');
      expect(await fx.log.fetchOffsets('billing')).toEqual([{ topic: 'orders', partition: 0, offset: 1n }]);
    });

    it('rejects a negative offset with INVALID_ARGUMENT and stores nothing', async () => {
      await setUp();
      const batch = [
        { topic: 'orders', partition: 0, offset: 3n },
        { topic: 'orders', partition: 1, offset: -1n },
      ];
      await expectLogError(() => fx.log.commitOffsets('billing', batch), 'INVALID_ARGUMENT', 'orders', '-1');
      expect(await fx.log.fetchOffsets('billing')).toEqual([]);
    });

    it('rejects invalid group names with INVALID_ARGUMENT', async () => {
      await setUp();
      for (const group of BAD_GROUPS) {
        await expectLogError(
          () => fx.log.commitOffsets(group, [{ topic: 'orders', partition: 0, offset: 0n }]),
          'INVALID_ARGUMENT',
        );
        await expectLogError(() => fx.log.fetchOffsets(group), 'INVALID_ARGUMENT');
        await expectLogError(() => fx.log.deleteGroup(group), 'INVALID_ARGUMENT');
      }
      expect(await fx.log.listGroups()).toEqual([]);
    });

    it('forgets committed offsets of a deleted topic, so a new topic of that name starts clean', async () => {
      await setUp();
      await fx.log.commitOffsets('billing', [
        { topic: 'orders', partition: 0, offset: 3n },
        { topic: 'payments', partition: 0, offset: 2n },
      ]);
      await fx.log.deleteTopic('orders');
      await fx.log.createTopic('orders');
      expect(await fx.log.fetchOffsets('billing', 'orders')).toEqual([]);
      expect(await fx.log.fetchOffsets('billing')).toEqual([{ topic: 'payments', partition: 0, offset: 2n }]);
    });
  });
}
