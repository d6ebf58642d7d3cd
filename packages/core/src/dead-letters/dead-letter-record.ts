import { decodeUtf8, encodeUtf8 } from '../envelope/utf8.js';
import { invalidArgument } from '../errors/errors.js';
import type { LogRecord, LogRecordInput, RecordHeader } from '../ports/log.js';
import { DLQ_HEADERS, isDeadLetterHeader } from './headers.js';
import { checkGroup } from './topic-names.js';

/** Why and where a record failed: what {@link toDeadLetterRecord} writes into the DLQ headers. */
export interface FailureInfo {
  /** The last error, already described (class name, message) and trimmed (stack) by the caller. */
  error: { errorClass: string; message: string; stack: string };
  /** How many times the handler ran on the record, >= 1. */
  attempts: number;
  /** Milliseconds since the epoch (millisecond precision is kept). */
  firstFailureAt: number;
  /** Milliseconds since the epoch. Not checked against `firstFailureAt`: wall clocks may step back. */
  lastFailureAt: number;
  /** Where the record was consumed from. */
  topic: string;
  partition: number;
  offset: bigint;
  /** The consumer group whose handler failed. */
  group: string;
}

/**
 * The record to write to the dead-letter topic: the original key, value, headers and timestamp
 * unchanged (the same byte arrays), followed by the {@link DLQ_HEADERS} in their declared order.
 * DLQ headers already present from an earlier dead-lettering are dropped first, so each appears once.
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming the bad field of `failure`.
 */
export function toDeadLetterRecord(record: LogRecord, failure: FailureInfo): LogRecordInput {
  checkFailure(failure);
  if (record === null || typeof record !== 'object' || !Array.isArray(record.headers)) {
    throw invalidArgument('toDeadLetterRecord: record must be a log record with a headers array.');
  }
  const text = (value: string) => encodeUtf8(value);
  const added: RecordHeader[] = [
    { key: DLQ_HEADERS.errorClass, value: text(failure.error.errorClass) },
    { key: DLQ_HEADERS.errorMessage, value: text(failure.error.message) },
    { key: DLQ_HEADERS.errorStack, value: text(failure.error.stack) },
    { key: DLQ_HEADERS.attempts, value: text(String(failure.attempts)) },
    { key: DLQ_HEADERS.firstFailureAt, value: text(new Date(failure.firstFailureAt).toISOString()) },
    { key: DLQ_HEADERS.lastFailureAt, value: text(new Date(failure.lastFailureAt).toISOString()) },
    { key: DLQ_HEADERS.topic, value: text(failure.topic) },
    { key: DLQ_HEADERS.partition, value: text(String(failure.partition)) },
    { key: DLQ_HEADERS.offset, value: text(failure.offset.toString()) },
    { key: DLQ_HEADERS.group, value: text(failure.group) },
  ];
  return {
    key: record.key,
    value: record.value,
    headers: [...originalHeaders(record.headers), ...added],
    timestamp: record.timestamp,
  };
}

/** The headers without any {@link DLQ_HEADERS}. */
export function originalHeaders(headers: readonly RecordHeader[]): RecordHeader[] {
  return headers.filter((header) => !isDeadLetterHeader(header.key));
}

/** A dead-letter record's failure, or why the record is not a dead letter. */
export type ParsedFailure = { ok: true; failure: FailureInfo } | { ok: false; problem: string };

/**
 * Reads the {@link FailureInfo} back from a dead-letter record's headers. Position, group, attempts
 * and times must be present and well formed (else `ok: false` names the first bad header); missing
 * error texts read as `''`.
 */
