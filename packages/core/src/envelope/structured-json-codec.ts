/**
 * CloudEvent <-> the JSON event format (`application/cloudevents+json`), per
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md:
 * one JSON object, every attribute (extensions included) a top-level member, JSON data in `data`,
 * binary data Base64-encoded in `data_base64`.
 */
import { Buffer } from 'node:buffer';
import type { FieldIssue } from '../errors/errors.js';
import {
  assertEnvelope,
  attributeNameProblem,
  describeEvent,
  envelopeIssues,
  isJsonContentType,
  NAMED_ATTRIBUTES,
} from './attributes.js';
import { addIssue, describeType, invalidEnvelope } from './issues.js';
import { type CloudEvent, OPTIONAL_ATTRIBUTES, REQUIRED_ATTRIBUTES, TRIBUTARY_EXTENSIONS } from './types.js';

/** The media type of one event in the JSON event format. */
export const CLOUDEVENTS_JSON_CONTENT_TYPE = 'application/cloudevents+json';

const ATTRIBUTE_ORDER = [...REQUIRED_ATTRIBUTES, ...OPTIONAL_ATTRIBUTES, ...TRIBUTARY_EXTENSIONS] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Serialises an event as `application/cloudevents+json`. Extensions become top-level members;
 * `Uint8Array` data becomes `data_base64`; data under a JSON content type (or none) is embedded as
 * a JSON value, under other content types it must be a string.
 *
 * @throws ValidationError `INVALID_ENVELOPE` naming every bad attribute, or data that cannot be
 *   represented (not JSON-serialisable, or not a string under a non-JSON content type).
 */
export function toStructuredJson(event: CloudEvent): string {
  const context = `Cannot write event ${describeEvent(event)} as ${CLOUDEVENTS_JSON_CONTENT_TYPE}`;
  const issues = envelopeIssues(event);
  if (issues !== undefined) throw invalidEnvelope(context, issues);
  const out: Record<string, unknown> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = event[name];
    if (value !== undefined) out[name] = value;
  }
  if (event.extensions !== undefined) Object.assign(out, event.extensions);
  const data = event.data;
  if (data instanceof Uint8Array) {
    out.data_base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  } else if (data !== undefined) {
    const contentType = event.datacontenttype;
    if (contentType !== undefined && !isJsonContentType(contentType) && typeof data !== 'string') {
      throw invalidEnvelope(context, [
        {
          path: 'data',
          message: `content type ${JSON.stringify(contentType)} is not JSON, so data must be a string or a Uint8Array, received ${describeType(data)}`,
        },
      ]);
    }
    out.data = data;
  }
  try {
    return JSON.stringify(out);
  } catch (err) {
    throw invalidEnvelope(
      context,
      [{ path: 'data', message: `cannot be serialized as JSON: ${(err as Error).message}` }],
      err,
    );
  }
}

/**
 * Reads an `application/cloudevents+json` event from its text or from an already parsed object
 * (which is not modified). Attributes whose value is `null` are unset, as the format says (a `null`
 * `data` is an explicit null payload). Extension
 * values that are JSON booleans or integers are kept as their canonical strings (`true`, `42`).
 * `data_base64` is decoded into a `Uint8Array`. `time` is required (Tributary events always
 * carry one).
 *
 * @throws ValidationError `INVALID_ENVELOPE` naming every problem: text that is not JSON, a batch
 *   (array), missing or mistyped attributes, illegal attribute names, bad Base64, both `data` and
 *   `data_base64`, non-string data under a non-JSON content type.
 */
export function fromStructuredJson(json: string | object): CloudEvent {
  const context = `Not a valid ${CLOUDEVENTS_JSON_CONTENT_TYPE} event`;
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw invalidEnvelope(
        context,
        [{ path: '(root)', message: `not valid JSON: ${(err as Error).message}` }],
        err,
      );
    }
  }
  if (Array.isArray(parsed)) {
    throw invalidEnvelope(context, [
      {
        path: '(root)',
        message:
          'received a JSON array (the batch format, application/cloudevents-batch+json); decode each element',
      },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw invalidEnvelope(context, [
      { path: '(root)', message: `expected a JSON object, received ${describeType(parsed)}` },
    ]);
  }

  let issues: FieldIssue[] | undefined;
  const attributes: Record<string, unknown> = {};
  let extensions: Record<string, string> | undefined;
  let data: unknown;
  let base64: unknown;
  for (const [name, value] of Object.entries(parsed)) {
    if (name === 'data')
      data = value; // an explicit null payload, unlike null attributes
    else if (value === null)
      continue; // a null attribute is unset
    else if (name === 'data_base64') base64 = value;
    else if (NAMED_ATTRIBUTES.has(name)) attributes[name] = value;
    else {
      const problem = attributeNameProblem(name) ?? extensionValueProblem(value);
      if (problem !== undefined) issues = addIssue(issues, name, problem);
      else {
        extensions ??= {};
        extensions[name] = extensionText(value);
      }
    }
  }

  const event: { -readonly [K in keyof CloudEvent]?: unknown } = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = attributes[name];
    if (value !== undefined) event[name] = value;
  }
  if (extensions !== undefined) event.extensions = extensions;
  if (data !== undefined && base64 !== undefined) {
    issues = addIssue(issues, 'data_base64', 'data and data_base64 are mutually exclusive');
  } else if (base64 !== undefined) {
    if (typeof base64 === 'string' && BASE64.test(base64)) {
      const bytes = Buffer.from(base64, 'base64');
      event.data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } else issues = addIssue(issues, 'data_base64', 'expected a Base64 string (RFC 4648)');
  } else {
    const contentType = attributes.datacontenttype;
    if (
      typeof contentType === 'string' &&
      !isJsonContentType(contentType) &&
      data !== undefined &&
      typeof data !== 'string'
    ) {
      issues = addIssue(
        issues,
        'data',
        `content type ${JSON.stringify(contentType)} is not JSON, so data must be a string, received ${describeType(data)}`,
      );
    }
    event.data = data;
  }
  assertEnvelope(event, context, issues);
  return event;
}

/** Why a JSON value cannot be an extension attribute (String, Boolean or Integer), if it cannot. */
function extensionValueProblem(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return `expected a string, boolean or integer, received ${Number.isFinite(value) ? 'a fraction' : describeType(value)}`;
  }
  if (value < INT32_MIN || value > INT32_MAX)
    return `integer ${value} is outside the 32-bit range CloudEvents allows`;
  return undefined;
}

/** The canonical string encoding of a valid extension value (`true`, `42`). */
function extensionText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
