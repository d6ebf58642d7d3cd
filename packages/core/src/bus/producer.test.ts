import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { CloudEvent } from '../envelope/types.js';
import { defineEvent } from '../events/define-event.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import { memoryBus, OrderPlaced, orders } from './test-support/fixtures.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function totalRecords(log: ReturnType<typeof memoryBus>['log'], topic: string): Promise<bigint> {
  const { partitions } = await log.describeTopic(topic);
  return partitions.reduce((sum, p) => sum + p.latestOffset, 0n);
}

describe('publish', () => {
  it('puts a keyed event on the partition Kafka’s murmur2 picks for its key', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('orders', { partitions: 7 });
    for (const key of ['customer-1', 'customer-2', 'ü-ñicode', '']) {
      const event = OrderPlaced.create({ orderId: 'o', n: 1 }, { partitionkey: key });
      const result = await bus.publish(event);
      expect(result.topic).toBe('orders');
      expect(result.partition).toBe(partitionForKey(utf8(key), 7));
    }
  });

  it('prefers options.key over the event’s partitionkey and stores it as the record key', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 5 });
    const event = OrderPlaced.create({ orderId: 'o', n: 1 }, { partitionkey: 'ignored' });
    const result = await bus.publish(event, { key: 'used' });
    expect(result.partition).toBe(partitionForKey(utf8('used'), 5));
    const { records } = await log.fetch('orders', result.partition, result.offset);
    expect(new TextDecoder().decode(records[0]?.key ?? new Uint8Array())).toBe('used');
  });

  it('returns consecutive offsets for events of one key', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('orders', { partitions: 3 });
    const results = [];
    for (const event of orders(4, 1)) results.push(await bus.publish(event));
    expect(results.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n]);
    expect(new Set(results.map((r) => r.partition)).size).toBe(1);
  });

  it('spreads keyless events round-robin over the partitions', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('orders', { partitions: 3 });
    const partitions = [];
    for (const event of orders(6)) partitions.push((await bus.publish(event)).partition);
    expect(partitions).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('honours an explicit partition over the key', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('orders', { partitions: 3 });
    const event = OrderPlaced.create({ orderId: 'o', n: 1 }, { partitionkey: 'k' });
    expect((await bus.publish(event, { partition: 2 })).partition).toBe(2);
  });

  it('rejects a partition that does not exist with PARTITION_OUT_OF_RANGE and writes nothing', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 3 });
    const [event] = orders(1) as [CloudEvent];
    await expect(bus.publish(event, { partition: 3 })).rejects.toMatchObject({
      code: 'PARTITION_OUT_OF_RANGE',
      message: expect.stringContaining('it has 3 partition(s)'),
    });
    await expect(bus.publish(event, { partition: -1 })).rejects.toMatchObject({
      code: 'PARTITION_OUT_OF_RANGE',
    });
    await expect(bus.publish(event, { partition: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('partition must be an integer'),
    });
    expect(await totalRecords(log, 'orders')).toBe(0n);
  });

  it('publishes to the topic given in options, overriding the definition’s', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('audit');
    const [event] = orders(1) as [CloudEvent];
    expect((await bus.publish(event, { topic: 'audit' })).topic).toBe('audit');
  });

  it('rejects an event without a topic with INVALID_ARGUMENT saying to pass { topic }', async () => {
    const { bus } = memoryBus();
    const handMade: CloudEvent = {
      specversion: '1.0',
      id: '1',
      source: 'test',
      type: 'thing.happened',
      time: new Date().toISOString(),
      data: {},
    };
    await expect(bus.publish(handMade)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('pass { topic }'),
    });
  });

  it('rejects an unknown topic with UNKNOWN_TOPIC saying how to create it, creating nothing', async () => {
    const { bus, log } = memoryBus();
    const [event] = orders(1) as [CloudEvent];
    await expect(bus.publish(event)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
      message: expect.stringMatching(/bus\.createTopic\("orders".*autoCreateTopics/),
    });
    expect(await log.listTopics()).toEqual([]);
  });

  it('creates an unknown topic when autoCreateTopics is on, with the given config', async () => {
    const { bus, log } = memoryBus({ autoCreateTopics: { partitions: 4 } });
    const [event] = orders(1) as [CloudEvent];
    await bus.publish(event);
    expect((await log.describeTopic('orders')).partitions).toHaveLength(4);
    const withDefaults = memoryBus({ autoCreateTopics: true });
    await withDefaults.bus.publish(event);
    expect((await withDefaults.log.describeTopic('orders')).partitions).toHaveLength(1);
  });

  it('rejects an invalid auto-create config when the bus is made', () => {
    expect(() => memoryBus({ autoCreateTopics: { partitions: 0 } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_TOPIC_CONFIG',
        message: expect.stringContaining('partitions=0'),
      }),
    );
  });

  it('rejects a non-event with INVALID_ENVELOPE and writes nothing', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders');
    const publishAny = (value: unknown) => bus.publish(value as CloudEvent, { topic: 'orders' });
    for (const bad of [null, 'order', 42, [1]]) {
      await expect(publishAny(bad)).rejects.toMatchObject({ code: 'INVALID_ENVELOPE' });
    }
    await expect(publishAny({ type: 'x', data: 1 })).rejects.toMatchObject({
      code: 'INVALID_ENVELOPE',
      message: expect.stringContaining('id'),
    });
    expect(await totalRecords(log, 'orders')).toBe(0n);
  });

  it('notices a topic deleted and recreated with more partitions', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 1 });
    const [event] = orders(1, 1) as [CloudEvent];
    await bus.publish(event, { partition: 0 });
    await log.deleteTopic('orders');
    await expect(bus.publish(event)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await log.createTopic('orders', { partitions: 8 });
    const result = await bus.publish(event);
    expect(result.partition).toBe(partitionForKey(utf8('k0'), 8));
  });

  it('rejects publishing after close with CLOSED', async () => {
    const { bus } = memoryBus();
    await bus.close();
    await expect(bus.publish(orders(1)[0] as CloudEvent)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(bus.publishBatch(orders(1))).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('publishBatch', () => {
  it('does one append per partition, keeps input order within each, and returns results in input order', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 4 });
    const append = vi.spyOn(log, 'append');
    const events = orders(40, 6);
    const results = await bus.publishBatch(events);

    const partitionsUsed = new Set(results.map((r) => r.partition));
    expect(append).toHaveBeenCalledTimes(partitionsUsed.size);
    expect(results).toHaveLength(40);
    results.forEach((r, i) => {
      expect(r.partition).toBe(partitionForKey(utf8(`k${i % 6}`), 4));
    });
    for (const partition of partitionsUsed) {
      const { records } = await log.fetch('orders', partition, 0n);
      const expected = results
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.partition === partition)
        .map(({ i }) => events[i]?.id);
      const ids = records.map((rec) =>
        new TextDecoder().decode(rec.headers.find((h) => h.key === 'ce_id')?.value ?? new Uint8Array()),
      );
      expect(ids).toEqual(expected);
      // Each result's offset is where that event landed.
      results.forEach((r, i) => {
        if (r.partition === partition) expect(ids[Number(r.offset)]).toBe(events[i]?.id);
      });
    }
  });

  it('sends all keyless events of one batch to one partition, the next batch to the next', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 3 });
    const append = vi.spyOn(log, 'append');
    const first = await bus.publishBatch(orders(10));
    const second = await bus.publishBatch(orders(10));
    expect(append).toHaveBeenCalledTimes(2);
    expect(new Set(first.map((r) => r.partition))).toEqual(new Set([0]));
    expect(new Set(second.map((r) => r.partition))).toEqual(new Set([1]));
    expect(first.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
  });

  it('accepts { event, key } entries and a batch-wide topic', async () => {
    const { bus } = memoryBus();
    await bus.createTopic('audit', { partitions: 5 });
    const [a, b] = orders(2) as [CloudEvent, CloudEvent];
    const results = await bus.publishBatch([{ event: a, key: 'x' }, b], { topic: 'audit' });
    expect(results[0]).toMatchObject({ topic: 'audit', partition: partitionForKey(utf8('x'), 5) });
    expect(results[1]?.topic).toBe('audit');
  });

  it('writes nothing when one event of the batch is invalid, naming its index', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders', { partitions: 2 });
    const broken: unknown = { specversion: '1.0', type: 'x' };
    const events = [...orders(3, 2), broken as CloudEvent, ...orders(2)];
    await expect(bus.publishBatch(events, { topic: 'orders' })).rejects.toMatchObject({
      code: 'INVALID_ENVELOPE',
      message: expect.stringMatching(/^Event 3 of the batch/),
    });
    expect(await totalRecords(log, 'orders')).toBe(0n);
  });

  it('writes nothing when one event of the batch goes to an unknown topic', async () => {
    const { bus, log } = memoryBus();
    await bus.createTopic('orders');
    const Stray = defineEvent('stray.thing', { version: 1, schema: z.object({}), topic: 'missing' });
    await expect(bus.publishBatch([...orders(2), Stray.create({})])).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
      message: expect.stringContaining('"missing"'),
    });
    expect(await totalRecords(log, 'orders')).toBe(0n);
  });

  it('returns an empty list for an empty batch and rejects a non-array', async () => {
    const { bus } = memoryBus();
    expect(await bus.publishBatch([])).toEqual([]);
    const notAnArray: unknown = 'x';
    await expect(bus.publishBatch(notAnArray as CloudEvent[])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
