import { describe, expect, it } from 'vitest';
import { testBus } from '../bus/test-support/fixtures.js';
import { waitFor } from '../testing/wait-for.js';
import { idsOf, nsOf, order, receive } from './test-support/timers.js';
import { TIMERS_TOPIC } from './timer-records.js';

describe('scheduled publish', () => {
  it('delivers an event with delayMs to its topic not before the delay, and soon after', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const event = order(0);
    const before = Date.now();
    const result = await bus.publish(event, { delayMs: 150 });
    expect(result.scheduledId).toEqual(expect.any(String));
    expect(result.deliverAt?.getTime()).toBeGreaterThanOrEqual(before + 150);
    expect(result.topic).toBe(TIMERS_TOPIC);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(received[0]?.at).toBeGreaterThanOrEqual(result.deliverAt?.getTime() ?? Number.NaN);
    expect(received[0]?.event).toEqual(event);
  });

  it('delivers at a deliverAt given as a Date, an RFC 3339 string or epoch milliseconds', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const at = Date.now() + 120;
    const results = [
      await bus.publish(order(0), { deliverAt: new Date(at) }),
      await bus.publish(order(1), { deliverAt: new Date(at).toISOString() }),
      await bus.publish(order(2), { deliverAt: at }),
    ];
    for (const r of results) expect(r.deliverAt?.getTime()).toBe(at);
    await waitFor(() => received.length === 3, { timeoutMs: 10_000 });
    for (const r of received) expect(r.at).toBeGreaterThanOrEqual(at);
  });

  it('delivers several timers in deliverAt order, whatever the publish order', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const now = Date.now();
    const dueIn = [240, 60, 180, 120];
    for (const [n, delay] of dueIn.entries()) await bus.publish(order(n), { deliverAt: now + delay });
    await waitFor(() => received.length === 4, { timeoutMs: 10_000 });
    expect(nsOf(received)).toEqual([1, 3, 2, 0]);
    for (const [i, n] of nsOf(received).entries()) {
      expect(received[i]?.at).toBeGreaterThanOrEqual(now + (dueIn[n] as number));
    }
  });

  it('resolves the topic and key as an immediate publish does: options first, then the event', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 4 });
    await bus.createTopic('audit', { partitions: 4 });
    const immediate = await bus.publish(order(0, 'k'));
    await bus.publish(order(1, 'k'), { delayMs: 30 });
    await bus.publish(order(2, 'k'), { delayMs: 30, topic: 'audit', key: 'other' });
    const audit = await receive(bus, 'audit');
    const all = await receive(bus, 'orders');
    await waitFor(() => all.length === 2 && audit.length === 1, { timeoutMs: 10_000 });
    // Same key, same partition as the immediate publish.
    const { records } = await log.fetch('orders', immediate.partition, 0n);
    expect(records).toHaveLength(2);
    const auditRecords = (await log.describeTopic('audit')).partitions.filter((p) => p.latestOffset > 0n);
    expect(auditRecords).toHaveLength(1);
    const { records: moved } = await log.fetch('audit', auditRecords[0]?.partition ?? -1, 0n);
    expect(new TextDecoder().decode(moved[0]?.key ?? new Uint8Array())).toBe('other');
  });

  it('honours an explicit partition when it fires, and rejects one that does not exist at once', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 3 });
    const event = order(0, 'k');
    await expect(bus.publish(event, { delayMs: 30, partition: 3 })).rejects.toMatchObject({
      code: 'PARTITION_OUT_OF_RANGE',
    });
    await bus.publish(event, { delayMs: 30, partition: 2 });
    await waitFor(async () => (await log.latestOffset('orders', 2)) === 1n, { timeoutMs: 10_000 });
  });

  it('publishes at once when deliverAt has passed or the delay is 0, without creating the timers topic', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    const past = await bus.publish(order(0), { deliverAt: new Date(Date.now() - 60_000) });
    const zero = await bus.publish(order(1), { delayMs: 0 });
    expect(past).toEqual({ topic: 'orders', partition: 0, offset: 0n });
    expect(zero).toEqual({ topic: 'orders', partition: 0, offset: 1n });
    expect((await log.listTopics()).map((t) => t.name)).toEqual(['orders']);
  });

  it('rejects a scheduled publish to an unknown topic with UNKNOWN_TOPIC, scheduling nothing', async () => {
    const { bus, log } = testBus();
    await expect(bus.publish(order(0), { delayMs: 50 })).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    expect(await log.listTopics()).toEqual([]);
  });

  it('creates the target topic when it is scheduled on a bus that auto-creates topics', async () => {
    const { bus } = testBus({ autoCreateTopics: true });
    await bus.publish(order(0), { delayMs: 30 });
    const received = await receive(bus);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
  });

  it('schedules publishBatch entries with their own delivery time, and publishes the others at once', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const results = await bus.publishBatch([
      order(0),
      { event: order(1), delayMs: 120 },
      { event: order(2), deliverAt: new Date(0) },
    ]);
    expect(results[0]).toEqual({ topic: 'orders', partition: 0, offset: 0n });
    expect(results[1]?.scheduledId).toEqual(expect.any(String));
    expect(results[2]).toEqual({ topic: 'orders', partition: 0, offset: 1n });
    await waitFor(() => received.length >= 2);
    expect(nsOf(received).slice(0, 2)).toEqual([0, 2]);
    await waitFor(() => received.length === 3, { timeoutMs: 10_000 });
    expect(received[2]?.at).toBeGreaterThanOrEqual(results[1]?.deliverAt?.getTime() ?? Number.NaN);
  });

  it('keeps a timer due beyond the longest setTimeout pending instead of firing it early', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const far = await bus.publish(order(0), { delayMs: 30 * 24 * 3_600_000 }); // > 2^31-1 ms
    await bus.publish(order(1), { delayMs: 50 });
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(nsOf(received)).toEqual([1]);
    expect((await bus.scheduled()).map((s) => s.id)).toEqual([far.scheduledId]);
  });

  it('delivers a timer once, keeping the CloudEvent id', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const event = order(0);
    const sentinel = order(1);
    await bus.publish(event, { delayMs: 20 });
    await bus.publish(sentinel, { delayMs: 150 });
    await waitFor(() => received.length >= 2, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([event.id, sentinel.id]);
  });
});
