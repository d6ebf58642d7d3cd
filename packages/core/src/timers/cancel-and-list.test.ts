import { describe, expect, it } from 'vitest';
import { OrderPlaced, testBus } from '../bus/test-support/fixtures.js';
import { createMemoryLog } from '../memory/memory-log.js';
import { waitFor } from '../testing/wait-for.js';
import { busOver, idsOf, order, receive } from './test-support/timers.js';

const HOUR = 3_600_000;

describe('cancelling a scheduled publish', () => {
  it('never delivers a cancelled timer and returns true, while the others fire', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    const cancelled = order(0);
    const kept = order(1);
    const { scheduledId, deliverAt } = await bus.publish(cancelled, { delayMs: 300 });
    await bus.publish(kept, { deliverAt: (deliverAt?.getTime() ?? 0) + 50 });
    expect(await bus.cancelScheduled(scheduledId as string)).toBe(true);
    // The kept timer is due after the cancelled one: once it arrived, the cancelled one would have.
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([kept.id]);
  });

  it('returns false for an unknown id, a timer already cancelled and a timer that fired', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const received = await receive(bus);
    expect(await bus.cancelScheduled('no-such-timer')).toBe(false);
    const first = await bus.publish(order(0), { delayMs: HOUR });
    expect(await bus.cancelScheduled(first.scheduledId as string)).toBe(true);
    expect(await bus.cancelScheduled(first.scheduledId as string)).toBe(false);
    const fired = await bus.publish(order(1), { delayMs: 20 });
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(await bus.cancelScheduled(fired.scheduledId as string)).toBe(false);
  });

  it('returns false on a bus that never scheduled anything, creating no topic', async () => {
    const { bus, log } = testBus();
    expect(await bus.cancelScheduled('x')).toBe(false);
    expect(await bus.scheduled()).toEqual([]);
    expect(await log.listTopics()).toEqual([]);
    expect(await log.listGroups()).toEqual([]);
  });

  it('rejects an id that is not a non-empty string with INVALID_ARGUMENT', async () => {
    const { bus } = testBus();
    await expect(bus.cancelScheduled('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(bus.cancelScheduled(42 as unknown as string)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('scheduledId'),
    });
  });

  it('keeps a cancellation across a restart', async () => {
    const log = createMemoryLog();
    const first = busOver(log);
    await first.createTopic('orders');
    const { scheduledId, deliverAt } = await first.publish(order(0), { delayMs: 300 });
    expect(await first.cancelScheduled(scheduledId as string)).toBe(true);
    await first.close();
    const second = busOver(log);
    const received = await receive(second);
    // The sentinel, due after the cancelled one.
    await second.publish(order(1), { deliverAt: (deliverAt?.getTime() ?? 0) + 50 });
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(received[0]?.event.data).toMatchObject({ n: 1 });
    expect(await second.cancelScheduled(scheduledId as string)).toBe(false);
  });
});

describe('listing scheduled publishes', () => {
  it('lists pending timers earliest first with their id, topic, key, time and event', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const now = Date.now();
    const late = order(0, 'k0');
    const early = order(1);
    const a = await bus.publish(late, { deliverAt: now + 2 * HOUR });
    const b = await bus.publish(early, { deliverAt: now + HOUR, partition: 0 });
    expect(await bus.scheduled()).toEqual([
      {
        id: b.scheduledId,
        topic: 'orders',
        key: null,
        partition: 0,
        deliverAt: new Date(now + HOUR),
        type: 'order.placed',
        eventId: early.id,
        failedAttempts: 0,
      },
      {
        id: a.scheduledId,
        topic: 'orders',
        key: 'k0',
        deliverAt: new Date(now + 2 * HOUR),
        type: 'order.placed',
        eventId: late.id,
        failedAttempts: 0,
      },
    ]);
  });

  it('filters by topic, type, correlation id and due time, and drops fired and cancelled timers', async () => {
    const { bus } = testBus({ autoCreateTopics: true });
    const now = Date.now();
    const withCorrelation = OrderPlaced.create({ orderId: 'o-0', n: 0 }, { correlationid: 'saga-1' });
    const a = await bus.publish(withCorrelation, { deliverAt: now + HOUR });
    const b = await bus.publish(order(1), { deliverAt: now + 3 * HOUR, topic: 'audit' });
    const c = await bus.publish(order(2), { deliverAt: now + 2 * HOUR });
    await bus.publish(order(3), { delayMs: 10 });
    const ids = async (filter?: Parameters<typeof bus.scheduled>[0]) =>
      (await bus.scheduled(filter)).map((s) => s.id);
    await waitFor(async () => (await ids()).length === 3, { timeoutMs: 10_000 });
    expect(await ids({ topic: 'audit' })).toEqual([b.scheduledId]);
    expect(await ids({ type: 'order.placed' })).toEqual([a.scheduledId, c.scheduledId, b.scheduledId]);
    expect(await ids({ type: 'order.shipped' })).toEqual([]);
    expect(await ids({ correlationId: 'saga-1' })).toEqual([a.scheduledId]);
    expect(await ids({ dueBy: new Date(now + 2 * HOUR) })).toEqual([a.scheduledId, c.scheduledId]);
    expect((await bus.scheduled({ correlationId: 'saga-1' }))[0]?.correlationId).toBe('saga-1');
    await bus.cancelScheduled(c.scheduledId as string);
    expect(await ids()).toEqual([a.scheduledId, b.scheduledId]);
  });

  it('rejects a bad dueBy filter with INVALID_ARGUMENT', async () => {
    const { bus } = testBus();
    await expect(bus.scheduled({ dueBy: 'soon' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('dueBy'),
    });
  });

  it('rejects listing and cancelling on a closed bus with CLOSED', async () => {
    const { bus } = testBus();
    await bus.close();
    await expect(bus.scheduled()).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(bus.cancelScheduled('x')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(bus.publish(order(0), { delayMs: 10 })).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
