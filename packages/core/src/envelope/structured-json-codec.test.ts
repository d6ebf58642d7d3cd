import { describe, expect, it } from 'vitest';
import { issuePaths as paths, thrown } from '../testing/thrown.js';
import {
  CLOUDEVENTS_JSON_CONTENT_TYPE,
  fromStructuredJson,
  toStructuredJson,
} from './structured-json-codec.js';
import type { CloudEvent } from './types.js';

const full: CloudEvent<{ orderId: string; lines: number[] }, 'order.placed'> = {
  specversion: '1.0',
  id: 'evt-1',
  source: '/shop',
  type: 'order.placed',
  time: '2024-05-01T12:34:56.789Z',
  subject: 'o-1',
  datacontenttype: 'application/json',
  dataschema: 'urn:tributary:schema:order.placed:v1',
  data: { orderId: 'o-1', lines: [1, 2] },
  tenantid: 'acme',
  correlationid: 'flow-1',
  causationid: 'evt-0',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  partitionkey: 'c-9',
  sequence: '7',
  extensions: { region: 'eu' },
};

describe('toStructuredJson', () => {
  it('writes one JSON object with extensions as top-level members and data as a JSON value', () => {
    expect(JSON.parse(toStructuredJson(full))).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      source: '/shop',
      type: 'order.placed',
      time: '2024-05-01T12:34:56.789Z',
      subject: 'o-1',
      datacontenttype: 'application/json',
      dataschema: 'urn:tributary:schema:order.placed:v1',
      tenantid: 'acme',
      correlationid: 'flow-1',
      causationid: 'evt-0',
      traceparent: full.traceparent,
      partitionkey: 'c-9',
      sequence: '7',
      region: 'eu',
      data: { orderId: 'o-1', lines: [1, 2] },
    });
    expect(CLOUDEVENTS_JSON_CONTENT_TYPE).toBe('application/cloudevents+json');
  });

  it('writes binary data as data_base64', () => {
    const json = JSON.parse(
      toStructuredJson({
        ...full,
        datacontenttype: 'application/octet-stream',
        data: new Uint8Array([0, 1, 254, 255]),
      }),
    );
    expect(json.data_base64).toBe('AAH+/w==');
    expect(json).not.toHaveProperty('data');
  });

  it('omits data for an event without data and keeps string data under non-JSON content types', () => {
    expect(JSON.parse(toStructuredJson({ ...full, data: undefined }))).not.toHaveProperty('data');
    expect(JSON.parse(toStructuredJson({ ...full, datacontenttype: 'text/xml', data: '<a/>' })).data).toBe(
      '<a/>',
    );
  });

  it('rejects an invalid event naming every bad attribute', () => {
    const err = thrown(() =>
      toStructuredJson({
        ...full,
        id: '',
        type: undefined,
        extensions: { 'x-y': 'z' },
      } as unknown as CloudEvent),
    );
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(paths(err)).toEqual(['id', 'type', 'extensions.x-y']);
    expect(err.message).toMatch(
      /^Cannot write event \(no type\) as application\/cloudevents\+json: id: must not be empty/,
    );
  });

  it('rejects data it cannot represent', () => {
    expect(
      thrown(() => toStructuredJson({ ...full, datacontenttype: 'text/plain', data: { a: 1 } })).message,
    ).toContain(
      'data: content type "text/plain" is not JSON, so data must be a string or a Uint8Array, received object',
    );
    expect(thrown(() => toStructuredJson({ ...full, data: 10n })).code).toBe('INVALID_ENVELOPE');
  });
});

