import { decodeUtf8, encodeUtf8, encodeUtf8Cached } from '../envelope/utf8.js';
import { isTributaryError } from '../errors/errors.js';
import { estimateBatchBytes, estimateRecordBytes } from '../memory/record-size.js';
import type { Log, LogRecord, LogRecordInput, RecordHeader } from '../ports/log.js';
import type { ScheduledEvent, ScheduledPublish } from './types.js';

/** The internal topic holding timers: schedule records and their fired/cancelled markers. */
export const TIMERS_TOPIC = 'tributary.timers';
/** The consumer group of the timer service (one member owns the topic's partition). */
export const TIMERS_GROUP = 'tributary.timers';
/**
 * One partition (timers are few next to events; one partition keeps one owner and one order), kept
 * forever: retention must not delete a timer due in a year. Restarts skip what is settled through
 * the group's committed offset, so the topic's size costs disk, not start time.
 */
export const TIMERS_TOPIC_CONFIG = { partitions: 1, retentionMs: -1 } as const;

/**
 * Headers of timer records, after the event's own headers (a schedule record is the event itself,
 * readable by any CloudEvents tool, plus where and when it goes).
 */
export const TIMER_HEADERS = {
  /** `scheduled`, `fired` or `cancelled`. */
  kind: 'tributary.timer.kind',
  /** The target topic. */
  topic: 'tributary.timer.topic',
  /** The target record key (raw bytes); absent for a keyless event. */
  key: 'tributary.timer.key',
  /** The explicit target partition (decimal), when one was given. */
  partition: 'tributary.timer.partition',
  /** When due, RFC 3339 in UTC with milliseconds. */
  deliverAt: 'tributary.timer.deliver.at',
} as const;

const PREFIX = 'tributary.timer.';

/** A timer the service holds: its schedule record decoded, plus delivery state. */
export interface Timer {
  readonly id: string;
  /** Offset of its schedule record in the timers topic. */
  readonly offset: bigint;
  readonly topic: string;
  readonly partition: number | undefined;
  readonly deliverAt: number;
  /** The record to append to the target topic, as the producer encoded it. */
  readonly record: LogRecordInput;
  /** When to try next: `deliverAt`, or later after failed attempts. */
  dueAt: number;
  failedAttempts: number;
}

/** A timer record as read from the timers topic. */
export type TimerRecord =
  | { readonly kind: 'scheduled'; readonly timer: Timer }
  | { readonly kind: 'fired' | 'cancelled'; readonly id: string };

