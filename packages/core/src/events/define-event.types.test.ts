// Compile-time behaviour, checked by `tsc -p tsconfig.json --noEmit` (each @ts-expect-error must
// be an error); the calls also run, so the runtime check backs up every type error.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { CloudEvent } from '../envelope/types.js';
import { defineEvent } from './define-event.js';
import { EventRegistry } from './event-registry.js';
import type { DataOf, EventOf } from './types.js';

const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  schema: z.object({
    orderId: z.string(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().default(1) })),
  }),
});
const OrderShipped = defineEvent('order.shipped', { version: 1, schema: z.object({ carrier: z.string() }) });

describe('defineEvent types', () => {
  it('rejects data of the wrong shape at compile time', () => {
    // @ts-expect-error orderId is missing
    expect(() => OrderPlaced.create({ items: [] })).toThrow();
    // @ts-expect-error qty must be a number
    expect(() => OrderPlaced.create({ orderId: 'o', items: [{ sku: 'a', qty: '2' }] })).toThrow();
    // @ts-expect-error unknown property in a fresh object literal
    expect(() => OrderPlaced.create({ orderId: 'o', items: [], extra: true })).not.toThrow();
    // @ts-expect-error unknown option
    expect(() => OrderPlaced.create({ orderId: 'o', items: [] }, { corelationid: 'x' })).toThrow();
  });

  it('accepts the schema input, readonly data included, and gives events typed by the schema output', () => {
    const items: readonly { readonly sku: string }[] = [{ sku: 'a' }];
    const event = OrderPlaced.create({ orderId: 'o', items });
    expectTypeOf(event.type).toEqualTypeOf<'order.placed'>();
    expectTypeOf(event.data.items[0]!.qty).toEqualTypeOf<number>();
    expectTypeOf(event).toEqualTypeOf<EventOf<typeof OrderPlaced>>();
    expectTypeOf<DataOf<typeof OrderPlaced>>().toEqualTypeOf<{
      orderId: string;
      items: { sku: string; qty: number }[];
    }>();
    expect(event.data.items[0]!.qty).toBe(1);
  });

  it('narrows a union of events with is()', () => {
    const event: EventOf<typeof OrderPlaced> | EventOf<typeof OrderShipped> = OrderShipped.create({
      carrier: 'dhl',
    });
    if (OrderShipped.is(event)) expectTypeOf(event.data.carrier).toEqualTypeOf<string>();
    expect(OrderShipped.is(event)).toBe(true);
  });

  it('types registry lookups and parses by the registered definitions', () => {
    const registry = new EventRegistry([OrderPlaced, OrderShipped]);
    expectTypeOf(registry.get('order.shipped')).toEqualTypeOf<typeof OrderShipped | undefined>();
    const parsed = registry.parse(OrderShipped.create({ carrier: 'dhl' }));
    expectTypeOf(parsed).toEqualTypeOf<EventOf<typeof OrderPlaced> | EventOf<typeof OrderShipped>>();
    if (parsed.type === 'order.shipped') expectTypeOf(parsed.data).toEqualTypeOf<{ carrier: string }>();
    expectTypeOf(parsed).toExtend<CloudEvent>();
    expect(parsed.type).toBe('order.shipped');
  });
});
