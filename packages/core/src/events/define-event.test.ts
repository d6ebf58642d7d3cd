import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromLogRecord, toLogRecord } from '../envelope/kafka-binary-codec.js';
import { fromStructuredJson, toStructuredJson } from '../envelope/structured-json-codec.js';
import type { CloudEvent } from '../envelope/types.js';
import { type TributaryError, ValidationError } from '../errors/errors.js';
import { thrown } from '../testing/thrown.js';
import { defineEvent } from './define-event.js';
import { definitionOf } from './definition-of.js';
import { isUuidV7 } from './uuid-v7.js';

const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  topic: 'orders',
  source: 'shop',
  description: 'A customer placed an order.',
  schema: z.object({
    orderId: z.string(),
    customer: z.string(),
    items: z.array(
      z.object({ sku: z.string(), price: z.number(), qty: z.number().int().positive().default(1) }),
    ),
  }),
});

const validOrder = { orderId: 'o-1', customer: 'c-1', items: [{ sku: 'SKU-1', price: 9.5 }] };

function issuesOf(err: TributaryError): { path: string; message: string }[] {
  return err instanceof ValidationError ? [...err.issues] : [];
}

describe('defineEvent().create', () => {
  it('builds a CloudEvents 1.0 event with a UUID v7 id, the current time and the schema output as data', () => {
    const before = Date.now();
    const event = OrderPlaced.create(validOrder);
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.any(String),
      source: 'shop',
      type: 'order.placed',
      time: expect.any(String),
      datacontenttype: 'application/json',
      dataschema: 'urn:tributary:schema:order.placed:v1',
      data: { orderId: 'o-1', customer: 'c-1', items: [{ sku: 'SKU-1', price: 9.5, qty: 1 }] },
    });
    expect(isUuidV7(event.id)).toBe(true);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(Date.now());
  });

  it("defaults source to 'tributary' when the definition has none", () => {
    const Ping = defineEvent('ping', { version: 1, schema: z.object({}) });
    expect(Ping.create({}).source).toBe('tributary');
  });

  it('names every failing field path in the message and in issues', () => {
    const err = thrown(() =>
      OrderPlaced.create({ orderId: 'o-1', items: [{ sku: 'a', price: '3' }, { price: 1 }] } as never),
    );
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err.message).toBe(
      'Event "order.placed" v1 data does not match its schema: customer: required; ' +
        'items.0.price: expected number, received string; items.1.sku: required',
    );
    expect(issuesOf(err)).toEqual([
      { path: 'customer', message: 'required' },
      { path: 'items.0.price', message: 'expected number, received string' },
      { path: 'items.1.sku', message: 'required' },
    ]);
  });

  it('reports a mismatch of the data itself at (root), and unions by their alternatives', () => {
    const Text = defineEvent('text', { version: 2, schema: z.string() });
    const err = thrown(() => Text.create(5 as never));
    expect(err.message).toBe(
      'Event "text" v2 data does not match its schema: (root): expected string, received number',
    );
    expect(issuesOf(err)).toEqual([{ path: '(root)', message: 'expected string, received number' }]);

    const Either = defineEvent('either', {
      version: 1,
      schema: z.object({ v: z.union([z.string(), z.number()]) }),
    });
    const unionErr = thrown(() => Either.create({ v: true } as never));
    expect(issuesOf(unionErr)).toEqual([
      {
        path: 'v',
        message:
          'matches none of the alternatives (expected string, received boolean | expected number, received boolean)',
      },
    ]);
  });

  it('applies every option and copies extensions so later changes to the options do not leak in', () => {
    const options = {
      id: 'evt-1',
      source: '/checkout',
      subject: 'o-1',
      time: new Date('2024-05-01T12:34:56.789Z'),
      tenantid: 'acme',
      partitionkey: 'c-1',
      correlationid: 'flow-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      extensions: { region: 'eu' } as Record<string, string>,
    };
    const event = OrderPlaced.create(validOrder, options);
    options.extensions.region = 'us';
    expect(event).toMatchObject({
      id: 'evt-1',
      source: '/checkout',
      subject: 'o-1',
      time: '2024-05-01T12:34:56.789Z',
      tenantid: 'acme',
      partitionkey: 'c-1',
      correlationid: 'flow-1',
      traceparent: options.traceparent,
      extensions: { region: 'eu' },
    });
    expect(event.causationid).toBeUndefined();
    expect(OrderPlaced.create(validOrder, { time: '2024-05-01T14:34:56+02:00' }).time).toBe(
      '2024-05-01T14:34:56+02:00',
    );
  });

  it('keeps the first correlation id along a causedBy chain of three events and links each cause', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const first = OrderPlaced.create(validOrder, { tenantid: 'acme', traceparent });
    const second = OrderPlaced.create(validOrder, { causedBy: first });
    const third = OrderPlaced.create(validOrder, { causedBy: second });
    expect(first.correlationid).toBeUndefined();
    expect(second).toMatchObject({
      correlationid: first.id,
      causationid: first.id,
      tenantid: 'acme',
      traceparent,
    });
    expect(third).toMatchObject({
      correlationid: first.id,
      causationid: second.id,
      tenantid: 'acme',
      traceparent,
    });
  });

  it('lets explicit options win over what causedBy would give', () => {
    const cause = OrderPlaced.create(validOrder, { tenantid: 'acme', correlationid: 'flow-1' });
    const traceparent = '00-00000000000000000000000000000001-0000000000000002-00';
    const event = OrderPlaced.create(validOrder, {
      causedBy: cause,
      tenantid: 'other',
      traceparent,
      correlationid: 'x',
    });
    expect(event).toMatchObject({
      tenantid: 'other',
      traceparent,
      correlationid: 'x',
      causationid: cause.id,
    });
    expect(OrderPlaced.create(validOrder, { causedBy: cause }).correlationid).toBe('flow-1');
  });

  it('modifies neither the data, the options nor the causing event', () => {
    const data = {
      orderId: 'o-1',
      customer: 'c-1',
      items: [{ sku: 'SKU-1', price: 9.5 }],
      extra: 'stripped',
    };
    const cause = OrderPlaced.create(validOrder, { tenantid: 'acme' });
    const options = { causedBy: cause, extensions: { region: 'eu' }, time: new Date(0) };
    const snapshot = structuredClone({ data, options });
    const event = OrderPlaced.create(data, options);
    expect({ data, options }).toEqual(snapshot);
    expect(event.data).not.toBe(data);
    expect(event.data).not.toHaveProperty('extra');
  });

  it('accepts deeply frozen data', () => {
    const frozen = Object.freeze({
      ...validOrder,
      items: Object.freeze([Object.freeze({ sku: 'a', price: 1 })]),
    });
    expect(OrderPlaced.create(frozen).data.items[0]).toEqual({ sku: 'a', price: 1, qty: 1 });
  });

  it('rejects bad options with one INVALID_ARGUMENT naming every one', () => {
    const err = thrown(() =>
      OrderPlaced.create(validOrder, {
        id: '',
        time: 'yesterday',
        traceparent: 'not-a-trace',
        extensions: { Bad: 'x', tenantid: 'y', ok: 5 as unknown as string },
        bogus: 1,
      } as never),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(issuesOf(err).map((issue) => issue.path)).toEqual([
      'bogus',
      'id',
      'traceparent',
      'time',
      'extensions.Bad',
      'extensions.tenantid',
      'extensions.ok',
    ]);
    expect(err.message).toContain('Event "order.placed" v1: invalid options: bogus: unknown option');
    expect(err.message).toContain('time: "yesterday" is not an RFC 3339 timestamp');
  });

  it('rejects an invalid Date and a causedBy that is not an event', () => {
    const err = thrown(() =>
      OrderPlaced.create(validOrder, { time: new Date(Number.NaN), causedBy: {} as CloudEvent }),
    );
    expect(issuesOf(err).map((issue) => issue.path)).toEqual(['time', 'causedBy']);
  });

  it('returns the schema output, so transforms and defaults apply', () => {
    const Upper = defineEvent('upper', {
      version: 1,
      schema: z.object({ name: z.string().transform((s) => s.toUpperCase()) }),
    });
    expect(Upper.create({ name: 'ada' }).data).toEqual({ name: 'ADA' });
  });

  it('rejects a schema that needs async parsing with INVALID_ARGUMENT instead of an unexplained Zod error', () => {
    const Slow = defineEvent('slow', { version: 1, schema: z.string().refine(async () => true) });
    const err = thrown(() => Slow.create('x'));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('must not use async refinements or transforms');
  });
});

