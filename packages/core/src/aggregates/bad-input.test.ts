import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../memory/memory-event-store.js';
import type { EventStore } from '../ports/event-store.js';
import { issuePaths, rejection, thrown } from '../testing/thrown.js';
import { defineAggregate } from './define-aggregate.js';
import { handleCommand } from './handle-command.js';
import { loadAggregate } from './load-aggregate.js';
import {
  type CounterEvent,
  type CounterState,
  counterAggregate,
  counterDecider,
} from './test-support/counter.js';
import type { HandleCommandOptions, LoadAggregateOptions } from './types.js';

const Counter = counterAggregate();
let store: EventStore;
afterEach(() => store?.close());

describe('defineAggregate', () => {
  it('names every bad option at once', () => {
    const error = thrown(() =>
      defineAggregate({
        category: 'order-line',
        decider: { ...counterDecider, evolve: 'nope' as never },
        schemaVersion: '',
        snapshotEvery: 0,
        snapshot: { toJSON: (s: unknown) => s } as never,
        colour: 'red',
      } as never),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(issuePaths(error)).toEqual([
      'colour',
      'category',
      'decider.evolve',
      'schemaVersion',
      'snapshotEvery',
      'snapshot.fromJSON',
    ]);
    expect(error.message).toContain('category: expected letters, digits, "_", "." or ":" (no "-"');
  });

  it('rejects a missing options object or decider', () => {
    expect(thrown(() => defineAggregate(undefined as never)).code).toBe('INVALID_ARGUMENT');
    expect(
      issuePaths(thrown(() => defineAggregate({ category: 'x', schemaVersion: 'v1' } as never))),
    ).toEqual(['decider']);
  });

  it('builds stream names from the category and a checked id', () => {
    expect(Counter.streamOf('42')).toBe('counter-42');
    expect(Counter.streamOf('a-b-c')).toBe('counter-a-b-c');
  });
});

describe('ids and options of loadAggregate and handleCommand', () => {
  it.each([
    ['a number', 42],
    ['an empty string', ''],
    ['a string with a newline', 'a\nb'],
    ['a string that is too long', 'x'.repeat(401)],
    ['undefined', undefined],
  ])('rejects %s as id with INVALID_ARGUMENT', async (_, id) => {
    store = createMemoryEventStore();
    const load = await rejection(loadAggregate(store, Counter, id as never));
    expect(load.code).toBe('INVALID_ARGUMENT');
    expect(load.message).toMatch(/^Invalid counter id /);
    expect((await rejection(handleCommand(store, Counter, id as never, { by: 1 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it.each<[string, LoadAggregateOptions, RegExp]>([
    ['a negative asOfVersion', { asOfVersion: -1n }, /asOfVersion -1n/],
    ['a number asOfVersion', { asOfVersion: 3 as never }, /asOfVersion 3: expected a bigint/],
    ['an invalid asOf', { asOf: new Date('nope') }, /asOf Invalid Date/],
    ['an empty tenant', { tenant: '' }, /tenant/],
    ['an unknown option', { asof: new Date() } as never, /Unknown loadAggregate option "asof"/],
  ])('rejects %s when loading', async (_, options, message) => {
    store = createMemoryEventStore();
    const error = await rejection(loadAggregate(store, Counter, 'c-1', options));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  it.each<[string, HandleCommandOptions<CounterState, CounterEvent>, RegExp]>([
    ['a negative retryOnConflict', { retryOnConflict: -1 }, /retryOnConflict -1/],
    ['retries with an expectedVersion', { retryOnConflict: 1, expectedVersion: 3n }, /cannot be combined/],
    ['a bad expectedVersion', { expectedVersion: 3 as never }, /Invalid expectedVersion 3/],
    ['an empty outbox topic', { outbox: '' }, /Invalid outbox ""/],
    ['a causedBy that is no event', { causedBy: 'evt-1' as never }, /Invalid causedBy/],
    ['an inTransaction that is no function', { inTransaction: {} as never }, /Invalid inTransaction/],
    ['an unknown option', { retry: 3 } as never, /Unknown handleCommand option "retry"/],
  ])('rejects %s when handling a command, before deciding', async (_, options, message) => {
    store = createMemoryEventStore();
    const error = await rejection(handleCommand(store, Counter, 'c-1', { by: 1 }, options));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect(await store.headPosition()).toBe(0n);
  });
});
