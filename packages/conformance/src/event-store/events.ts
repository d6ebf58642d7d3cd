// Events the suites append: orders placed (v1 and v2 schemas, for upcasting) and shipped.
import {
  type CloudEvent,
  type CreateEventOptions,
  defineEvent,
  type RecordedEvent,
  Upcasters,
} from '@tributary/core';
import { z } from 'zod';

/** `order.placed` as first defined: no currency. */
export const OrderPlacedV1 = defineEvent('order.placed', {
  version: 1,
  source: 'conformance',
  schema: z.object({ orderId: z.string(), amount: z.number() }),
});

/** `order.placed` today: with a currency. */
export const OrderPlaced = defineEvent('order.placed', {
  version: 2,
  source: 'conformance',
  schema: z.object({ orderId: z.string(), amount: z.number(), currency: z.string() }),
});

export const OrderShipped = defineEvent('order.shipped', {
  version: 1,
  source: 'conformance',
  schema: z.object({ orderId: z.string(), carrier: z.string() }),
});

/** Upcasters turning `order.placed` v1 into v2 (currency `EUR`). */
export function orderUpcasters(): Upcasters {
  return new Upcasters().register('order.placed', 1, (data) => ({
    ...(data as { orderId: string; amount: number }),
    currency: 'EUR',
  }));
}

export const placed = (orderId: string, amount = 10, options?: CreateEventOptions): CloudEvent =>
  OrderPlaced.create({ orderId, amount, currency: 'USD' }, options);

export const placedV1 = (orderId: string, amount = 10, options?: CreateEventOptions): CloudEvent =>
  OrderPlacedV1.create({ orderId, amount }, options);

export const shipped = (orderId: string, carrier = 'ups', options?: CreateEventOptions): CloudEvent =>
  OrderShipped.create({ orderId, carrier }, options);

/** `count` events of one order: placed first, then shipped ones. */
export function orderEvents(orderId: string, count: number): CloudEvent[] {
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? placed(orderId, 10) : shipped(orderId, `carrier-${i}`),
  );
}

/** The ids of events or recorded events, in order. */
export const idsOf = (events: readonly (CloudEvent | RecordedEvent)[]): string[] =>
  events.map((e) => ('event' in e ? e.event.id : e.id));

export const versionsOf = (recorded: readonly RecordedEvent[]): bigint[] => recorded.map((r) => r.version);

export const positionsOf = (recorded: readonly RecordedEvent[]): bigint[] => recorded.map((r) => r.position);

/** What a store returns for `event` appended to a stream of `tenant`: the event with its tenant. */
export const asRead = (event: CloudEvent, tenant = 'default'): CloudEvent => ({ ...event, tenantid: tenant });
