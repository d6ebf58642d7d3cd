/**
 * CloudEvent <-> log record, per the CloudEvents Kafka protocol binding in binary content mode:
 * every attribute but `data` and `datacontenttype` is a `ce_<name>` header with a UTF-8 value,
 * `datacontenttype` is the `content-type` header, and the value is the data bytes. Records written
 * here are therefore readable by any Kafka/CloudEvents tool, and records written by those tools
 * (binary or structured mode) are readable here.
 *
 * This is on the publish and consume hot paths: header values that repeat are encoded once and
 * shared, others are written into a slab (see `utf8.ts`).
 */
import type { FieldIssue } from '../errors/errors.js';
import type { LogRecord, LogRecordInput, RecordHeader } from '../ports/log.js';
import {
  assertEnvelope,
  attributeNameProblem,
  describeEvent,
  envelopeIssues,
  isJsonContentType,
  rfc3339Millis,
} from './attributes.js';
import { addIssue, describeType, invalidEnvelope } from './issues.js';
import { CLOUDEVENTS_JSON_CONTENT_TYPE, fromStructuredJson } from './structured-json-codec.js';
import { type CloudEvent, JSON_CONTENT_TYPE, SPEC_VERSION, TRIBUTARY_EXTENSIONS } from './types.js';
import { decodeUtf8, encodeUtf8, encodeUtf8Cached, RepeatDecoder, RepeatEncoder } from './utf8.js';

const CONTENT_TYPE_HEADER = 'content-type';
const HEADER_PREFIX = 'ce_';
const SPEC_VERSION_BYTES = encodeUtf8Cached(SPEC_VERSION);
// Events created in the same millisecond share their time string.
const timeEncoder = new RepeatEncoder();

/**
 * Encodes an event as a log record in binary content mode.
 *
 * - Headers: `ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_time`, then every other set
 *   attribute and extension as `ce_<name>`, then `content-type` = `datacontenttype` (default
 *   `application/json`; none for `Uint8Array` data without a content type).
 * - Value: `Uint8Array` data as is; for a JSON content type `JSON.stringify(data)` in UTF-8; for
 *   other content types string data in UTF-8; `null` when `data` is `undefined` (the spec's "no data").
 * - Key: `key` (a string is UTF-8 encoded), else the `partitionkey` attribute, else `null`.
 * - Timestamp: the event's `time` in milliseconds.
 *
 * The returned byte arrays may be shared with other records: treat them as read-only.
 *
 * @throws ValidationError `INVALID_ENVELOPE` naming every bad attribute, or data that cannot be
 *   encoded for its content type (non-JSON-serialisable data, an object under `text/plain`).
 */
export function toLogRecord(event: CloudEvent, key?: string | Uint8Array | null): LogRecordInput {
  const issues = envelopeIssues(event);
  if (issues !== undefined)
    throw invalidEnvelope(`Cannot write event ${describeEvent(event)} to the log`, issues);
  const data = event.data;
  const isBinary = data instanceof Uint8Array;
  const contentType = event.datacontenttype ?? (isBinary ? undefined : JSON_CONTENT_TYPE);
  let value: Uint8Array | null = null;
  if (isBinary) value = data;
  else if (data !== undefined) value = encodeUtf8(dataText(event, data, contentType ?? JSON_CONTENT_TYPE));

  const headers: RecordHeader[] = [
    { key: 'ce_specversion', value: SPEC_VERSION_BYTES },
    { key: 'ce_id', value: encodeUtf8(event.id) },
    { key: 'ce_source', value: encodeUtf8Cached(event.source) },
    { key: 'ce_type', value: encodeUtf8Cached(event.type) },
    { key: 'ce_time', value: timeEncoder.encode(event.time) },
  ];
  if (event.subject !== undefined) headers.push({ key: 'ce_subject', value: encodeUtf8(event.subject) });
  if (event.dataschema !== undefined) {
    headers.push({ key: 'ce_dataschema', value: encodeUtf8Cached(event.dataschema) });
  }
  if (event.tenantid !== undefined)
    headers.push({ key: 'ce_tenantid', value: encodeUtf8Cached(event.tenantid) });
  if (event.correlationid !== undefined) {
    headers.push({ key: 'ce_correlationid', value: encodeUtf8(event.correlationid) });
  }
  if (event.causationid !== undefined) {
    headers.push({ key: 'ce_causationid', value: encodeUtf8(event.causationid) });
  }
  if (event.traceparent !== undefined) {
    headers.push({ key: 'ce_traceparent', value: encodeUtf8(event.traceparent) });
  }
  let partitionKeyBytes: Uint8Array | undefined;
  if (event.partitionkey !== undefined) {
    partitionKeyBytes = encodeUtf8(event.partitionkey);
    headers.push({ key: 'ce_partitionkey', value: partitionKeyBytes });
  }
  if (event.sequence !== undefined) headers.push({ key: 'ce_sequence', value: encodeUtf8(event.sequence) });
  const extensions = event.extensions;
  if (extensions !== undefined) {
    for (const name of Object.keys(extensions)) {
      const text = extensions[name];
      if (text !== undefined) headers.push({ key: HEADER_PREFIX + name, value: encodeUtf8(text) });
    }
  }
  if (contentType !== undefined) {
    headers.push({ key: CONTENT_TYPE_HEADER, value: encodeUtf8Cached(contentType) });
  }

  const recordKey = key ?? event.partitionkey ?? null;
  return {
    key:
      typeof recordKey !== 'string'
        ? recordKey
        : recordKey === event.partitionkey && partitionKeyBytes !== undefined
          ? partitionKeyBytes // the same bytes serve the header and the key
          : encodeUtf8(recordKey),
    value,
    headers,
    timestamp: rfc3339Millis(event.time),
  };
}

