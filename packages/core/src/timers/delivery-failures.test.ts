import { describe, expect, it } from 'vitest';
import { Bus } from '../bus/bus.js';
import { testBus } from '../bus/test-support/fixtures.js';
import { createMemoryLog } from '../memory/memory-log.js';
import { waitFor } from '../testing/wait-for.js';
import { nsOf, order, receive, timerErrors } from './test-support/timers.js';

describe('timer delivery failures', () => {
  it('reports a failed delivery and retries it until the target topic exists again', async () => {
    const { errors, onTimerError } = timerErrors();
    const { bus } = testBus({ onTimerError });
    await bus.createTopic('orders');
    const { scheduledId, deliverAt } = await bus.publish(order(0), { delayMs: 200 });
    await bus.log.deleteTopic('orders');
    await waitFor(() => errors.length >= 2, { timeoutMs: 10_000 });
    expect(errors[0]?.ctx).toEqual({ phase: 'fire', timerId: scheduledId, topic: 'orders' });
    expect(errors[0]?.error).toMatchObject({ code: 'UNKNOWN_TOPIC' });
    const [pending] = await bus.scheduled();
    expect(pending?.id).toBe(scheduledId);
    expect(pending?.deliverAt).toEqual(deliverAt);
    expect(pending?.failedAttempts).toBeGreaterThanOrEqual(1);

    await bus.createTopic('orders');
    const received = await receive(bus);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(await bus.scheduled()).toEqual([]);
  });

  it('does not hold back other due timers while one keeps failing', async () => {
    const { errors, onTimerError } = timerErrors();
    const { bus } = testBus({ onTimerError });
    await bus.createTopic('orders');
    await bus.createTopic('gone');
    await bus.publish(order(0), { delayMs: 200, topic: 'gone' });
    await bus.publish(order(1), { delayMs: 250 });
    await bus.log.deleteTopic('gone');
    const received = await receive(bus);
    await waitFor(() => received.length === 1 && errors.length >= 1, { timeoutMs: 10_000 });
    expect(nsOf(received)).toEqual([1]);
    expect(errors.every((e) => e.ctx.topic === 'gone')).toBe(true);
  });

  it('delivers many timers due together in deliverAt order, in several rounds', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    // Far enough ahead that none is due before the batch is scheduled, even on a loaded machine.
    const at = Date.now() + 1000;
    const count = 1200;
    // Published in reverse, due 1 ms apart in n order (several share a millisecond after rounding).
    const entries = Array.from({ length: count }, (_, i) => {
      const n = count - 1 - i;
      return { event: order(n, 'one-key'), deliverAt: at + Math.floor(n / 3) };
    });
    const results = await bus.publishBatch(entries);
    expect(results.every((r) => r.scheduledId !== undefined)).toBe(true);
    const received = await receive(bus);
    await waitFor(() => received.length === count, { timeoutMs: 20_000 });
    const ns = nsOf(received);
    // Same key, same partition: arrival order is delivery order. Ties go in publish order.
    for (let i = 1; i < ns.length; i++) {
      const [prev, cur] = [ns[i - 1] as number, ns[i] as number];
      expect(Math.floor(prev / 3) <= Math.floor(cur / 3)).toBe(true);
    }
    expect(new Set(ns).size).toBe(count);
  });

  it('rejects an onTimerError that is not a function when the bus is made', () => {
    expect(() => new Bus(createMemoryLog(), { onTimerError: 'log' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('onTimerError') }),
    );
  });
});
