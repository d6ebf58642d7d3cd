import { eventTypeOf } from '../envelope/kafka-binary-codec.js';
import { decodeUtf8 } from '../envelope/utf8.js';
import { isTributaryError } from '../errors/errors.js';
import type { Log, LogRecord } from '../ports/log.js';
import { originalHeaders, parseFailure } from './dead-letter-record.js';
import type { DeadLetter } from './types.js';

/** A dead letter, or why the record at that position is not one. */
export type ReadLetter = { ok: true; letter: DeadLetter } | { ok: false; problem: string };

/**
 * Turns a record of a dead-letter topic into a {@link DeadLetter}: copies of the original key,
 * value and headers (fetched arrays may be views into a reused buffer), the failure parsed back.
 */
export function toDeadLetter(record: LogRecord, dlqPartition: number): ReadLetter {
  const parsed = parseFailure(record.headers);
  if (!parsed.ok) return parsed;
  const type = eventTypeOf(record);
  const eventId = eventIdOf(record);
  const letter: DeadLetter = {
    dlqPartition,
    dlqOffset: record.offset,
    key: record.key === null ? null : record.key.slice(),
    value: record.value === null ? null : record.value.slice(),
    headers: originalHeaders(record.headers).map((h) => ({
      key: h.key,
      value: h.value === null ? null : h.value.slice(),
    })),
    timestamp: record.timestamp,
    ...(type !== undefined && { type }),
    ...(eventId !== undefined && { eventId }),
    failure: parsed.failure,
  };
  return { ok: true, letter };
}

function eventIdOf(record: LogRecord): string | undefined {
  const header = record.headers.find((h) => h.key === 'ce_id');
  if (header === undefined || header.value === null) return undefined;
  try {
    return decodeUtf8(header.value);
  } catch {
    return undefined;
  }
}

/**
 * Calls `visit` with every record of a dead-letter topic, partition by partition, in offset order,
 * up to the end of each partition as it was when the scan reached it; stops when `visit` returns
 * false. A missing topic has no records.
 */
export async function scanTopic(
  log: Log,
  topic: string,
  visit: (record: LogRecord, partition: number) => boolean | undefined,
): Promise<void> {
  let partitions: readonly { partition: number; earliestOffset: bigint; latestOffset: bigint }[];
  try {
    partitions = (await log.describeTopic(topic)).partitions;
  } catch (err) {
    if (isTributaryError(err, 'UNKNOWN_TOPIC')) return;
    throw err;
  }
  for (const { partition, earliestOffset, latestOffset } of partitions) {
    let offset = earliestOffset;
    while (offset < latestOffset) {
      const fetched = await log.fetch(topic, partition, offset);
      for (const record of fetched.records) {
        if (record.offset >= latestOffset) break;
        if (visit(record, partition) === false) return;
      }
      if (fetched.nextOffset <= offset) break; // defensive: never spin
      offset = fetched.nextOffset;
    }
  }
}

/** The record at one position of a topic, or `undefined` when there is none (or no such partition). */
export async function recordAt(
  log: Log,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<LogRecord | undefined> {
  try {
    const fetched = await log.fetch(topic, partition, offset, { maxRecords: 1 });
    const record = fetched.records[0];
    return record?.offset === offset ? record : undefined;
  } catch (err) {
    const absent = ['UNKNOWN_TOPIC', 'PARTITION_OUT_OF_RANGE', 'OFFSET_OUT_OF_RANGE'] as const;
    if (absent.some((code) => isTributaryError(err, code))) return undefined;
    throw err;
  }
}
