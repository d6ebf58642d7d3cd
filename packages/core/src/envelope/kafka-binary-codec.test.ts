import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { LogRecord, LogRecordInput, RecordHeader } from '../ports/log.js';
import { issuePaths as paths, thrown } from '../testing/thrown.js';
import { eventTypeOf, fromLogRecord, toLogRecord } from './kafka-binary-codec.js';
import { toStructuredJson } from './structured-json-codec.js';
import type { CloudEvent } from './types.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) =>
  bytes == null ? bytes : new TextDecoder().decode(bytes);

/** What a log hands back for an appended record. */
function stored(input: LogRecordInput, offset = 7n): LogRecord {
  return {
    offset,
    timestamp: input.timestamp ?? 0,
    key: input.key,
    value: input.value,
    headers: input.headers ?? [],
  };
}

function record(
  headers: Record<string, string | Uint8Array | null>,
  value: string | Uint8Array | null = null,
): LogRecord {
  const list: RecordHeader[] = Object.entries(headers).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? utf8(v) : v,
  }));
  return {
    offset: 3n,
    timestamp: Date.parse('2024-05-01T00:00:00Z'),
    key: null,
    value: typeof value === 'string' ? utf8(value) : value,
    headers: list,
  };
}

const full: CloudEvent<{ orderId: string; total: number }, 'order.placed'> = {
  specversion: '1.0',
  id: '0190a1b2-c3d4-7e5f-8a9b-0123456789ab',
  source: '/shop/checkout',
  type: 'order.placed',
  time: '2024-05-01T12:34:56.789Z',
  subject: 'o-1',
  datacontenttype: 'application/json',
  dataschema: 'urn:tributary:schema:order.placed:v1',
  data: { orderId: 'o-1', total: 12.5 },
  tenantid: 'acme',
  correlationid: 'flow-1',
  causationid: 'evt-0',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  partitionkey: 'customer-9',
  sequence: '42',
  extensions: { region: 'eu', priority1: 'high' },
};

describe('toLogRecord', () => {
  it('maps every attribute to a ce_ header, datacontenttype to content-type and data to the value', () => {
    const out = toLogRecord(full);
    expect(out.headers?.map((h) => [h.key, text(h.value)])).toEqual([
      ['ce_specversion', '1.0'],
      ['ce_id', full.id],
      ['ce_source', '/shop/checkout'],
      ['ce_type', 'order.placed'],
      ['ce_time', '2024-05-01T12:34:56.789Z'],
      ['ce_subject', 'o-1'],
      ['ce_dataschema', 'urn:tributary:schema:order.placed:v1'],
      ['ce_tenantid', 'acme'],
      ['ce_correlationid', 'flow-1'],
      ['ce_causationid', 'evt-0'],
      ['ce_traceparent', full.traceparent],
      ['ce_partitionkey', 'customer-9'],
      ['ce_sequence', '42'],
      ['ce_region', 'eu'],
      ['ce_priority1', 'high'],
      ['content-type', 'application/json'],
    ]);
    expect(text(out.value)).toBe('{"orderId":"o-1","total":12.5}');
    expect(out.timestamp).toBe(Date.parse('2024-05-01T12:34:56.789Z'));
  });

  it('keys the record by the key argument, else partitionkey, else nothing', () => {
    expect(text(toLogRecord(full, 'explicit').key)).toBe('explicit');
    const bytes = new Uint8Array([1, 2, 3]);
    expect(toLogRecord(full, bytes).key).toBe(bytes);
    expect(text(toLogRecord(full).key)).toBe('customer-9');
    expect(text(toLogRecord(full, null).key)).toBe('customer-9');
    const { partitionkey: _, ...unkeyed } = full;
    expect(toLogRecord(unkeyed).key).toBeNull();
  });

  it('declares application/json when datacontenttype is absent, and nothing for raw bytes', () => {
    const { datacontenttype: _, ...noType } = full;
    expect(toLogRecord(noType).headers?.find((h) => h.key === 'content-type')?.value).toEqual(
      utf8('application/json'),
    );
    const bytes = new Uint8Array([0, 255, 7]);
    const raw = toLogRecord({ ...noType, data: bytes });
    expect(raw.value).toBe(bytes);
    expect(raw.headers?.some((h) => h.key === 'content-type')).toBe(false);
  });

  it('writes no value for an event without data', () => {
    expect(toLogRecord({ ...full, data: undefined }).value).toBeNull();
  });

  it('writes string data under a non-JSON content type as UTF-8', () => {
    expect(text(toLogRecord({ ...full, datacontenttype: 'text/xml', data: '<a>ü</a>' }).value)).toBe(
      '<a>ü</a>',
    );
  });

  it('rejects data its content type cannot carry with INVALID_ENVELOPE on data', () => {
    const notText = thrown(() => toLogRecord({ ...full, datacontenttype: 'text/plain', data: { a: 1 } }));
    expect(notText.code).toBe('INVALID_ENVELOPE');
    expect(notText.message).toContain(
      'data: content type "text/plain" is not JSON, so data must be a string or a Uint8Array, received object',
    );
    const bigint = thrown(() => toLogRecord({ ...full, data: { n: 1n } }));
    expect(bigint.code).toBe('INVALID_ENVELOPE');
    expect(bigint.message).toMatch(/data: cannot be serialized as JSON: .*BigInt/);
    expect(thrown(() => toLogRecord({ ...full, data: () => 1 })).message).toContain(
      'function data cannot be serialized as JSON',
    );
  });

  it('rejects an invalid event naming every bad attribute', () => {
    const bad = {
      ...full,
      specversion: '0.3',
      id: undefined,
      source: '',
      time: 'yesterday',
      subject: 5,
      extensions: { Bad: 'x', tenantid: 'y', ok: 1 },
    } as unknown as CloudEvent;
    const err = thrown(() => toLogRecord(bad));
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(paths(err)).toEqual([
      'specversion',
      'id',
      'source',
      'time',
      'subject',
      'extensions.Bad',
      'extensions.tenantid',
      'extensions.ok',
    ]);
    expect(err.message).toBe(
      'Cannot write event "order.placed" to the log: specversion: expected "1.0", received "0.3"; id: required; ' +
        'source: must not be empty; time: "yesterday" is not an RFC 3339 timestamp; subject: expected a string, received number; ' +
        'extensions.Bad: an attribute name must consist of lower-case ASCII letters and digits; ' +
        'extensions.tenantid: "tenantid" is a CloudEvents attribute of its own, not an extension; ' +
        'extensions.ok: expected a string, received number',
    );
  });

  it('does not modify the event', () => {
    const snapshot = structuredClone(full);
    toLogRecord(full, 'k');
    expect(full).toEqual(snapshot);
  });
});

