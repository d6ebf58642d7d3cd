import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors/errors.js';
import { thrown } from '../testing/thrown.js';
import { defineEvent } from './define-event.js';
import { definitionOf } from './definition-of.js';
import { EventRegistry } from './event-registry.js';

const OrderPlaced = defineEvent('order.placed', { version: 1, schema: z.object({ orderId: z.string() }) });
const OrderShipped = defineEvent('order.shipped', {
  version: 3,
  schema: z.object({ orderId: z.string(), carrier: z.string() }),
});

describe('EventRegistry', () => {
  const registry = new EventRegistry([OrderPlaced, OrderShipped]);

  it('finds definitions by type and lists them in registration order', () => {
    expect(registry.get('order.placed')).toBe(OrderPlaced);
    expect(registry.get('order.shipped')).toBe(OrderShipped);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.has('order.shipped')).toBe(true);
    expect(registry.has('nope')).toBe(false);
    expect(registry.types()).toEqual(['order.placed', 'order.shipped']);
    expect(registry.definitions()).toEqual([OrderPlaced, OrderShipped]);
  });

  it('parses an event with the definition of its type', () => {
    const shipped = OrderShipped.create({ orderId: 'o-1', carrier: 'dhl' });
    const parsed = registry.parse({ ...shipped });
    expect(parsed).toEqual(shipped);
    expect(definitionOf(parsed)).toBe(OrderShipped);
  });

  it('rejects an event of an unregistered type with UNKNOWN_EVENT_TYPE listing the known types', () => {
    const event = { ...OrderPlaced.create({ orderId: 'o-1' }), type: 'order.cancelled' };
    const err = thrown(() => registry.parse(event));
    expect(err.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(err.message).toBe(
      `Unknown event type "order.cancelled" (event ${event.id}); known types: order.placed, order.shipped. Register its definition in the EventRegistry.`,
    );
  });

  it('rejects data that does not match with SCHEMA_MISMATCH naming the field', () => {
    const event = { ...OrderShipped.create({ orderId: 'o-1', carrier: 'dhl' }), data: { orderId: 'o-1' } };
    const err = thrown(() => registry.parse(event));
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err instanceof ValidationError && err.issues).toEqual([{ path: 'carrier', message: 'required' }]);
  });

  it('refuses two definitions of one type with INVALID_ARGUMENT naming the type and versions', () => {
    const OrderPlacedV2 = defineEvent('order.placed', { version: 2, schema: z.object({ id: z.string() }) });
    const err = thrown(() => new EventRegistry([OrderPlaced, OrderPlacedV2]));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('event type "order.placed" is defined twice (v1 and v2)');
  });

  it('refuses entries that are not definitions', () => {
    expect(thrown(() => new EventRegistry([null as never])).code).toBe('INVALID_ARGUMENT');
  });

  it('says so when no type is known', () => {
    const event = OrderPlaced.create({ orderId: 'o' });
    expect(thrown(() => new EventRegistry([]).parse(event)).message).toContain('known types: (none)');
  });
});