/** The schedule record of one event. */
export function scheduleRecord(id: string, item: ScheduledPublish): LogRecordInput {
  const { record } = item;
  const headers: RecordHeader[] = [
    ...(record.headers ?? []),
    { key: TIMER_HEADERS.kind, value: encodeUtf8Cached('scheduled') },
    { key: TIMER_HEADERS.topic, value: encodeUtf8Cached(item.topic) },
    { key: TIMER_HEADERS.deliverAt, value: encodeUtf8(new Date(item.deliverAt).toISOString()) },
  ];
  if (record.key !== null) headers.push({ key: TIMER_HEADERS.key, value: record.key });
  if (item.partition !== undefined) {
    headers.push({ key: TIMER_HEADERS.partition, value: encodeUtf8(String(item.partition)) });
  }
  const timestamp = record.timestamp;
  return {
    key: encodeUtf8(id),
    value: record.value,
    headers,
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}

/** The marker saying a timer fired or was cancelled (same key as its schedule record). */
export function markerRecord(id: string, kind: 'fired' | 'cancelled'): LogRecordInput {
  return {
    key: encodeUtf8(id),
    value: null,
    headers: [{ key: TIMER_HEADERS.kind, value: encodeUtf8Cached(kind) }],
  };
}

/** Decodes a record of the timers topic; `undefined` for a record that is not a valid timer record. */
export function decodeTimerRecord(record: LogRecord): TimerRecord | undefined {
  const id = record.key === null ? undefined : text(record.key);
  if (id === undefined) return undefined;
  const kind = headerText(record.headers, TIMER_HEADERS.kind);
  if (kind === 'fired' || kind === 'cancelled') return { kind, id };
  if (kind !== 'scheduled') return undefined;
  const topic = headerText(record.headers, TIMER_HEADERS.topic);
  const deliverAt = Date.parse(headerText(record.headers, TIMER_HEADERS.deliverAt) ?? '');
  const partitionText = headerText(record.headers, TIMER_HEADERS.partition);
  const partition = partitionText === undefined ? undefined : Number(partitionText);
  if (topic === undefined || Number.isNaN(deliverAt)) return undefined;
  if (partition !== undefined && !Number.isInteger(partition)) return undefined;
  const key = record.headers.find((h) => h.key === TIMER_HEADERS.key)?.value ?? null;
  // Fetched bytes may be views into a shared buffer: copy what a long-lived timer keeps.
  const target: LogRecordInput = {
    key: key === null ? null : key.slice(),
    value: record.value === null ? null : record.value.slice(),
    headers: record.headers
      .filter((h) => !h.key.startsWith(PREFIX))
      .map((h) => ({ key: h.key, value: h.value === null ? null : h.value.slice() })),
    timestamp: record.timestamp,
  };
  const timer: Timer = {
    id,
    offset: record.offset,
    topic,
    partition,
    deliverAt,
    record: target,
    dueAt: deliverAt,
    failedAttempts: 0,
  };
  return { kind: 'scheduled', timer };
}

/** The listing form of a timer. */
export function describeTimer(timer: Timer): ScheduledEvent {
  const headers = timer.record.headers ?? [];
  const subject = headerText(headers, 'ce_subject');
  const correlationId = headerText(headers, 'ce_correlationid');
  return {
    id: timer.id,
    topic: timer.topic,
    key: timer.record.key === null ? null : (text(timer.record.key) ?? ''),
    ...(timer.partition === undefined ? {} : { partition: timer.partition }),
    deliverAt: new Date(timer.deliverAt),
    type: headerText(headers, 'ce_type') ?? '',
    eventId: headerText(headers, 'ce_id') ?? '',
    ...(subject === undefined ? {} : { subject }),
    ...(correlationId === undefined ? {} : { correlationId }),
    failedAttempts: timer.failedAttempts,
  };
}

/** The correlation id of a timer's event, for filtering. */
export function correlationIdOf(timer: Timer): string | undefined {
  return headerText(timer.record.headers ?? [], 'ce_correlationid');
}

/** The event type of a timer's event, for filtering. */
export function typeOf(timer: Timer): string | undefined {
  return headerText(timer.record.headers ?? [], 'ce_type');
}

/** Creates the timers topic unless it exists; returns its `maxMessageBytes`. */
export async function ensureTimersTopic(log: Log): Promise<number> {
  try {
    return (await log.describeTopic(TIMERS_TOPIC)).config.maxMessageBytes;
  } catch (err) {
    if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
  }
  try {
    return (await log.createTopic(TIMERS_TOPIC, TIMERS_TOPIC_CONFIG)).config.maxMessageBytes;
  } catch (err) {
    if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err; // created concurrently: fine
    return (await log.describeTopic(TIMERS_TOPIC)).config.maxMessageBytes;
  }
}

/**
 * Appends records to the timers topic in as few appends as fit its `maxMessageBytes` (each append
 * atomic); returns each record's offset.
 */
export async function appendTimerRecords(
  log: Log,
  maxMessageBytes: number,
  records: readonly LogRecordInput[],
): Promise<bigint[]> {
  const offsets: bigint[] = [];
  let batch: LogRecordInput[] = [];
  let bytes = estimateBatchBytes([]);
  const flush = async () => {
    if (batch.length === 0) return;
    const { baseOffset } = await log.append(TIMERS_TOPIC, 0, batch);
    for (let i = 0; i < batch.length; i++) offsets.push(baseOffset + BigInt(i));
    batch = [];
    bytes = estimateBatchBytes([]);
  };
  for (const record of records) {
    const size = estimateRecordBytes(record);
    if (batch.length > 0 && bytes + size > maxMessageBytes) await flush();
    batch.push(record);
    bytes += size;
  }
  await flush();
  return offsets;
}

function headerText(headers: readonly RecordHeader[], key: string): string | undefined {
  for (const header of headers) {
    if (header.key === key) return header.value === null ? undefined : text(header.value);
  }
  return undefined;
}

/** UTF-8 text, or `undefined` for malformed bytes (a foreign record must not stop the service). */
function text(bytes: Uint8Array): string | undefined {
  try {
    return decodeUtf8(bytes);
  } catch {
    return undefined;
  }
}
