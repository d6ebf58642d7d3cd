import type { FieldIssue } from '../errors/errors.js';
import { addIssue, describeType, invalidEnvelope } from './issues.js';
import {
  type CloudEvent,
  OPTIONAL_ATTRIBUTES,
  REQUIRED_ATTRIBUTES,
  SPEC_VERSION,
  TRIBUTARY_EXTENSIONS,
} from './types.js';

/** A CloudEvent-shaped object whose attribute values have not been checked yet. */
export type UncheckedEvent = { readonly [K in keyof CloudEvent]?: unknown };

// Spec, "Naming Conventions": lower-case ASCII letters or digits.
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** Attributes that are properties of {@link CloudEvent} itself, so never in `extensions`. */
export const NAMED_ATTRIBUTES: ReadonlySet<string> = new Set<string>([
  ...REQUIRED_ATTRIBUTES,
  ...OPTIONAL_ATTRIBUTES,
  ...TRIBUTARY_EXTENSIONS,
]);

/** Why `name` cannot be an extension attribute name, or `undefined` when it can. */
export function attributeNameProblem(name: string): string | undefined {
  if (!ATTRIBUTE_NAME.test(name))
    return 'an attribute name must consist of lower-case ASCII letters and digits';
  if (name === 'data') return '"data" is reserved by the CloudEvents spec';
  if (name === 'extensions') return '"extensions" is reserved by Tributary';
  return undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// Events created together share a time string; remembering the last one skips the regex and parse.
let lastTime = '';
let lastTimeMillis = Number.NaN;

/** Milliseconds since the epoch of an RFC 3339 timestamp, or `NaN` when it is not one. */
export function rfc3339Millis(time: string): number {
  if (time === lastTime) return lastTimeMillis;
  const millis = RFC3339.test(time) ? Date.parse(time) : Number.NaN;
  lastTime = time;
  lastTimeMillis = millis;
  return millis;
}

const JSON_MEDIA_TYPE = /^[\w.!#$&^+-]+\/(?:[\w.!#$&^+-]*\+)?json\s*(?:;|$)/i;
let lastContentType = '';
let lastIsJson = false;

/** True for `*\/json` and `*\/*+json` media types (parameters ignored), as the JSON format defines. */
export function isJsonContentType(contentType: string): boolean {
  if (contentType !== lastContentType) {
    lastIsJson = JSON_MEDIA_TYPE.test(contentType);
    lastContentType = contentType;
  }
  return lastIsJson;
}

function checkString(
  issues: FieldIssue[] | undefined,
  name: string,
  value: unknown,
  required: boolean,
  nonEmpty: boolean,
): FieldIssue[] | undefined {
  if (value === undefined) return required ? addIssue(issues, name, 'required') : issues;
  if (typeof value !== 'string')
    return addIssue(issues, name, `expected a string, received ${describeType(value)}`);
  if (nonEmpty && value.length === 0) return addIssue(issues, name, 'must not be empty');
  return issues;
}

/**
 * Every problem with an event's attributes (not its data): required attributes present, values
 * strings of the right form, extension names legal. `undefined` when there is none, so the happy
 * path allocates nothing.
 */
export function envelopeIssues(event: UncheckedEvent): FieldIssue[] | undefined {
  let issues: FieldIssue[] | undefined;
  const { specversion, time, extensions } = event;
  if (specversion === undefined) issues = addIssue(issues, 'specversion', 'required');
  else if (specversion !== SPEC_VERSION) {
    issues = addIssue(issues, 'specversion', `expected "1.0", received ${JSON.stringify(specversion)}`);
  }
  issues = checkString(issues, 'id', event.id, true, true);
  issues = checkString(issues, 'source', event.source, true, true);
  issues = checkString(issues, 'type', event.type, true, true);
  if (time === undefined) issues = addIssue(issues, 'time', 'required');
  else if (typeof time !== 'string') {
    issues = addIssue(
      issues,
      'time',
      `expected an RFC 3339 timestamp string, received ${describeType(time)}`,
    );
  } else if (Number.isNaN(rfc3339Millis(time))) {
    issues = addIssue(issues, 'time', `${JSON.stringify(time)} is not an RFC 3339 timestamp`);
  }
  issues = checkString(issues, 'subject', event.subject, false, true);
  issues = checkString(issues, 'datacontenttype', event.datacontenttype, false, true);
  issues = checkString(issues, 'dataschema', event.dataschema, false, true);
  issues = checkString(issues, 'tenantid', event.tenantid, false, false);
  issues = checkString(issues, 'correlationid', event.correlationid, false, false);
  issues = checkString(issues, 'causationid', event.causationid, false, false);
  issues = checkString(issues, 'traceparent', event.traceparent, false, false);
  issues = checkString(issues, 'partitionkey', event.partitionkey, false, false);
  issues = checkString(issues, 'sequence', event.sequence, false, false);
  if (extensions !== undefined) issues = extensionIssues(issues, extensions);
  return issues;
}

/** Problems of an `extensions` object (names, values, clashes with named attributes), added to `issues`. */
export function extensionIssues(
  issues: FieldIssue[] | undefined,
  extensions: unknown,
): FieldIssue[] | undefined {
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    return addIssue(
      issues,
      'extensions',
      `expected an object of string values, received ${describeType(extensions)}`,
    );
  }
  for (const [name, value] of Object.entries(extensions)) {
    const path = `extensions.${name}`;
    const problem = NAMED_ATTRIBUTES.has(name)
      ? `"${name}" is a CloudEvents attribute of its own, not an extension`
      : attributeNameProblem(name);
    if (problem !== undefined) issues = addIssue(issues, path, problem);
    else if (typeof value !== 'string') {
      issues = addIssue(issues, path, `expected a string, received ${describeType(value)}`);
    }
  }
  return issues;
}

/**
 * Throws one `INVALID_ENVELOPE` naming every problem: `earlier` ones (found while decoding) and
 * those of the attributes. Narrows `event` to a {@link CloudEvent} when there is none.
 */
export function assertEnvelope(
  event: UncheckedEvent,
  context: string,
  earlier?: readonly FieldIssue[],
): asserts event is CloudEvent {
  const issues = envelopeIssues(event);
  if (issues !== undefined || earlier !== undefined) {
    throw invalidEnvelope(context, [...(earlier ?? []), ...(issues ?? [])]);
  }
}

/** `"order.placed" (id 0190…)` — how error messages name an event whose attributes may be bad. */
export function describeEvent(event: UncheckedEvent): string {
  const type = typeof event.type === 'string' ? JSON.stringify(event.type) : '(no type)';
  return typeof event.id === 'string' && event.id !== '' ? `${type} (id ${event.id})` : type;
}
