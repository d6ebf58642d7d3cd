/** Validation of {@link CreateEventOptions} and the event time default. */

import { extensionIssues, rfc3339Millis } from '../envelope/attributes.js';
import { addIssue, describeType, formatIssues } from '../envelope/issues.js';
import { type FieldIssue, invalidArgument } from '../errors/errors.js';
import type { CreateEventOptions } from './types.js';

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'id',
  'source',
  'subject',
  'time',
  'tenantid',
  'partitionkey',
  'correlationid',
  'traceparent',
  'extensions',
  'causedBy',
] satisfies (keyof CreateEventOptions)[]);

// W3C Trace Context: version-traceid-parentid-flags, lower-case hex.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-.*)?$/;

function stringOption(
  issues: FieldIssue[] | undefined,
  name: string,
  value: unknown,
  nonEmpty: boolean,
): FieldIssue[] | undefined {
  if (value === undefined) return issues;
  if (typeof value !== 'string')
    return addIssue(issues, name, `expected a string, received ${describeType(value)}`);
  if (nonEmpty && value.length === 0) return addIssue(issues, name, 'must not be empty');
  return issues;
}

/**
 * Throws one `INVALID_ARGUMENT` naming every bad option of `create` (unknown names included, which
 * catches typos from JavaScript callers).
 */
export function checkCreateOptions(options: CreateEventOptions, label: string): void {
  let issues: FieldIssue[] | undefined;
  for (const name in options) {
    if (!KNOWN_OPTIONS.has(name))
      issues = addIssue(issues, name, `unknown option; known: ${[...KNOWN_OPTIONS].join(', ')}`);
  }
  issues = stringOption(issues, 'id', options.id, true);
  issues = stringOption(issues, 'source', options.source, true);
  issues = stringOption(issues, 'subject', options.subject, true);
  issues = stringOption(issues, 'tenantid', options.tenantid, false);
  issues = stringOption(issues, 'partitionkey', options.partitionkey, false);
  issues = stringOption(issues, 'correlationid', options.correlationid, true);
  issues = stringOption(issues, 'traceparent', options.traceparent, false);
  const { time, traceparent, extensions, causedBy } = options;
  if (typeof traceparent === 'string' && !TRACEPARENT.test(traceparent)) {
    issues = addIssue(
      issues,
      'traceparent',
      `${JSON.stringify(traceparent)} is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)`,
    );
  }
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) issues = addIssue(issues, 'time', 'is an invalid Date');
  } else if (typeof time === 'string') {
    if (Number.isNaN(rfc3339Millis(time)))
      issues = addIssue(issues, 'time', `${JSON.stringify(time)} is not an RFC 3339 timestamp`);
  } else if (time !== undefined) {
    issues = addIssue(
      issues,
      'time',
      `expected a Date or an RFC 3339 string, received ${describeType(time)}`,
    );
  }
  if (extensions !== undefined) issues = extensionIssues(issues, extensions);
  if (
    causedBy !== undefined &&
    (typeof causedBy !== 'object' || causedBy === null || typeof causedBy.id !== 'string')
  ) {
    issues = addIssue(
      issues,
      'causedBy',
      'expected the CloudEvent this one is caused by (an object with a string id)',
    );
  }
  if (issues !== undefined)
    throw invalidArgument(`${label}: invalid options: ${formatIssues(issues)}`, issues);
}

let lastNow = -1;
let lastNowIso = '';

/** The current time as an ISO string; formatted once per millisecond (it costs ~1 µs). */
export function nowIso(): string {
  const now = Date.now();
  if (now !== lastNow) {
    lastNow = now;
    lastNowIso = new Date(now).toISOString();
  }
  return lastNowIso;
}
