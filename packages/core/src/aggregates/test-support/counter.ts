// A minimal aggregate for snapshot and paging tests: a counter that is incremented.
import { z } from 'zod';
import { defineEvent } from '../../events/define-event.js';
import type { EventOf } from '../../events/types.js';
import { defineAggregate } from '../define-aggregate.js';
import type { AggregateOptions, Decider } from '../types.js';

export const Incremented = defineEvent('counter.incremented', {
  version: 1,
  schema: z.object({ by: z.number().int() }),
});
export type CounterEvent = EventOf<typeof Incremented>;

/** Increment by `by`, `times` times (one event each). */
export interface Increment {
  readonly by: number;
  readonly times?: number;
}

export interface CounterState {
  readonly count: number;
  readonly events: number;
}

export const counterDecider: Decider<Increment, CounterState, CounterEvent> = {
  initialState: () => ({ count: 0, events: 0 }),
  decide: ({ by, times = 1 }) => Array.from({ length: times }, () => Incremented.create({ by })),
  evolve: (state, event) => ({ count: state.count + event.data.by, events: state.events + 1 }),
};

export function counterAggregate(
  options: Partial<Omit<AggregateOptions<Increment, CounterState, CounterEvent>, 'decider'>> = {},
) {
  return defineAggregate({ category: 'counter', decider: counterDecider, schemaVersion: 'v1', ...options });
}

/** `n` increment events of 1. */
export function increments(n: number): CounterEvent[] {
  return Array.from({ length: n }, () => Incremented.create({ by: 1 }));
}
