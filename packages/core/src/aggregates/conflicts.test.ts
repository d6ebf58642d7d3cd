import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../errors/errors.js';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import type { EventStore } from '../ports/event-store.js';
import { rejection } from '../testing/thrown.js';
import { handleCommand } from './handle-command.js';
import { loadAggregate } from './load-aggregate.js';
import { counterAggregate, increments } from './test-support/counter.js';
import { OrderError, orderAggregate } from './test-support/order.js';
import { racingStore } from './test-support/racing-store.js';

const Counter = counterAggregate();
const Order = orderAggregate();
let store: EventStore;
afterEach(() => store?.close());

describe('two handlers racing on one aggregate', () => {
  it('fails the loser with WRONG_EXPECTED_VERSION without retryOnConflict', async () => {
    store = createMemoryEventStore();
    await handleCommand(store, Counter, 'c-1', { by: 1 });
    const racing = racingStore(store, 2);
    const results = await Promise.allSettled([
      handleCommand(racing, Counter, 'c-1', { by: 10 }),
      handleCommand(racing, Counter, 'c-1', { by: 100 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const loser = results[1];
    expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(ConcurrencyError);
    expect(loser?.status === 'rejected' && loser.reason).toMatchObject({ expected: 1n, actual: 2n });
    expect((await loadAggregate(store, Counter, 'c-1')).state).toEqual({ count: 11, events: 2 });
  });

  it('lets the loser reload, decide again and succeed with retryOnConflict', async () => {
    store = createMemoryEventStore();
    const racing = racingStore(store, 2);
    const [first, second] = await Promise.all([
      handleCommand(racing, Counter, 'c-1', { by: 10 }, { retryOnConflict: 1 }),
      handleCommand(racing, Counter, 'c-1', { by: 100 }, { retryOnConflict: 1 }),
    ]);
    expect(first.nextExpectedVersion).toBe(1n);
    expect(second.nextExpectedVersion).toBe(2n);
    // The loser's state includes the winner's event: it decided again on the reloaded state.
    expect(second.state).toEqual({ count: 110, events: 2 });
  });

  it('decides again on the new state, so a retry can end in a domain error', async () => {
    store = createMemoryEventStore();
    const racing = racingStore(store, 2);
    const place = { type: 'place', orderId: 'o-1', customerId: 'c' } as const;
    const [winner, loser] = await Promise.allSettled([
      handleCommand(racing, Order, 'o-1', place, { retryOnConflict: 3 }),
      handleCommand(racing, Order, 'o-1', place, { retryOnConflict: 3 }),
    ]);
    expect(winner.status).toBe('fulfilled');
    expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(OrderError);
  });

  it('gives up with WRONG_EXPECTED_VERSION when every retry conflicts', async () => {
    store = createMemoryEventStore();
    let appends = 0;
    // Another writer slips an event in before each of the handler's appends.
    const busy = new Proxy(store, {
      get(target, property) {
        if (property === 'appendToStream')
          return async (...args: Parameters<EventStore['appendToStream']>) => {
            appends++;
            await target.appendToStream('counter-c-1', increments(1));
            return target.appendToStream(...args);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const error = await rejection(handleCommand(busy, Counter, 'c-1', { by: 1 }, { retryOnConflict: 2 }));
    expect(error.code).toBe('WRONG_EXPECTED_VERSION');
    expect(appends).toBe(3);
  });
});
