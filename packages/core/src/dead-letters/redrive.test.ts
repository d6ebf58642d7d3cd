import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromLogRecord, toLogRecord } from '../envelope/kafka-binary-codec.js';
import { defineEvent } from '../events/define-event.js';
import { createMemoryLog, type MemoryLog } from '../memory/memory-log.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import type { LogRecord } from '../ports/log.js';
import { rejection } from '../testing/thrown.js';
import { DeadLetters, writeDeadLetter } from './dead-letters.js';
import { deadLetter, failure, text, utf8 } from './test-fixtures.js';

let log: MemoryLog;
beforeEach(() => {
  log = createMemoryLog();
});
afterEach(() => log.close());

async function all(topic: string, partition: number): Promise<LogRecord[]> {
  return [...(await log.fetch(topic, partition, 0n)).records];
}

const view = (r: LogRecord) => ({
  key: text(r.key),
  value: text(r.value),
  timestamp: r.timestamp,
  headers: r.headers.map((h) => [h.key, text(h.value)]),
});

describe('DeadLetters.redrive', () => {
  it('re-publishes every pending letter to its original topic and partition with the original record', async () => {
    await log.createTopic('orders', { partitions: 3 });
    await deadLetter(log, { key: 'a', id: 'e1', timestamp: 111 }, { partition: 2, offset: 5n });
    await deadLetter(log, { key: null, id: 'e2', value: null }, { partition: 2, offset: 6n });
    await deadLetter(log, { key: 'c', id: 'e3' }, { partition: 0, offset: 9n });
    const dead = new DeadLetters(log, 'billing');

    expect(await dead.redrive()).toEqual({ redriven: 3 });

    const p2 = await all('orders', 2);
    expect(p2.map(view)).toEqual([
      {
        key: 'a',
        value: '{"n":1}',
        timestamp: 111,
        headers: [
          ['ce_id', 'e1'],
          ['ce_type', 'order.placed'],
          ['app', null],
        ],
      },
      expect.objectContaining({ key: null, value: null }),
    ]);
    expect((await all('orders', 0)).map((r) => text(r.key))).toEqual(['c']);
    expect(await dead.list()).toEqual([]);
  });

  it('does nothing the second time: letters already re-driven are not re-published', async () => {
    await log.createTopic('orders');
    await deadLetter(log, { id: 'e1' }, { offset: 1n });
    const dead = new DeadLetters(log, 'billing');
    expect(await dead.redrive()).toEqual({ redriven: 1 });
    expect(await dead.redrive()).toEqual({ redriven: 0 });
    expect(await new DeadLetters(log, 'billing').redrive()).toEqual({ redriven: 0 });
    expect(await all('orders', 0)).toHaveLength(1);
  });

  it('re-drives only the letters matching the filter and leaves the rest pending', async () => {
    await log.createTopic('orders');
    await deadLetter(log, { key: 'a', id: 'e1' }, { offset: 1n });
    await deadLetter(log, { key: 'b', id: 'e2', type: 'order.shipped' }, { offset: 2n });
    await deadLetter(log, { key: 'c', id: 'e3' }, { offset: 3n });
    const dead = new DeadLetters(log, 'billing');
    expect(await dead.redrive({ type: 'order.placed', key: 'c' })).toEqual({ redriven: 1 });
    expect((await all('orders', 0)).map((r) => text(r.key))).toEqual(['c']);
    expect((await dead.list()).map((l) => l.eventId)).toEqual(['e1', 'e2']);
  });

  it('re-drives or discards exactly one letter by its place in the dead-letter topic', async () => {
    await log.createTopic('orders');
    await deadLetter(log, { key: 'a', id: 'e1' }, { offset: 1n });
    await deadLetter(log, { key: 'b', id: 'e2' }, { offset: 2n });
    await deadLetter(log, { key: 'c', id: 'e3' }, { offset: 3n });
    const dead = new DeadLetters(log, 'billing');
    const [first, second] = await dead.list();
    expect(
      await dead.redrive({ at: { partition: second!.dlqPartition, offset: second!.dlqOffset } }),
    ).toEqual({
      redriven: 1,
    });
    expect((await all('orders', 0)).map((r) => text(r.key))).toEqual(['b']);
    expect(await dead.discard({ at: { partition: first!.dlqPartition, offset: first!.dlqOffset } })).toEqual({
      discarded: 1,
    });
    expect((await dead.list()).map((l) => l.eventId)).toEqual(['e3']);
    await expect(
      dead.redrive({ at: { partition: 0, offset: 1 as unknown as bigint } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('filter.at'),
    });
  });

  it('does not re-drive discarded letters, and the decisions survive a new instance', async () => {
    await log.createTopic('orders');
    await deadLetter(log, { id: 'e1' }, { offset: 1n });
    await deadLetter(log, { id: 'e2' }, { offset: 2n });
    await deadLetter(log, { id: 'e3' }, { offset: 3n });
    const first = new DeadLetters(log, 'billing');
    expect(await first.discard()).toEqual({ discarded: 3 });
    expect(await first.list()).toEqual([]);

    await deadLetter(log, { id: 'e4' }, { offset: 4n });
    const reopened = new DeadLetters(log, 'billing');
    expect((await reopened.list()).map((l) => l.eventId)).toEqual(['e4']);
    expect(await reopened.redrive()).toEqual({ redriven: 1 });
    expect((await all('orders', 0)).map((r) => r.headers[0] && text(r.headers[0].value))).toEqual(['e4']);
  });

  it('re-publishes each letter once when two instances re-drive at the same time', async () => {
    await log.createTopic('orders');
    for (let i = 0; i < 20; i++) await deadLetter(log, { id: `e${i}` }, { offset: BigInt(i) });
    const results = await Promise.all([
      new DeadLetters(log, 'billing').redrive(),
      new DeadLetters(log, 'billing').redrive(),
    ]);
    expect(results[0].redriven + results[1].redriven).toBe(20);
    expect(await all('orders', 0)).toHaveLength(20);
  });

  it('goes by key when the original partition no longer exists, and keyless to partition modulo count', async () => {
    await log.createTopic('orders', { partitions: 2 });
    await deadLetter(log, { key: 'k-9', id: 'keyed' }, { partition: 7, offset: 1n });
    await deadLetter(log, { key: null, id: 'keyless' }, { partition: 7, offset: 2n });
    await new DeadLetters(log, 'billing').redrive();
    const byKey = partitionForKey(utf8('k-9'), 2);
    const ids = async (p: number) => (await all('orders', p)).map((r) => text(r.headers[0]?.value ?? null));
    expect(await ids(byKey)).toContain('keyed');
    expect(await ids(7 % 2)).toContain('keyless');
  });

  it('rejects with UNKNOWN_TOPIC naming the topic when the original topic is gone, marking nothing', async () => {
    await deadLetter(log, { id: 'e1' }, { offset: 1n });
    const dead = new DeadLetters(log, 'billing');
    const err = await rejection(dead.redrive());
    expect(err.code).toBe('UNKNOWN_TOPIC');
    expect(err.message).toContain('Cannot re-drive dead letters to topic "orders" (dead letter 0:0)');
    expect(await dead.list()).toHaveLength(1);
  });

  it('splits a large re-drive into appends that fit the topic maxMessageBytes', async () => {
    await log.createTopic('orders', { maxMessageBytes: 1024 });
    const value = 'x'.repeat(300);
    for (let i = 0; i < 10; i++) await deadLetter(log, { id: `e${i}`, value }, { offset: BigInt(i) });
    expect(await new DeadLetters(log, 'billing').redrive()).toEqual({ redriven: 10 });
    expect((await all('orders', 0)).map((r) => text(r.headers[0]?.value ?? null))).toEqual(
      Array.from({ length: 10 }, (_, i) => `e${i}`),
    );
  });

  it('rejects a limit, which applies to list only', async () => {
    const err = await rejection(new DeadLetters(log, 'billing').redrive({ limit: 5 }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('filter.limit applies to list only, not to redrive');
  });
});

describe('dead letters end to end', () => {
  const OrderPlaced = defineEvent('order.placed', {
    version: 1,
    topic: 'orders',
    source: 'shop',
    schema: z.object({ orderId: z.string(), total: z.number() }),
  });

  it('re-drives a typed event that decodes to the same event, with the same id', async () => {
    await log.createTopic('orders', { partitions: 2 });
    const event = OrderPlaced.create({ orderId: 'o-1', total: 12.5 }, { partitionkey: 'o-1' });
    const input = toLogRecord(event);
    const partition = partitionForKey(input.key ?? utf8(''), 2);
    const { baseOffset } = await log.append('orders', partition, [input]);
    const [consumed] = (await log.fetch('orders', partition, baseOffset)).records;
    if (consumed === undefined) throw new Error('record not found');

    await writeDeadLetter(log, consumed, failure({ partition, offset: baseOffset }));
    const dead = new DeadLetters(log, 'billing');
    const [letter] = await dead.list({ type: 'order.placed', key: 'o-1' });
    expect(letter?.eventId).toBe(event.id);
    expect(letter?.failure.offset).toBe(baseOffset);

    expect(await dead.redrive({ type: 'order.placed' })).toEqual({ redriven: 1 });
    const records = await all('orders', partition);
    expect(records).toHaveLength(2);
    const redriven = records[1]!;
    expect(view(redriven)).toEqual(view(consumed));
    expect(fromLogRecord(redriven)).toEqual(event);
  });
});
