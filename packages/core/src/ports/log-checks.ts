import { invalidArgument, LogError } from '../errors/errors.js';
import type { CommittedOffset, FetchOptions, LogRecordInput } from './log.js';

// Argument checks shared by log adapters, so every adapter rejects bad input with the same codes
// and messages that name the topic, partition and offset involved.

/** Throws `PARTITION_OUT_OF_RANGE` unless `partition` is an integer in `0..count-1`. */
export function checkPartition(topic: string, count: number, partition: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
    throw new LogError(
      'PARTITION_OUT_OF_RANGE',
      `Partition ${String(partition)} does not exist in topic "${topic}": it has ${count} partition(s), numbered 0 to ${count - 1}.`,
    );
  }
}

/** Throws `OFFSET_OUT_OF_RANGE` unless `earliest <= offset <= latest` (`INVALID_ARGUMENT` if not a bigint). */
export function checkOffset(
  topic: string,
  partition: number,
  offset: bigint,
  earliest: bigint,
  latest: bigint,
): void {
  if (typeof offset !== 'bigint') {
    throw invalidArgument(
      `Offset ${String(offset)} for topic "${topic}" partition ${partition} must be a bigint.`,
    );
  }
  if (offset < earliest || offset > latest) {
    throw new LogError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${offset} is out of range for topic "${topic}" partition ${partition}: valid offsets are ${earliest} to ${latest} (the latest offset is where the next record goes).`,
    );
  }
}

function isBytesOrNull(value: unknown): boolean {
  return value === null || value instanceof Uint8Array;
}

/** Throws `INVALID_ARGUMENT` for an empty append or a malformed record (checked before anything is written). */
export function checkAppendRecords(
  topic: string,
  partition: number,
  records: readonly LogRecordInput[],
): void {
  const where = `topic "${topic}" partition ${partition}`;
  if (!Array.isArray(records) || records.length === 0) {
    throw invalidArgument(
      `An append to ${where} needs at least one record; got ${Array.isArray(records) ? 'none' : String(records)}.`,
    );
  }
  // Plain loops, no closures: this runs on every append, on the publish hot path.
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (typeof record !== 'object' || record === null)
      throw badRecord(where, i, 'a record must be an object');
    if (!isBytesOrNull(record.key)) throw badRecord(where, i, 'key must be a Uint8Array or null');
    if (!isBytesOrNull(record.value)) throw badRecord(where, i, 'value must be a Uint8Array or null');
    const ts = record.timestamp;
    if (ts !== undefined && (!Number.isSafeInteger(ts) || ts < 0)) {
      throw badRecord(
        where,
        i,
        `timestamp ${String(ts)} must be a non-negative integer (milliseconds since the epoch)`,
      );
    }
    const headers = record.headers;
    if (headers === undefined) continue;
    if (!Array.isArray(headers)) throw badRecord(where, i, 'headers must be an array');
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h];
      if (typeof header?.key !== 'string' || !isBytesOrNull(header.value)) {
        throw badRecord(where, i, 'each header needs a string key and a Uint8Array or null value');
      }
    }
  }
}

function badRecord(where: string, i: number, why: string) {
  return invalidArgument(`Record ${i} of the append to ${where}: ${why}.`);
}

function positiveInteger(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw invalidArgument(`Fetch option ${name}=${String(value)} must be an integer >= ${min}.`);
  }
}

/** Throws `INVALID_ARGUMENT` for fetch options outside their ranges. */
export function checkFetchOptions(options: FetchOptions): void {
  positiveInteger('maxBytes', options.maxBytes, 1);
  positiveInteger('maxRecords', options.maxRecords, 1);
  positiveInteger('maxWaitMs', options.maxWaitMs, 0);
}

/** Throws `INVALID_ARGUMENT` for a committed offset that is not a non-negative bigint. */
export function checkCommittedOffset(group: string, entry: CommittedOffset): void {
  if (typeof entry.offset !== 'bigint' || entry.offset < 0n) {
    throw invalidArgument(
      `Group "${group}" cannot commit offset ${String(entry.offset)} for topic "${entry.topic}" partition ${entry.partition}: offsets are bigints >= 0.`,
    );
  }
  if (entry.metadata !== undefined && typeof entry.metadata !== 'string') {
    throw invalidArgument(
      `Commit metadata for topic "${entry.topic}" partition ${entry.partition} must be a string.`,
    );
  }
}
