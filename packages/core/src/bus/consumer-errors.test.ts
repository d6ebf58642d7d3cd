import { describe, expect, it, vi } from 'vitest';
import type { CloudEvent } from '../envelope/types.js';
import { waitFor } from '../testing/wait-for.js';
import { errorSink, nOf, OrderPlaced, orders, testBus } from './test-support/fixtures.js';

const fast = { fetchMaxWaitMs: 50, autoCommit: { intervalMs: 20 } } as const;

describe('a consumer facing bad records and failures', () => {
  it('pauses at a record that fails its schema, reports it and delivers nothing after it', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    const bad: CloudEvent = { ...OrderPlaced.create({ orderId: 'o', n: 1 }), data: { orderId: 7, n: 'x' } };
    await bus.publishBatch([...orders(2), bad, ...orders(2, undefined, 3)], { topic: 'orders' });
    const { errors, onError } = errorSink();
    const seen: number[] = [];
    const consumer = bus.consumer({ group: 'g', events: [OrderPlaced], from: 'earliest', onError, ...fast });
    await consumer.run({ eachEvent: (e) => void seen.push(e.data.n) });
    await waitFor(() => errors.length === 1);
    expect(errors[0]?.ctx).toMatchObject({
      group: 'g',
      topic: 'orders',
      partition: 0,
      offset: 2n,
      phase: 'decode',
    });
    expect(errors[0]?.error).toMatchObject({
      code: 'SCHEMA_MISMATCH',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'orderId' })]),
    });
    expect(seen).toEqual([0, 1]);
    expect(consumer.paused()).toEqual([{ topic: 'orders', partition: 0 }]);
    await consumer.commit();
    expect((await log.fetchOffsets('g'))[0]?.offset).toBe(2n);
    // Resuming retries the same record: it fails again, nothing past it is delivered.
    consumer.resume('orders');
    await waitFor(() => errors.length === 2);
    expect(errors[1]?.ctx.offset).toBe(2n);
    expect(seen).toEqual([0, 1]);
  });

  it('pauses at a record whose handler throws; resume retries it and continues in order', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    await bus.publishBatch(orders(5));
    const { errors, onError } = errorSink();
    const attempts: number[] = [];
    let failOnce = true;
    const consumer = bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', onError, ...fast });
    await consumer.run({
      eachEvent: (e) => {
        attempts.push(nOf(e));
        if (nOf(e) === 2 && failOnce) {
          failOnce = false;
          throw new Error('downstream unavailable');
        }
      },
    });
    await waitFor(() => errors.length === 1);
    expect(errors[0]?.ctx).toMatchObject({ phase: 'handler', partition: 0, offset: 2n });
    expect(errors[0]?.error).toMatchObject({ message: 'downstream unavailable' });
    expect(attempts).toEqual([0, 1, 2]);
    consumer.resume('orders');
    await waitFor(() => attempts.length === 6);
    expect(attempts).toEqual([0, 1, 2, 2, 3, 4]);
  });

  it('reports handler errors on stderr by default, naming topic, partition and offset', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    await bus.publishBatch(orders(1));
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await bus.consumer({ group: 'g', topics: ['orders'], from: 'earliest', ...fast }).run({
        eachEvent: () => {
          throw new Error('boom');
        },
      });
      await waitFor(() => stderr.mock.calls.length === 1);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/group "g" handler error at orders:0 offset 0: boom/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('resets a committed offset that retention removed per from, and reports it', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { segmentBytes: 1024, retentionBytes: 1 });
    for (const event of orders(40)) await bus.publish(event);
    await log.commitOffsets('g', [{ topic: 'orders', partition: 0, offset: 1n }]);
    log.enforceRetention();
    const earliest = await log.earliestOffset('orders', 0);
    expect(earliest).toBeGreaterThan(1n);
    const { errors, onError } = errorSink();
    const seen: bigint[] = [];
    await bus
      .consumer({ group: 'g', topics: ['orders'], from: 'earliest', onError, ...fast })
      .run({ eachEvent: (_e, ctx) => void seen.push(ctx.offset) });
    await waitFor(() => seen.length === Number(40n - earliest));
    expect(seen[0]).toBe(earliest);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.ctx).toMatchObject({ phase: 'offset-reset', offset: 1n });
    expect(errors[0]?.error).toMatchObject({
      code: 'OFFSET_OUT_OF_RANGE',
      message: expect.stringContaining(`resuming at offset ${earliest} per from=earliest`),
    });
  });
});