/** The text of non-binary data: JSON for JSON content types, the string itself otherwise. */
function dataText(event: CloudEvent, data: unknown, contentType: string): string {
  let problem: string;
  if (isJsonContentType(contentType)) {
    try {
      const json = JSON.stringify(data);
      if (json !== undefined) return json;
      problem = `${describeType(data)} data cannot be serialized as JSON`;
    } catch (err) {
      problem = `cannot be serialized as JSON: ${(err as Error).message}`;
    }
  } else if (typeof data === 'string') {
    return data;
  } else {
    problem = `content type ${JSON.stringify(contentType)} is not JSON, so data must be a string or a Uint8Array, received ${describeType(data)}`;
  }
  throw invalidEnvelope(`Cannot write event ${describeEvent(event)} to the log`, [
    { path: 'data', message: problem },
  ]);
}

// Header key -> slot in the decoder's attribute table; the order is the decoded event's key order.
const SLOT_NAMES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  ...TRIBUTARY_EXTENSIONS,
] as const;
const CONTENT_TYPE_SLOT = SLOT_NAMES.indexOf('datacontenttype');
const HEADER_SLOTS = new Map<string, number>(
  SLOT_NAMES.map((name, slot) => [
    slot === CONTENT_TYPE_SLOT ? CONTENT_TYPE_HEADER : HEADER_PREFIX + name,
    slot,
  ]),
);
// Not what the binding says, but some tools write it; read it as the content type.
HEADER_SLOTS.set('ce_datacontenttype', CONTENT_TYPE_SLOT);

// Attributes whose values usually repeat between records get a decoder that reuses the last string.
const REPEATING: ReadonlySet<string> = new Set([
  'specversion',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'tenantid',
]);
const SLOT_DECODERS: (RepeatDecoder | undefined)[] = SLOT_NAMES.map((name) =>
  REPEATING.has(name) ? new RepeatDecoder() : undefined,
);

function slotOf(key: string): number | undefined {
  const slot = HEADER_SLOTS.get(key);
  if (slot !== undefined) return slot;
  // Header names are case-sensitive in Kafka, but tools differ on `Content-Type`.
  if (key.length === CONTENT_TYPE_HEADER.length && key.toLowerCase() === CONTENT_TYPE_HEADER) {
    return CONTENT_TYPE_SLOT;
  }
  return undefined;
}

/**
 * Decodes a log record written in binary content mode (or, when its `content-type` is
 * `application/cloudevents+json`, in structured content mode) back into the event.
 *
 * Data is JSON-parsed when the content type is JSON (`*\/json`, `*\/*+json`); otherwise it is a
 * copy of the value bytes (`Uint8Array`), also when there is no content type. A record without a
 * value has `data: undefined`. A record without `ce_time` takes its time from the record timestamp
 * (`time` is optional in CloudEvents, required on Tributary events). Headers not starting with
 * `ce_` (other than `content-type`) are ignored.
 *
 * @throws ValidationError `INVALID_ENVELOPE` naming every problem: missing required attributes,
 *   duplicate or malformed `ce_` headers, values that are not UTF-8, data that does not parse.
 */
