import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import type { LogFixture } from './fixture.js';
import { expectLogError, textRecord } from './helpers.js';

/** Deliberately ill-typed configs, as a JavaScript caller or a config file could send them. */
const looseConfig = (config: Record<string, unknown>): Partial<TopicConfig> => config as Partial<TopicConfig>;

const BAD_CONFIGS: readonly [key: string, value: unknown][] = [
  ['partitions', 0],
  ['partitions', 1.5],
  ['partitions', 10_001],
  ['retentionMs', -2],
  ['retentionBytes', -5],
  ['segmentBytes', 0],
  ['maxMessageBytes', 0],
  ['fsyncIntervalMs', 0],
  ['fsync', 'sometimes'],
  ['partitions', '3'],
];

const GOOD_NAMES = ['a', 'orders', 'Orders.v2_eu-west-1', '__internal', 'x'.repeat(249)];
const BAD_NAMES = ['', '.', '..', 'x'.repeat(250), 'a/b', 'a b', 'a\\b', 'a:b', 'ordres\u00e9', 'a*'];

export function topicFeatures(fx: LogFixture): void {
  describe('topics', () => {
    it('creates a topic with the default config and empty partitions', async () => {
      const created = await fx.log.createTopic('orders');
      expect(created.name).toBe('orders');
      expect(created.config).toEqual(DEFAULT_TOPIC_CONFIG);
      expect(created.partitions).toEqual([
        expect.objectContaining({ partition: 0, earliestOffset: 0n, latestOffset: 0n }),
      ]);
      const described = await fx.log.describeTopic('orders');
      expect(described.name).toBe('orders');
      expect(described.config).toEqual(DEFAULT_TOPIC_CONFIG);
    });

    it('merges a partial config over the defaults and numbers the partitions from 0', async () => {
      const created = await fx.log.createTopic('payments', {
        partitions: 3,
        retentionMs: 60_000,
        fsync: 'never',
      });
      const expected = { ...DEFAULT_TOPIC_CONFIG, partitions: 3, retentionMs: 60_000, fsync: 'never' };
      expect(created.config).toEqual(expected);
      expect(created.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect((await fx.log.describeTopic('payments')).config).toEqual(expected);
    });

    it('lists no topics in a fresh log', async () => {
      expect(await fx.log.listTopics()).toEqual([]);
    });

    it('lists every topic with its config and partitions', async () => {
      await fx.log.createTopic('b', { partitions: 2 });
      await fx.log.createTopic('a');
      const listed = await fx.log.listTopics();
      const byName = new Map(listed.map((t) => [t.name, t]));
      expect([...byName.keys()].sort()).toEqual(['a', 'b']);
      expect(byName.get('b')?.config.partitions).toBe(2);
      expect(byName.get('b')?.partitions).toHaveLength(2);
      expect(byName.get('a')?.config).toEqual(DEFAULT_TOPIC_CONFIG);
    });

    it('rejects creating a topic that exists with TOPIC_EXISTS and keeps the original', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      await fx.log.append('orders', 1, [textRecord('kept')]);
      await expectLogError(() => fx.log.createTopic('orders', { partitions: 5 }), 'TOPIC_EXISTS', 'orders');
      const described = await fx.log.describeTopic('orders');
      expect(described.config.partitions).toBe(2);
      expect(described.partitions[1]?.latestOffset).toBe(1n);
    });

    it('deletes a topic with its records; a topic created again under that name starts empty', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      await fx.log.append('orders', 0, [textRecord('old-1'), textRecord('old-2')]);
      await fx.log.createTopic('other');
      await fx.log.deleteTopic('orders');
      await expectLogError(() => fx.log.describeTopic('orders'), 'UNKNOWN_TOPIC', 'orders');
      expect((await fx.log.listTopics()).map((t) => t.name)).toEqual(['other']);

      const again = await fx.log.createTopic('orders', { partitions: 1 });
      expect(again.config.partitions).toBe(1);
      expect(await fx.log.latestOffset('orders', 0)).toBe(0n);
      expect((await fx.log.fetch('orders', 0, 0n)).records).toEqual([]);
      expect((await fx.log.append('orders', 0, [textRecord('new')])).baseOffset).toBe(0n);
    });

    it('rejects a config value out of range with INVALID_TOPIC_CONFIG naming the key, and creates nothing', async () => {
      for (const [key, value] of BAD_CONFIGS) {
        await expectLogError(
          () => fx.log.createTopic('t', looseConfig({ [key]: value })),
          'INVALID_TOPIC_CONFIG',
          key,
        );
      }
      expect(await fx.log.listTopics()).toEqual([]);
    });

    it('rejects an unknown config key with INVALID_TOPIC_CONFIG naming it', async () => {
      await expectLogError(
        () => fx.log.createTopic('t', looseConfig({ retention: 1000 })),
        'INVALID_TOPIC_CONFIG',
        'retention',
      );
      expect(await fx.log.listTopics()).toEqual([]);
    });

    it('accepts every topic name Kafka accepts, up to 249 characters', async () => {
      for (const name of GOOD_NAMES) await fx.log.createTopic(name);
      expect((await fx.log.listTopics()).map((t) => t.name).sort()).toEqual([...GOOD_NAMES].sort());
    });

    it('rejects topic names Kafka rejects with INVALID_TOPIC_NAME, and creates nothing', async () => {
      for (const name of BAD_NAMES) {
        const error = await expectLogError(() => fx.log.createTopic(name), 'INVALID_TOPIC_NAME');
        // The message quotes the name; names needing escapes or too long to read are not checked verbatim.
        if (name.length > 0 && name.length < 100 && !name.includes('\\'))
          expect(error.message).toContain(name);
      }
      expect(await fx.log.listTopics()).toEqual([]);
    });

    it('describes each partition with its offsets and a size that grows with appends', async () => {
      await fx.log.createTopic('orders', { partitions: 2 });
      const before = await fx.log.describeTopic('orders');
      await fx.log.append('orders', 1, [textRecord('a'.repeat(500)), textRecord('b'.repeat(500))]);
      const after = await fx.log.describeTopic('orders');
      expect(after.partitions[0]).toMatchObject({ partition: 0, earliestOffset: 0n, latestOffset: 0n });
      expect(after.partitions[1]).toMatchObject({ partition: 1, earliestOffset: 0n, latestOffset: 2n });
      expect(after.partitions[1]?.sizeBytes).toBeGreaterThan(before.partitions[1]?.sizeBytes ?? 0);
      expect(after.partitions[1]?.sizeBytes).toBeGreaterThanOrEqual(1000);
    });
  });
}