describe('definitionOf', () => {
  it('finds the definition of a created event without the link showing in JSON, keys or copies', () => {
    const event = OrderPlaced.create(validOrder);
    expect(definitionOf(event)).toBe(OrderPlaced);
    expect(definitionOf(event)?.topic).toBe('orders');
    expect(JSON.stringify(event)).not.toContain('orders');
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    expect(Object.getOwnPropertySymbols(event)).toEqual([]); // the link is on the prototype
    expect(Object.keys(event)).not.toContain('topic');
    expect(definitionOf({ ...event })).toBeUndefined();
    expect(definitionOf(structuredClone(event))).toBeUndefined();
    expect(definitionOf(fromStructuredJson(toStructuredJson(event)))).toBeUndefined();
  });
});

describe('defineEvent().parse', () => {
  it('validates a decoded event and returns an equal copy linked to the definition, leaving the input alone', () => {
    const created = OrderPlaced.create(validOrder, { subject: 'o-1' });
    const record = toLogRecord(created);
    const decoded = fromLogRecord({
      ...record,
      offset: 0n,
      timestamp: record.timestamp ?? 0,
      headers: record.headers ?? [],
    });
    const snapshot = structuredClone(decoded);
    const parsed = OrderPlaced.parse(decoded);
    expect(parsed).toEqual(created);
    expect(parsed).not.toBe(decoded);
    expect(decoded).toEqual(snapshot);
    expect(definitionOf(parsed)).toBe(OrderPlaced);
  });

  it('rejects data that no longer matches with SCHEMA_MISMATCH naming the fields and the event', () => {
    const event = { ...OrderPlaced.create(validOrder), data: { orderId: 7, items: [] } };
    const err = thrown(() => OrderPlaced.parse(event));
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(err.message).toBe(
      `Event "order.placed" v1 data does not match its schema (event ${event.id}): orderId: expected string, received number; customer: required`,
    );
  });

  it('rejects an event of another type with SCHEMA_MISMATCH on type', () => {
    const event = { ...OrderPlaced.create(validOrder), type: 'order.shipped' };
    const err = thrown(() => OrderPlaced.parse(event));
    expect(err.code).toBe('SCHEMA_MISMATCH');
    expect(issuesOf(err)).toEqual([
      { path: 'type', message: 'expected "order.placed", received "order.shipped"' },
    ]);
  });
});

