/**
 * The CloudEvents HTTP protocol binding, receiving side: binary content mode (`ce-*` headers,
 * body = data, `Content-Type` = datacontenttype), structured mode (`application/cloudevents+json`)
 * and batch mode (`application/cloudevents-batch+json`, a JSON array of events).
 *
 * `time` is optional in CloudEvents but required on Tributary events: when absent it is set to
 * the time of the request. Every problem is reported with the field named (a header in binary
 * mode, `<index>.<attribute>` in a batch).
 */
import { type CloudEvent, type FieldIssue, fromStructuredJson, ValidationError } from '@tributary/core';
import { bodyText, parseJsonBody } from './body.js';
import { badRequest, HttpProblem } from './problem.js';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

export type ContentMode = 'binary' | 'structured' | 'batch';

/** The events of a request and how they were sent. */
export interface ReceivedEvents {
  readonly mode: ContentMode;
  readonly events: readonly CloudEvent[];
}

function mediaTypeOf(contentType: string | null): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

const JSON_MEDIA_TYPE = /^[\w.!#$&^+-]+\/(?:[\w.!#$&^+-]*\+)?json$/i;

/** Reads the events of a produce request. @throws HttpProblem 400/415 naming what is wrong. */
export function receiveEvents(headers: Headers, body: Uint8Array, now = new Date()): ReceivedEvents {
  const contentType = headers.get('content-type');
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === STRUCTURED_CONTENT_TYPE) {
    return { mode: 'structured', events: [structuredEvent(parseJsonBody(body), '', now)] };
  }
  if (mediaType === BATCH_CONTENT_TYPE)
    return { mode: 'batch', events: batchEvents(parseJsonBody(body), now) };
  if (mediaType?.startsWith('application/cloudevents')) {
    throw new HttpProblem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content type "${mediaType}" is not supported: structured events must be ${STRUCTURED_CONTENT_TYPE}, batches ${BATCH_CONTENT_TYPE}.`,
      [{ path: 'content-type', message: 'unsupported CloudEvents format' }],
    );
  }
  if (headers.has('ce-specversion')) {
    return { mode: 'binary', events: [binaryEvent(headers, contentType ?? undefined, body, now)] };
  }
  throw new HttpProblem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'The request is not a CloudEvent. Send binary mode (headers ce-specversion: 1.0, ce-id, ce-source, ce-type; the body is the data), structured mode (Content-Type: application/cloudevents+json) or a batch (Content-Type: application/cloudevents-batch+json).',
    [{ path: 'content-type', message: `expected a CloudEvents request, received ${mediaType ?? 'none'}` }],
  );
}

function batchEvents(parsed: unknown, now: Date): CloudEvent[] {
  if (!Array.isArray(parsed)) {
    throw badRequest('A batch must be a JSON array of events.', [
      { path: '(body)', message: 'expected an array' },
    ]);
  }
  if (parsed.length === 0) {
    throw badRequest('A batch must hold at least one event.', [{ path: '(body)', message: 'empty batch' }]);
  }
  const events: CloudEvent[] = [];
  const issues: FieldIssue[] = [];
  parsed.forEach((element: unknown, index) => {
    try {
      events.push(structuredEvent(element, `${index}.`, now));
    } catch (err) {
      if (!(err instanceof HttpProblem) || err.issues === undefined) throw err;
      issues.push(...err.issues);
    }
  });
  if (issues.length > 0) throw invalidEvents('Events of the batch are invalid', issues);
  return events;
}

/** One structured event; issue paths get `prefix`. */
function structuredEvent(parsed: unknown, prefix: string, now: Date): CloudEvent {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidEvents('An event must be a JSON object', [
      { path: prefix === '' ? '(body)' : prefix.slice(0, -1), message: 'expected a JSON object' },
    ]);
  }
  const withTime = 'time' in parsed && parsed.time !== null ? parsed : { ...parsed, time: now.toISOString() };
  return decodeStructured(withTime, (path) => `${prefix}${path}`);
}

/** `fromStructuredJson`, its issues renamed by `rename`. */
export function decodeStructured(object: object, rename: (path: string) => string): CloudEvent {
  try {
    return fromStructuredJson(object);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw invalidEvents(
        'The event is invalid',
        err.issues.map((issue) => ({ path: rename(issue.path), message: issue.message })),
      );
    }
    throw err;
  }
}

function invalidEvents(what: string, issues: readonly FieldIssue[]): HttpProblem {
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new HttpProblem(400, 'INVALID_ENVELOPE', `${what}: ${list}.`, issues);
}

/** Binary mode: attributes from `ce-*` headers (percent-decoded), data from the body. */
function binaryEvent(
  headers: Headers,
  contentType: string | undefined,
  body: Uint8Array,
  now: Date,
): CloudEvent {
  const attributes: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  headers.forEach((value, name) => {
    if (!name.startsWith('ce-')) return;
    const attribute = name.slice(3);
    if (attribute === 'datacontenttype') return; // the Content-Type header carries it
    const decoded = percentDecode(value);
    if (decoded === undefined) issues.push({ path: name, message: 'bad percent-encoding' });
    else attributes[attribute] = decoded;
  });
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  attributes.time ??= now.toISOString();
  if (issues.length > 0) throw invalidEvents('The event headers are invalid', issues);
  const event = decodeStructured(attributes, (path) =>
    path === 'datacontenttype' ? 'content-type' : `ce-${path}`,
  );
  return { ...event, data: binaryData(contentType, body) };
}

function binaryData(contentType: string | undefined, body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined;
  const mediaType = mediaTypeOf(contentType ?? null);
  if (mediaType !== undefined && JSON_MEDIA_TYPE.test(mediaType)) {
    const text = bodyText(body);
    try {
      return JSON.parse(text);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw badRequest(`The body is not valid JSON, as its content type ${mediaType} says: ${why}`, [
        { path: 'data', message: `not valid JSON: ${why}` },
      ]);
    }
  }
  return body;
}

/** Decodes `%XX` escapes as UTF-8 (the binding's header value encoding); undefined when malformed. */
function percentDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
