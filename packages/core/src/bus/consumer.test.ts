import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../envelope/types.js';
import { waitFor } from '../testing/wait-for.js';
import {
  nOf,
  OrderPlaced,
  OrderShipped,
  orders,
  type Seen,
  seenOf,
  testBus,
} from './test-support/fixtures.js';

/** A few event-loop turns, varying per call, so handlers of different partitions interleave. */
async function jitter(n: number): Promise<void> {
  for (let i = 0; i < n % 4; i++) await new Promise((resolve) => setImmediate(resolve));
}

const fast = { fetchMaxWaitMs: 50, autoCommit: { intervalMs: 20 } } as const;

describe('a consumer', () => {
  it('delivers every event once, in offset order within each partition, partitions in parallel', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 4 });
    await bus.publishBatch(orders(200, 40));
    const seen: Seen[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast });
    await consumer.run({
      eachEvent: async (event, ctx) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await jitter(nOf(event));
        seen.push(seenOf('a', event, ctx));
        inFlight--;
      },
    });
    await waitFor(() => seen.length === 200);
    expect(new Set(seen.map((s) => s.n)).size).toBe(200);
    for (let p = 0; p < 4; p++) {
      const offsets = seen.filter((s) => s.partition === p).map((s) => s.offset);
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => BigInt(i)));
    }
    expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(2);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(consumer.assignment()).toEqual([0, 1, 2, 3].map((partition) => ({ topic: 'orders', partition })));
  });

  it('starts at the latest offset by default: only events published after run() are delivered', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    await bus.publishBatch(orders(5));
    const seen: number[] = [];
    await bus
      .consumer({ group: 'g', topics: ['orders'], ...fast })
      .run({ eachEvent: (e) => void seen.push(nOf(e)) });
    await bus.publishBatch(orders(3, undefined, 100));
    await waitFor(() => seen.length === 3);
    expect(seen.sort()).toEqual([100, 101, 102]);
  });

  it('starts at the first record at or after a timestamp', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const at = (n: number, ms: number) => OrderPlaced.create({ orderId: `o${n}`, n }, { time: new Date(ms) });
    await bus.publishBatch([at(1, 1_000), at(2, 2_000), at(3, 3_000)]);
    const seen: number[] = [];
    await bus
      .consumer({ group: 'g', topics: ['orders'], from: { timestamp: 2_000 }, ...fast })
      .run({ eachEvent: (e) => void seen.push(nOf(e)) });
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([2, 3]);

    const late: number[] = [];
    await bus
      .consumer({ group: 'g2', topics: ['orders'], from: { timestamp: Date.now() + 60_000 }, ...fast })
      .run({ eachEvent: (e) => void late.push(nOf(e)) });
    await bus.publish(at(4, 4_000));
    await waitFor(() => late.length === 1);
    expect(late).toEqual([4]);
  });

  it('resumes after the last committed offset when a new consumer of the group starts', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    await bus.publishBatch(orders(10, 3));
    const first: number[] = [];
    const a = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast });
    await a.run({ eachEvent: (e) => void first.push(nOf(e)) });
    await waitFor(() => first.length === 10);
    await a.stop();
    const committed = await log.fetchOffsets('g', 'orders');
    expect(committed.reduce((sum, c) => sum + c.offset, 0n)).toBe(10n);

    await bus.publishBatch(orders(4, 3, 10));
    const second: number[] = [];
    await bus
      .consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast })
      .run({ eachEvent: (e) => void second.push(nOf(e)) });
    await waitFor(() => second.length === 4);
    expect(second.sort((x, y) => x - y)).toEqual([10, 11, 12, 13]);
  });

  it('with manual commit, ctx.commit() commits exactly that event of that partition', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    await bus.publishBatch(orders(5));
    const seen: number[] = [];
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', autoCommit: false });
    await consumer.run({
      eachEvent: async (e, ctx) => {
        seen.push(nOf(e));
        if (nOf(e) === 2) await ctx.commit();
      },
    });
    await waitFor(() => seen.length === 5);
    await consumer.stop();
    expect(await log.fetchOffsets('g')).toEqual([{ topic: 'orders', partition: 0, offset: 3n }]);
  });

  it('with manual commit, consumer.commit() commits everything processed, and stop commits nothing', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    await bus.publishBatch([...orders(3, 1), ...orders(2, 1, 3).map((event) => ({ event, key: 'other' }))]);
    const seen: number[] = [];
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', autoCommit: false });
    await consumer.run({ eachEvent: (e) => void seen.push(nOf(e)) });
    await waitFor(() => seen.length === 5);
    expect(await log.fetchOffsets('g')).toEqual([]);
    await consumer.commit();
    const committed = await log.fetchOffsets('g', 'orders');
    expect(committed.map((c) => c.offset).sort()).toEqual([2n, 3n]);
    await bus.publishBatch(orders(1, 1, 9));
    await waitFor(() => seen.length === 6);
    await consumer.stop();
    expect(await log.fetchOffsets('g', 'orders')).toEqual(committed);
  });

  it('pauses and resumes single partitions without skipping records', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    const seen: Seen[] = [];
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast });
    await consumer.run({ eachEvent: (e, ctx) => void seen.push(seenOf('a', e, ctx)) });
    consumer.pause('orders', [0]);
    expect(consumer.paused()).toEqual([{ topic: 'orders', partition: 0 }]);
    // Partition 0 gets its events first, yet only partition 1's arrive while 0 is paused.
    for (const event of orders(3)) await bus.publish(event, { partition: 0 });
    for (const event of orders(3, undefined, 3)) await bus.publish(event, { partition: 1 });
    const on = (p: number) => seen.filter((s) => s.partition === p);
    await waitFor(() => on(1).length === 3);
    expect(on(0)).toEqual([]);
    consumer.resume('orders', [0]);
    await waitFor(() => on(0).length === 3);
    expect(on(0).map((s) => [s.offset, s.n])).toEqual([
      [0n, 0],
      [1n, 1],
      [2n, 2],
    ]);
    expect(consumer.paused()).toEqual([]);
  });

  it('pauses a whole topic before run and delivers nothing until resumed', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 3 });
    await bus.publishBatch(orders(9, 9));
    const seen: number[] = [];
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast });
    consumer.pause('orders');
    await consumer.run({ eachEvent: (e) => void seen.push(nOf(e)) });
    expect(consumer.paused()).toHaveLength(3);
    // Publish-and-see on another group proves the log is live while this one stays silent.
    const other: number[] = [];
    await bus
      .consumer({ group: 'other', topics: ['orders'], from: 'earliest', ...fast })
      .run({ eachEvent: (e) => void other.push(nOf(e)) });
    await waitFor(() => other.length === 9);
    expect(seen).toEqual([]);
    consumer.resume('orders');
    await waitFor(() => seen.length === 9);
  });

  it('rejects pause/resume of a topic it does not subscribe to, or a partition that does not exist', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], ...fast });
    await consumer.run({ eachEvent: () => {} });
    expect(() => consumer.pause('payments')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"payments"') }),
    );
    expect(() => consumer.resume('orders', [2])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('it has 2') }),
    );
  });

  it('gives every group every event (pub/sub)', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 3 });
    const byGroup = new Map<string, number[]>();
    for (const group of ['billing', 'shipping', 'audit']) {
      const seen: number[] = [];
      byGroup.set(group, seen);
      await bus
        .consumer({ group, topics: ['orders'], ...fast })
        .run({ eachEvent: (e) => void seen.push(nOf(e)) });
    }
    await bus.publishBatch(orders(30, 7));
    await waitFor(() => [...byGroup.values()].every((seen) => seen.length === 30));
    for (const seen of byGroup.values()) expect(new Set(seen).size).toBe(30);
  });

  it('delivers only the events listed in events, committing past the others', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    const mixed: CloudEvent[] = [];
    for (let i = 0; i < 6; i++) {
      mixed.push(OrderPlaced.create({ orderId: `o${i}`, n: i }));
      mixed.push(OrderShipped.create({ orderId: `o${i}` }));
    }
    await bus.publishBatch(mixed);
    const seen: string[] = [];
    const consumer = bus.consumer({ group: 'g', events: [OrderShipped], from: 'earliest', ...fast });
    await consumer.run({
      eachEvent: (event) => {
        // Typed from the definition: data.orderId is a string.
        const id: string = event.data.orderId;
        seen.push(`${event.type}:${id}`);
      },
    });
    await waitFor(async () => (await log.fetchOffsets('g'))[0]?.offset === 12n);
    expect(seen).toEqual(Array.from({ length: 6 }, (_, i) => `order.shipped:o${i}`));
  });

  it('rejects run() on an unknown topic with UNKNOWN_TOPIC, and can run once it exists', async () => {
    const { bus } = testBus();
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast });
    const seen: number[] = [];
    const run = () => consumer.run({ eachEvent: (e) => void seen.push(nOf(e)) });
    await expect(run()).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
      message: expect.stringContaining('createTopic'),
    });
    await bus.createTopic('orders');
    await run();
    await bus.publish(orders(1)[0] as CloudEvent);
    await waitFor(() => seen.length === 1);
  });

  it('creates the topics it subscribes to when the bus auto-creates topics', async () => {
    const { bus, log } = testBus({ autoCreateTopics: { partitions: 3 } });
    await bus.consumer({ group: 'g', events: [OrderPlaced] }).run({ eachEvent: () => {} });
    expect((await log.describeTopic('orders')).partitions).toHaveLength(3);
  });

  it('cannot run twice, nor after stop', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const consumer = bus.consumer({ group: 'g', topics: ['orders'] });
    await consumer.run({ eachEvent: () => {} });
    await expect(consumer.run({ eachEvent: () => {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await consumer.stop();
    await expect(consumer.run({ eachEvent: () => {} })).rejects.toMatchObject({ code: 'CLOSED' });
    await consumer.stop();
  });

  it('leaves no member behind when stopped while run() is starting', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    const early = bus.consumer({ group: 'g', topics: ['orders'] });
    const running = early.run({ eachEvent: () => {} });
    await early.stop();
    await running;
    expect(bus.describeGroup('g')?.members ?? []).toEqual([]);
    const late = bus.consumer({ group: 'g', topics: ['orders'] });
    await late.run({ eachEvent: () => {} });
    expect(late.assignment()).toHaveLength(2);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the option', () => {
    const { bus } = testBus();
    const bad = (options: object, message: string) =>
      expect(() => bus.consumer({ group: 'g', topics: ['orders'], ...options })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }),
      );
    bad({ topics: undefined }, 'at least one of topics or events');
    bad({ from: 'beginning' }, 'from="beginning"');
    bad({ autoCommit: { intervalMs: 0 } }, 'autoCommit.intervalMs=0');
    bad({ maxPollIntervalMs: -1 }, 'maxPollIntervalMs=-1');
    bad({ assignor: 'fair' }, 'Invalid assignor "fair"');
    bad({ group: '' }, 'consumer group name');
    expect(() => bus.consumer({ group: 'g', topics: ['bad topic!'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_TOPIC_NAME' }),
    );
  });
});
