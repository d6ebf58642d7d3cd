/**
 * Header names Tributary adds to a record when it dead-letters it. Values are UTF-8 strings:
 * times in RFC 3339 (UTC, milliseconds), partition, offset and attempts in decimal. The record's
 * own key, value, headers and timestamp are kept unchanged in front of these, so the dead letter
 * is still the original event for any Kafka/CloudEvents tool.
 */
export const DLQ_HEADERS = {
  /** The error's class name (e.g. `TypeError`, `PermanentError`). */
  errorClass: 'tributary.dlq.error.class',
  /** The error message. */
  errorMessage: 'tributary.dlq.error.message',
  /** The stack trace, trimmed by the writer. */
  errorStack: 'tributary.dlq.error.stack',
  /** How many times the handler was tried. */
  attempts: 'tributary.dlq.attempts',
  /** When the first attempt failed (RFC 3339). */
  firstFailureAt: 'tributary.dlq.first.failure',
  /** When the last attempt failed (RFC 3339). */
  lastFailureAt: 'tributary.dlq.last.failure',
  /** The topic the record was consumed from. */
  topic: 'tributary.dlq.original.topic',
  /** The partition the record was consumed from. */
  partition: 'tributary.dlq.original.partition',
  /** The record's offset in that partition. */
  offset: 'tributary.dlq.original.offset',
  /** The consumer group whose handler failed. */
  group: 'tributary.dlq.group',
} as const;

/** One of the {@link DLQ_HEADERS} names. */
export type DeadLetterHeaderName = (typeof DLQ_HEADERS)[keyof typeof DLQ_HEADERS];

const NAMES: ReadonlySet<string> = new Set(Object.values(DLQ_HEADERS));

/** Whether a header key is one of the {@link DLQ_HEADERS}. */
export function isDeadLetterHeader(key: string): boolean {
  return NAMES.has(key);
}