export function parseFailure(headers: readonly RecordHeader[]): ParsedFailure {
  const values = new Map<string, string | undefined>();
  for (const header of headers) {
    if (!isDeadLetterHeader(header.key) || values.has(header.key)) continue;
    values.set(header.key, header.value === null ? undefined : utf8OrUndefined(header.value));
  }
  const missing = (name: string): ParsedFailure => ({
    ok: false,
    problem: `header ${name} is missing or invalid`,
  });
  const topic = values.get(DLQ_HEADERS.topic);
  if (topic === undefined || topic === '') return missing(DLQ_HEADERS.topic);
  const group = values.get(DLQ_HEADERS.group);
  if (group === undefined || group === '') return missing(DLQ_HEADERS.group);
  const partition = decimal(values.get(DLQ_HEADERS.partition));
  if (partition === undefined || partition > 0x7fffffffn) return missing(DLQ_HEADERS.partition);
  const offset = decimal(values.get(DLQ_HEADERS.offset));
  if (offset === undefined) return missing(DLQ_HEADERS.offset);
  const attempts = decimal(values.get(DLQ_HEADERS.attempts));
  if (attempts === undefined || attempts > BigInt(Number.MAX_SAFE_INTEGER))
    return missing(DLQ_HEADERS.attempts);
  const firstFailureAt = Date.parse(values.get(DLQ_HEADERS.firstFailureAt) ?? '');
  if (Number.isNaN(firstFailureAt)) return missing(DLQ_HEADERS.firstFailureAt);
  const lastFailureAt = Date.parse(values.get(DLQ_HEADERS.lastFailureAt) ?? '');
  if (Number.isNaN(lastFailureAt)) return missing(DLQ_HEADERS.lastFailureAt);
  return {
    ok: true,
    failure: {
      error: {
        errorClass: values.get(DLQ_HEADERS.errorClass) ?? '',
        message: values.get(DLQ_HEADERS.errorMessage) ?? '',
        stack: values.get(DLQ_HEADERS.errorStack) ?? '',
      },
      attempts: Number(attempts),
      firstFailureAt,
      lastFailureAt,
      topic,
      partition: Number(partition),
      offset,
      group,
    },
  };
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return decodeUtf8(bytes);
  } catch {
    return undefined;
  }
}

function decimal(text: string | undefined): bigint | undefined {
  return text !== undefined && /^\d{1,20}$/.test(text) ? BigInt(text) : undefined;
}

const MAX_DATE_MS = 8.64e15;

function checkFailure(failure: FailureInfo): void {
  const bad = (field: string, expected: string, value: unknown) =>
    invalidArgument(
      `toDeadLetterRecord: failure.${field} must be ${expected}, received ${describe(value)}.`,
      [{ path: field, message: `expected ${expected}` }],
    );
  if (failure === null || typeof failure !== 'object') throw bad('(root)', 'an object', failure);
  const error: unknown = failure.error;
  if (error === null || typeof error !== 'object') throw bad('error', 'an object', error);
  for (const field of ['errorClass', 'message', 'stack'] as const) {
    const value: unknown = failure.error[field];
    if (typeof value !== 'string') throw bad(`error.${field}`, 'a string', value);
  }
  if (!Number.isSafeInteger(failure.attempts) || failure.attempts < 1) {
    throw bad('attempts', 'an integer >= 1', failure.attempts);
  }
  for (const field of ['firstFailureAt', 'lastFailureAt'] as const) {
    const value = failure[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_DATE_MS) {
      throw bad(field, 'a time in milliseconds since the epoch', value);
    }
  }
  if (typeof failure.topic !== 'string' || failure.topic === '') {
    throw bad('topic', 'a non-empty topic name', failure.topic);
  }
  if (!Number.isInteger(failure.partition) || failure.partition < 0 || failure.partition > 0x7fffffff) {
    throw bad('partition', 'an integer >= 0', failure.partition);
  }
  if (typeof failure.offset !== 'bigint' || failure.offset < 0n) {
    throw bad('offset', 'a bigint >= 0n', failure.offset);
  }
  try {
    checkGroup(failure.group, 'toDeadLetterRecord');
  } catch {
    throw bad('group', 'a non-empty consumer group name of printable characters', failure.group);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