describe('defineEvent().is and .jsonSchema', () => {
  it('recognises events by type alone', () => {
    const event = OrderPlaced.create(validOrder);
    expect(OrderPlaced.is(event)).toBe(true);
    expect(OrderPlaced.is({ ...event, type: 'other' })).toBe(false);
    expect(OrderPlaced.is({ ...event, data: 'not an order' })).toBe(true);
  });

  it('derives a draft 2020-12 JSON Schema identified by the dataschema URN', () => {
    const schema = OrderPlaced.jsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:tributary:schema:order.placed:v1',
      description: 'A customer placed an order.',
      type: 'object',
      required: ['orderId', 'customer', 'items'],
    });
    schema.type = 'changed';
    expect(OrderPlaced.jsonSchema().type).toBe('object');
  });

  it('does not throw for schemas JSON Schema cannot fully express', () => {
    const Dated = defineEvent('dated', { version: 1, schema: z.object({ at: z.date() }) });
    expect(Dated.jsonSchema()).toMatchObject({ type: 'object', required: ['at'] });
  });
});

describe('defineEvent arguments', () => {
  it('names every bad argument in one INVALID_ARGUMENT', () => {
    const err = thrown(() => defineEvent('', { version: 0, schema: {} as z.ZodString }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(issuesOf(err).map((issue) => issue.path)).toEqual(['type', 'version', 'schema']);
    expect(err.message).toContain('version: expected an integer >= 1, received 0');
    expect(err.message).toContain('schema: expected a Zod v4 schema');
  });

  it.each([
    ['order placed', 'use ASCII letters'],
    ['.hidden', 'use ASCII letters'],
    ['x'.repeat(201), 'the limit is 200'],
  ])('rejects the event type %j', (type, why) => {
    const err = thrown(() => defineEvent(type, { version: 1, schema: z.string() }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(why);
  });

  it.each([1.5, -1, Number.NaN])('rejects version %s', (version) => {
    expect(issuesOf(thrown(() => defineEvent('a', { version, schema: z.string() })))).toEqual([
      { path: 'version', message: `expected an integer >= 1, received ${version}` },
    ]);
  });

  it('rejects an invalid default topic with INVALID_TOPIC_NAME', () => {
    expect(thrown(() => defineEvent('a', { version: 1, schema: z.string(), topic: 'bad topic' })).code).toBe(
      'INVALID_TOPIC_NAME',
    );
  });

  it('returns a frozen definition', () => {
    expect(Object.isFrozen(OrderPlaced)).toBe(true);
  });
});