describe('fromStructuredJson', () => {
  it('round-trips every attribute and extension, from text and from a parsed object', () => {
    const json = toStructuredJson(full);
    expect(fromStructuredJson(json)).toEqual(full);
    expect(fromStructuredJson(JSON.parse(json))).toEqual(full);
  });

  it('round-trips binary data through data_base64', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const event = { ...full, datacontenttype: 'image/png', data: bytes };
    const decoded = fromStructuredJson(toStructuredJson(event));
    expect(decoded.data).toBeInstanceOf(Uint8Array);
    expect(decoded).toEqual(event);
  });

  it('reads the JSON format spec example, keeping integer and boolean extensions as canonical strings', () => {
    const event = fromStructuredJson({
      specversion: '1.0',
      type: 'com.example.someevent',
      source: '/mycontext',
      subject: null,
      id: 'C234-1234-1234',
      time: '2018-04-05T17:31:00Z',
      comexampleextension1: 'value',
      comexampleothervalue: 5,
      flag: false,
      unsetextension: null,
      datacontenttype: 'application/json',
      data: { appinfoA: 'abc', appinfoB: 123, appinfoC: true },
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'C234-1234-1234',
      source: '/mycontext',
      type: 'com.example.someevent',
      time: '2018-04-05T17:31:00Z',
      datacontenttype: 'application/json',
      extensions: { comexampleextension1: 'value', comexampleothervalue: '5', flag: 'false' },
      data: { appinfoA: 'abc', appinfoB: 123, appinfoC: true },
    });
    expect(event).not.toHaveProperty('subject');
  });

  it('keeps an explicit null payload, distinct from no data', () => {
    const base = { specversion: '1.0', id: 'a', source: 's', type: 't', time: '2024-01-01T00:00:00Z' };
    const withNull = fromStructuredJson({ ...base, data: null });
    expect(withNull.data).toBeNull();
    expect(JSON.parse(toStructuredJson(withNull))).toHaveProperty('data', null);
    expect(fromStructuredJson(base).data).toBeUndefined();
  });

  it('keeps a JSON string as data without parsing it again, and string data of non-JSON types', () => {
    const base = { specversion: '1.0', id: 'a', source: 's', type: 't', time: '2024-01-01T00:00:00Z' };
    expect(fromStructuredJson({ ...base, data: '{"not":"parsed"}' }).data).toBe('{"not":"parsed"}');
    expect(fromStructuredJson({ ...base, datacontenttype: 'text/xml', data: '<a/>' }).data).toBe('<a/>');
  });

  it('names every missing required attribute', () => {
    const err = thrown(() => fromStructuredJson('{}'));
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect(err.message).toBe(
      'Not a valid application/cloudevents+json event: specversion: required; id: required; source: required; type: required; time: required',
    );
  });

  it('names every mistyped attribute, bad name and bad data in one error', () => {
    const err = thrown(() =>
      fromStructuredJson({
        specversion: '0.3',
        id: 5,
        source: '/s',
        type: 't',
        time: 'tomorrow',
        tenantid: true,
        Bad_Name: 'x',
        nested: { a: 1 },
        big: 2 ** 40,
        ratio: 0.5,
        data: {},
        data_base64: 'AAAA',
      }),
    );
    expect(paths(err)).toEqual([
      'Bad_Name',
      'nested',
      'big',
      'ratio',
      'data_base64',
      'specversion',
      'id',
      'time',
      'tenantid',
    ]);
    expect(err.message).toContain(
      'Bad_Name: an attribute name must consist of lower-case ASCII letters and digits',
    );
    expect(err.message).toContain('nested: expected a string, boolean or integer, received object');
    expect(err.message).toContain(
      'big: integer 1099511627776 is outside the 32-bit range CloudEvents allows',
    );
    expect(err.message).toContain('ratio: expected a string, boolean or integer, received a fraction');
    expect(err.message).toContain('data_base64: data and data_base64 are mutually exclusive');
    expect(err.message).toContain('id: expected a string, received number');
    expect(err.message).toContain('tenantid: expected a string, received boolean');
  });

  it('rejects malformed Base64 and non-string data under a non-JSON content type', () => {
    const base = { specversion: '1.0', id: 'a', source: 's', type: 't', time: '2024-01-01T00:00:00Z' };
    expect(paths(thrown(() => fromStructuredJson({ ...base, data_base64: 'not base64!' })))).toEqual([
      'data_base64',
    ]);
    expect(
      paths(thrown(() => fromStructuredJson({ ...base, datacontenttype: 'text/plain', data: [1] }))),
    ).toEqual(['data']);
  });

  it('rejects text that is not JSON, batches and non-objects, saying which', () => {
    const notJson = thrown(() => fromStructuredJson('{"id": '));
    expect(notJson.code).toBe('INVALID_ENVELOPE');
    expect(notJson.message).toMatch(
      /^Not a valid application\/cloudevents\+json event: \(root\): not valid JSON: /,
    );
    expect(thrown(() => fromStructuredJson('[]')).message).toContain('the batch format');
    expect(thrown(() => fromStructuredJson('42')).message).toContain(
      'expected a JSON object, received number',
    );
  });

  it('does not modify a parsed input object', () => {
    const input = JSON.parse(toStructuredJson(full));
    const snapshot = structuredClone(input);
    fromStructuredJson(input);
    expect(input).toEqual(snapshot);
  });
});
