import { onTestFinished } from 'vitest';
import { z } from 'zod';
import type { CloudEvent } from '../../envelope/types.js';
import { defineEvent } from '../../events/define-event.js';
import { createMemoryLog, type MemoryLog } from '../../memory/memory-log.js';
import { Bus, type BusOptions } from '../bus.js';
import type { ConsumerErrorContext, EventContext } from '../types.js';

export const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  schema: z.object({ orderId: z.string(), n: z.number().int() }),
  topic: 'orders',
});

export const OrderShipped = defineEvent('order.shipped', {
  version: 1,
  schema: z.object({ orderId: z.string() }),
  topic: 'orders',
});

/** A bus over a fresh memory log. */
export function memoryBus(options?: BusOptions): { bus: Bus; log: MemoryLog } {
  const log = createMemoryLog();
  return { bus: new Bus(log, options), log };
}

/** A bus over a fresh memory log, closed when the current test finishes. */
export function testBus(options?: BusOptions): { bus: Bus; log: MemoryLog } {
  const made = memoryBus(options);
  onTestFinished(() => made.bus.close());
  return made;
}

/** `count` OrderPlaced events; event i has data.n = i and, when `keys` is given, key `k{i % keys}`. */
export function orders(count: number, keys?: number, from = 0): CloudEvent[] {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    return OrderPlaced.create(
      { orderId: `o-${i}`, n: i },
      keys === undefined ? undefined : { partitionkey: `k${i % keys}` },
    );
  });
}

/** What a handler saw, per event. */
export interface Seen {
  readonly member: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly n: number;
}

export function nOf(event: CloudEvent): number {
  const data = event.data;
  if (typeof data === 'object' && data !== null && 'n' in data && typeof data.n === 'number') return data.n;
  throw new Error(`event ${event.id} has no numeric data.n`);
}

export function seenOf(member: string, event: CloudEvent, ctx: EventContext): Seen {
  return { member, partition: ctx.partition, offset: ctx.offset, n: nOf(event) };
}

/** Collects onError reports instead of printing them. */
export function errorSink(): {
  errors: { error: unknown; ctx: ConsumerErrorContext }[];
  onError: (error: unknown, ctx: ConsumerErrorContext) => void;
} {
  const errors: { error: unknown; ctx: ConsumerErrorContext }[] = [];
  return { errors, onError: (error, ctx) => errors.push({ error, ctx }) };
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