describe('fromLogRecord', () => {
  it('round-trips every attribute and extension', () => {
    expect(fromLogRecord(stored(toLogRecord(full)))).toEqual(full);
  });

  it('round-trips binary data byte for byte, copying it out of the record', () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255, 0xc3]);
    const event = { ...full, datacontenttype: 'application/octet-stream', data: bytes };
    const rec = stored(toLogRecord(event));
    const decoded = fromLogRecord(rec);
    expect(decoded).toEqual(event);
    expect(decoded.data).toBeInstanceOf(Uint8Array);
    rec.value?.fill(9);
    expect(decoded.data).toEqual(new Uint8Array([0, 1, 127, 128, 255, 0xc3]));
  });

  it('round-trips an event without data, with null data and with non-ASCII text', () => {
    const event = { ...full, subject: 'Bestellung für Müller 🚚', data: undefined };
    expect(fromLogRecord(stored(toLogRecord(event)))).toEqual(event);
    const explicitNull = { ...full, data: null };
    expect(fromLogRecord(stored(toLogRecord(explicitNull)))).toEqual(explicitNull);
    const unicode = { ...full, data: { note: 'naïve — 日本語 🚀' } };
    expect(fromLogRecord(stored(toLogRecord(unicode)))).toEqual(unicode);
  });

  it('keeps thousands of encoded records intact (shared encoding buffers never overlap)', () => {
    const events = Array.from({ length: 5000 }, (_, i) => ({
      ...full,
      id: `id-${i}-${'é'.repeat(i % 50)}`,
      data: { i, pad: 'x'.repeat(i % 700) },
    }));
    const records = events.map((event) => stored(toLogRecord(event)));
    const mismatch = records.findIndex((rec, i) => !isDeepStrictEqual(fromLogRecord(rec), events[i]));
    expect(mismatch).toBe(-1);
  });

  it('parses JSON data for */json and */*+json content types, with parameters', () => {
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/vnd.acme.order+json',
      'text/json',
    ]) {
      const event = { ...full, datacontenttype: contentType };
      expect(fromLogRecord(stored(toLogRecord(event))).data).toEqual(full.data);
    }
  });

  it('returns bytes for other content types and for records without a content type', () => {
    const xml = fromLogRecord(stored(toLogRecord({ ...full, datacontenttype: 'text/xml', data: '<a/>' })));
    expect(xml.data).toEqual(utf8('<a/>'));
    const { datacontenttype: _, ...rest } = full;
    const none = fromLogRecord(stored(toLogRecord({ ...rest, data: utf8('{"a":1}') })));
    expect(none.data).toEqual(utf8('{"a":1}'));
    expect(none.datacontenttype).toBeUndefined();
  });

  it('reads a record written by another CloudEvents Kafka producer', () => {
    const foreign = record(
      {
        ce_specversion: '1.0',
        ce_type: 'com.example.someevent',
        ce_source: '/mycontext/subcontext',
        ce_id: '1234-1234-1234',
        ce_time: '2018-04-05T03:56:24Z',
        ce_comexampleextension1: 'value',
        'Content-Type': 'application/json',
        traceparent: 'not-a-ce-header',
      },
      '{"appinfoA":"abc"}',
    );
    expect(fromLogRecord(foreign)).toEqual({
      specversion: '1.0',
      id: '1234-1234-1234',
      source: '/mycontext/subcontext',
      type: 'com.example.someevent',
      time: '2018-04-05T03:56:24Z',
      datacontenttype: 'application/json',
      extensions: { comexampleextension1: 'value' },
      data: { appinfoA: 'abc' },
    });
  });

  it('takes the time from the record timestamp when ce_time is absent, and treats null headers as unset', () => {
    const event = fromLogRecord(
      record({ ce_specversion: '1.0', ce_id: 'a', ce_source: 's', ce_type: 't', ce_subject: null }),
    );
    expect(event.time).toBe('2024-05-01T00:00:00.000Z');
    expect(event).not.toHaveProperty('subject');
  });

  it('accepts ce_datacontenttype as the content type', () => {
    const rec = record(
      {
        ce_specversion: '1.0',
        ce_id: 'a',
        ce_source: 's',
        ce_type: 't',
        ce_datacontenttype: 'application/json',
      },
      '[1]',
    );
    expect(fromLogRecord(rec)).toMatchObject({ datacontenttype: 'application/json', data: [1] });
  });

  it('names every missing required attribute', () => {
    const err = thrown(() => fromLogRecord(record({ ce_type: 'order.placed' }, '{}')));
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(err.message).toBe(
      'Log record at offset 3 is not a valid CloudEvent: specversion: required; id: required; source: required',
    );
  });

  it('names every malformed header and unparsable data in one error', () => {
    const rec = record(
      {
        ce_specversion: '1.0',
        ce_id: new Uint8Array([0xff, 0xfe]),
        ce_source: 's',
        ce_type: 't',
        'ce_Bad-Name': 'x',
        'content-type': 'application/json',
      },
      '{"broken":',
    );
    const withDuplicate: LogRecord = {
      ...rec,
      headers: [...rec.headers, { key: 'ce_source', value: utf8('again') }],
    };
    const err = thrown(() => fromLogRecord(withDuplicate));
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(paths(err)).toEqual(['id', 'ce_Bad-Name', 'source', 'data', 'id']);
    expect(err.message).toContain('id: header ce_id is not valid UTF-8');
    expect(err.message).toContain('ce_Bad-Name: header does not name a valid attribute');
    expect(err.message).toContain('source: appears more than once (header ce_source)');
    expect(err.message).toContain('data: not valid JSON for content type application/json');
  });

  it('rejects a wrong specversion and a malformed time', () => {
    const err = thrown(() =>
      fromLogRecord(
        record({ ce_specversion: '0.3', ce_id: 'a', ce_source: 's', ce_type: 't', ce_time: '5 May' }),
      ),
    );
    expect(paths(err)).toEqual(['specversion', 'time']);
  });

  it('reads structured content mode records and rejects formats it does not know', () => {
    const { extensions: _, ...event } = full;
    const structured = record(
      { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
      toStructuredJson(event),
    );
    expect(fromLogRecord(structured)).toEqual(event);
    const avro = thrown(() => fromLogRecord(record({ 'content-type': 'application/cloudevents+avro' }, 'x')));
    expect(avro.code).toBe('INVALID_ENVELOPE');
    expect(avro.message).toContain('"application/cloudevents+avro" is not supported');
    const batch = thrown(() =>
      fromLogRecord(record({ 'content-type': 'application/cloudevents-batch+json' }, '[]')),
    );
    expect(batch.code).toBe('INVALID_ENVELOPE');
  });

  it('does not modify the record', () => {
    const rec = stored(toLogRecord(full));
    const snapshot = structuredClone(rec);
    fromLogRecord(rec);
    expect(rec).toEqual(snapshot);
  });
});

describe('eventTypeOf', () => {
  it('reads the ce_type header without decoding the rest', () => {
    expect(eventTypeOf(record({ ce_type: 'order.placed' }, '{not json'))).toBe('order.placed');
    expect(eventTypeOf(stored(toLogRecord(full)))).toBe('order.placed');
  });

  it('is undefined without a readable ce_type header', () => {
    expect(eventTypeOf(record({ ce_id: 'a' }))).toBeUndefined();
    expect(eventTypeOf(record({ ce_type: null }))).toBeUndefined();
    expect(eventTypeOf(record({ ce_type: new Uint8Array([0xff]) }))).toBeUndefined();
  });
});