export function fromLogRecord(record: LogRecord): CloudEvent {
  const context = `Log record at offset ${record.offset} is not a valid CloudEvent`;
  const slots: (string | undefined)[] = new Array(SLOT_NAMES.length);
  let extensions: Record<string, string> | undefined;
  let issues: FieldIssue[] | undefined;
  for (const header of record.headers) {
    const key = header.key;
    const slot = slotOf(key);
    let name: string;
    if (slot !== undefined) name = SLOT_NAMES[slot]!;
    else if (key.startsWith(HEADER_PREFIX)) {
      name = key.slice(HEADER_PREFIX.length);
      const problem = attributeNameProblem(name);
      if (problem !== undefined) {
        issues = addIssue(issues, key, `header does not name a valid attribute: ${problem}`);
        continue;
      }
    } else continue; // not a CloudEvents header (tracing, application headers)
    if (header.value === null) continue; // a null value is an unset attribute
    let text: string;
    try {
      const repeating = slot === undefined ? undefined : SLOT_DECODERS[slot];
      text = repeating === undefined ? decodeUtf8(header.value) : repeating.decode(header.value);
    } catch {
      issues = addIssue(issues, name, `header ${key} is not valid UTF-8`);
      continue;
    }
    if (slot !== undefined) {
      if (slots[slot] === undefined) slots[slot] = text;
      else issues = addIssue(issues, name, `appears more than once (header ${key})`);
    } else {
      extensions ??= {};
      if (!Object.hasOwn(extensions, name)) extensions[name] = text;
      else issues = addIssue(issues, name, `appears more than once (header ${key})`);
    }
  }

  const contentType = slots[CONTENT_TYPE_SLOT];
  if (contentType !== undefined && contentType.slice(0, 23).toLowerCase() === 'application/cloudevents') {
    return fromStructuredRecord(record, contentType, context);
  }

  const event: { -readonly [K in keyof CloudEvent]?: unknown } = {};
  for (let slot = 0; slot < SLOT_NAMES.length; slot++) {
    const text = slots[slot];
    if (text !== undefined) event[SLOT_NAMES[slot]!] = text;
  }
  if (event.time === undefined && Number.isFinite(record.timestamp)) {
    event.time = new Date(record.timestamp).toISOString();
  }
  if (extensions !== undefined) event.extensions = extensions;
  const value = record.value;
  if (value === null) event.data = undefined;
  else if (contentType !== undefined && isJsonContentType(contentType)) {
    try {
      event.data = JSON.parse(decodeUtf8(value));
    } catch (err) {
      issues = addIssue(
        issues,
        'data',
        `not valid JSON for content type ${contentType}: ${(err as Error).message}`,
      );
    }
  } else {
    event.data = value.slice(); // the record's bytes may be a view into a reused buffer
  }
  assertEnvelope(event, context, issues);
  return event;
}

function fromStructuredRecord(record: LogRecord, contentType: string, context: string): CloudEvent {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== CLOUDEVENTS_JSON_CONTENT_TYPE) {
    throw invalidEnvelope(context, [
      {
        path: 'content-type',
        message: `structured content mode with ${JSON.stringify(mediaType)} is not supported; only ${CLOUDEVENTS_JSON_CONTENT_TYPE} is`,
      },
    ]);
  }
  if (record.value === null) {
    throw invalidEnvelope(context, [{ path: '(root)', message: 'a structured-mode record needs a value' }]);
  }
  let json: string;
  try {
    json = decodeUtf8(record.value);
  } catch (err) {
    throw invalidEnvelope(context, [{ path: '(root)', message: 'the value is not valid UTF-8' }], err);
  }
  return fromStructuredJson(json);
}

/**
 * The event type of a record (its `ce_type` header) without decoding anything else — for cheap
 * filtering by type. `undefined` when there is no such header (e.g. a structured-mode record).
 */
export function eventTypeOf(record: LogRecord): string | undefined {
  for (const header of record.headers) {
    if (header.key === 'ce_type' && header.value !== null) {
      try {
        return decodeUtf8(header.value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
