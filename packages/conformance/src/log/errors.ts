import type { Log } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectLogError, textRecord } from './helpers.js';

/** Every operation that addresses a topic, called on `topic`. */
const topicCalls = (log: Log, topic: string): [string, () => Promise<unknown>][] => [
  ['deleteTopic', () => log.deleteTopic(topic)],
  ['describeTopic', () => log.describeTopic(topic)],
  ['append', () => log.append(topic, 0, [textRecord('x')])],
  ['fetch', () => log.fetch(topic, 0, 0n)],
  ['fetch with maxWaitMs', () => log.fetch(topic, 0, 0n, { maxWaitMs: 50 })],
  ['earliestOffset', () => log.earliestOffset(topic, 0)],
  ['latestOffset', () => log.latestOffset(topic, 0)],
  ['offsetForTimestamp', () => log.offsetForTimestamp(topic, 0, 0)],
  ['commitOffsets', () => log.commitOffsets('group', [{ topic, partition: 0, offset: 0n }])],
];

/** Every operation that addresses a partition of `topic`, called on `partition`. */
const partitionCalls = (log: Log, topic: string, partition: number): [string, () => Promise<unknown>][] => [
  ['append', () => log.append(topic, partition, [textRecord('x')])],
  ['fetch', () => log.fetch(topic, partition, 0n)],
  ['earliestOffset', () => log.earliestOffset(topic, partition)],
  ['latestOffset', () => log.latestOffset(topic, partition)],
  ['offsetForTimestamp', () => log.offsetForTimestamp(topic, partition, 0)],
  ['commitOffsets', () => log.commitOffsets('group', [{ topic, partition, offset: 0n }])],
];

/** Every method of the port. */
const allCalls = (log: Log): [string, () => Promise<unknown>][] => [
  ['createTopic', () => log.createTopic('new-topic')],
  ['listTopics', () => log.listTopics()],
  ...topicCalls(log, 'orders'),
  ['fetchOffsets', () => log.fetchOffsets('group')],
  ['listGroups', () => log.listGroups()],
  ['deleteGroup', () => log.deleteGroup('group')],
];

export function errorFeatures(fx: LogFixture): void {
  describe('errors', () => {
    it('rejects every operation on a topic that does not exist with UNKNOWN_TOPIC naming it', async () => {
      await fx.log.createTopic('orders');
      for (const [operation, call] of topicCalls(fx.log, 'missing-topic')) {
        await expectLogError(call, 'UNKNOWN_TOPIC', 'missing-topic').catch((error: unknown) => {
          throw new Error(`${operation}: ${String(error)}`);
        });
      }
      expect((await fx.log.listTopics()).map((t) => t.name)).toEqual(['orders']);
      expect(await fx.log.listGroups()).toEqual([]);
    });

    it('rejects partitions -1, N, 1.5 and NaN with PARTITION_OUT_OF_RANGE naming the topic and partition', async () => {
      await fx.log.createTopic('orders', { partitions: 3 });
      for (const partition of [-1, 3, 4, 1.5, Number.NaN]) {
        for (const [operation, call] of partitionCalls(fx.log, 'orders', partition)) {
          await expectLogError(call, 'PARTITION_OUT_OF_RANGE', 'orders', String(partition)).catch(
            (error: unknown) => {
              throw new Error(`${operation} on partition ${partition}: ${String(error)}`);
            },
          );
        }
      }
      for (const partition of [0, 1, 2]) expect(await fx.log.latestOffset('orders', partition)).toBe(0n);
      expect(await fx.log.listGroups()).toEqual([]);
    });

    it('rejects every call after close() with CLOSED', async () => {
      await fx.log.createTopic('orders');
      await fx.log.append('orders', 0, [textRecord('a')]);
      await fx.log.close();
      for (const [operation, call] of allCalls(fx.log)) {
        await expectLogError(call, 'CLOSED').catch((error: unknown) => {
          throw new Error(`${operation}: ${String(error)}`);
        });
      }
    });

    it('closes idempotently: concurrent and repeated closes resolve', async () => {
      await fx.log.createTopic('orders');
      await fx.log.append('orders', 0, [textRecord('a')]);
      await Promise.all([fx.log.close(), fx.log.close()]);
      await expect(fx.log.close()).resolves.toBeUndefined();
      await expectLogError(() => fx.log.listTopics(), 'CLOSED');
    });
  });
}
