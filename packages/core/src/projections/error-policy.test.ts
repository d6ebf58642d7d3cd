import { describe, expect, it } from 'vitest';
import { testBus } from '../bus/test-support/fixtures.js';
import { DeadLetters } from '../dead-letters/dead-letters.js';
import { isTributaryError } from '../errors/errors.js';
import type { RecordedEvent } from '../ports/event-store.js';
import { rejection } from '../testing/thrown.js';
import { waitFor } from '../testing/wait-for.js';
import { defineProjection } from './define-projection.js';
import { startProjection } from './runner.js';
import { appendOrders, dataOf, stopAfterTest, testStore } from './test-support/fixtures.js';
import type { ProjectionErrorPolicy } from './types.js';

const fast = { pollIntervalMs: 10 };

/**
 * A projection that fails on the events whose n is in `bad` and, like a handler writing in one
 * transaction, leaves no effect from a batch that throws.
 */
function failingOn(bad: Set<number>, onError: ProjectionErrorPolicy) {
  const applied: number[] = [];
  const projection = defineProjection({
    name: 'orders',
    onError,
    handle: (events) => {
      const ns = events.map((r) => dataOf(r).n);
      const failing = ns.find((n) => bad.has(n));
      if (failing !== undefined) throw new Error(`cannot apply order ${failing}`);
      applied.push(...ns);
    },
  });
  return { projection, applied };
}

describe('projection error policies', () => {
  it("'stop' fails the runner on the failing event, names it, and keeps the checkpoint just before it", async () => {
    const store = testStore();
    await appendOrders(store, 5);
    const { projection, applied } = failingOn(new Set([2]), 'stop');
    const runner = stopAfterTest(startProjection(store, projection, fast));
    const error = await rejection(runner.whenCaughtUp());
    expect(error.code).toBe('PERMANENT_FAILURE');
    expect(error.message).toMatch(
      /Projection "orders" v1 stopped: its handler failed on "order.placed" \(id .+\) at position 3 \(stream "order-2"\): cannot apply order 2/,
    );
    expect(String(error.cause)).toBe('Error: cannot apply order 2');
    expect(applied).toEqual([0, 1]);
    expect(runner.status()).toMatchObject({ state: 'failed', checkpoint: 2n, processed: 2, error });
    expect(await store.checkpoints.get('projection:orders:v1')).toBe(2n);
    expect((await rejection(runner.whenCaughtUp())).code).toBe('PERMANENT_FAILURE');
    // The lease is free for a fixed version to resume at the failing event.
    const fixed = failingOn(new Set(), 'stop');
    const restarted = stopAfterTest(startProjection(store, fixed.projection, fast));
    await restarted.whenCaughtUp();
    expect(fixed.applied).toEqual([2, 3, 4]);
  });

  it("'skip' counts the failing events and goes on", async () => {
    const store = testStore();
    await appendOrders(store, 6);
    const { projection, applied } = failingOn(new Set([1, 4]), 'skip');
    const runner = stopAfterTest(startProjection(store, projection, { ...fast, batchSize: 4 }));
    await runner.whenCaughtUp();
    expect(applied).toEqual([0, 2, 3, 5]);
    expect(runner.status()).toMatchObject({ state: 'active', checkpoint: 6n, processed: 4, skipped: 2 });
  });

  it("'dead-letter' hands failing events to the deadLetter function and goes on", async () => {
    const store = testStore();
    await appendOrders(store, 4);
    const { projection, applied } = failingOn(new Set([3]), 'dead-letter');
    const letters: { recorded: RecordedEvent; error: unknown }[] = [];
    const runner = stopAfterTest(
      startProjection(store, projection, {
        ...fast,
        deadLetter: async (recorded, error) => void letters.push({ recorded, error }),
      }),
    );
    await runner.whenCaughtUp();
    expect(applied).toEqual([0, 1, 2]);
    expect(letters.map((l) => [l.recorded.stream, String(l.error)])).toEqual([
      ['order-3', 'Error: cannot apply order 3'],
    ]);
    expect(runner.status()).toMatchObject({ checkpoint: 4n, processed: 3, deadLettered: 1 });
  });

  it("'dead-letter' without a function writes to the bus topic projection.<name>.dlq with the DLQ headers", async () => {
    const store = testStore();
    await appendOrders(store, 3);
    const { bus } = testBus();
    const { projection } = failingOn(new Set([1]), 'dead-letter');
    const runner = stopAfterTest(startProjection(store, projection, { ...fast, bus }));
    await runner.whenCaughtUp();
    const deadLetters = new DeadLetters(bus.log, 'projection.orders');
    expect(deadLetters.topic).toBe('projection.orders.dlq');
    const [letter, ...others] = await deadLetters.list();
    expect(others).toEqual([]);
    const [failed] = await store.readStream('order-1');
    expect(letter).toMatchObject({
      type: 'order.placed',
      eventId: failed?.event.id,
      failure: {
        error: { errorClass: 'Error', message: 'cannot apply order 1' },
        topic: 'order-1',
        partition: 0,
        offset: 2n,
        group: 'projection.orders',
      },
    });
    expect(Buffer.from(letter?.key ?? []).toString()).toBe('order-1');
  });

  it('fails the runner when the dead-letter sink fails, so no event is lost', async () => {
    const store = testStore();
    await appendOrders(store, 3);
    const { projection } = failingOn(new Set([1]), 'dead-letter');
    const runner = stopAfterTest(
      startProjection(store, projection, {
        ...fast,
        deadLetter: async () => {
          throw new Error('dlq unavailable');
        },
      }),
    );
    const error = await rejection(runner.whenCaughtUp());
    expect(error.message).toMatch(/dead-lettering "order.placed" .* failed: dlq unavailable/);
    expect(runner.status()).toMatchObject({ state: 'failed', checkpoint: 1n, deadLettered: 0 });
  });

  it('a handler failing in a batch of one is not called again for the same event', async () => {
    const store = testStore();
    await appendOrders(store, 1);
    let calls = 0;
    const runner = stopAfterTest(
      startProjection(
        store,
        {
          name: 'once',
          onError: 'skip',
          handle: () => {
            calls++;
            throw new Error('no');
          },
        },
        fast,
      ),
    );
    await runner.whenCaughtUp();
    await waitFor(() => runner.status().skipped === 1);
    expect(calls).toBe(1);
    expect(isTributaryError(runner.status().error)).toBe(false);
  });
});
