import type { TopicConfig, TopicDescription } from '@tributary/core';
import { failure } from '../../exit-codes.js';
import type { ConsumedRecord, StructuredEvent } from '../types.js';

/** The server's answer did not have the expected shape. */
function unexpected(what: string): Error {
  return failure(
    `The server's answer is not what this trib expects (${what}); are the server and the CLI the same version?`,
  );
}

/** A JSON object, or a failure naming `what`. */
export function object(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw unexpected(`${what}: not an object`);
  return Object.fromEntries(Object.entries(value));
}

export function array(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw unexpected(`${what}: not an array`);
  return value;
}

export function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw unexpected(`${what}: not a string`);
  return value;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function number(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw unexpected(`${what}: not a number`);
  return n;
}

/** A bigint sent as a decimal string (or a safe JSON number). */
export function bigint(value: unknown, what: string): bigint {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw unexpected(`${what}: not an integer`);
}

export function nullableBigint(value: unknown, what: string): bigint | null {
  return value === null || value === undefined ? null : bigint(value, what);
}

/** A time as ms since the epoch (a number, a decimal string or an ISO 8601 string). */
export function timestamp(value: unknown, what: string): number {
  if (typeof value === 'string' && !/^\d+$/.test(value)) {
    const millis = Date.parse(value);
    if (Number.isFinite(millis)) return millis;
  }
  return number(value, what);
}

/** A config number (sent as a number or a decimal string); -1 when the server left it out. */
function configNumber(value: unknown, what: string): number {
  return value === undefined ? -1 : number(value, what);
}

function topicConfig(config: Readonly<Record<string, unknown>>): TopicConfig {
  const fsync = config.fsync;
  return {
    partitions: configNumber(config.partitions, 'partitions'),
    retentionMs: configNumber(config.retentionMs, 'retentionMs'),
    retentionBytes: configNumber(config.retentionBytes, 'retentionBytes'),
    segmentBytes: configNumber(config.segmentBytes, 'segmentBytes'),
    maxMessageBytes: configNumber(config.maxMessageBytes, 'maxMessageBytes'),
    fsync: fsync === 'interval' || fsync === 'never' ? fsync : 'always',
    fsyncIntervalMs: configNumber(config.fsyncIntervalMs, 'fsyncIntervalMs'),
  };
}

export function topicDescription(value: unknown): TopicDescription {
  const t = object(value, 'topic');
  const config = object(t.config ?? {}, 'topic config');
  return {
    name: string(t.name, 'topic name'),
    config: topicConfig(config),
    partitions: array(t.partitions, 'topic partitions').map((p, i) => {
      const partition = object(p, `partition ${i}`);
      return {
        partition: number(partition.partition ?? i, 'partition'),
        earliestOffset: bigint(partition.earliestOffset, 'earliestOffset'),
        latestOffset: bigint(partition.latestOffset, 'latestOffset'),
        sizeBytes: number(partition.sizeBytes ?? 0, 'sizeBytes'),
      };
    }),
  };
}

/** `{ offset, partition, key, timestamp, event }` of a fetch answer. */
export function consumedRecord(value: unknown, topic: string): ConsumedRecord {
  const r = object(value, 'event');
  const event: StructuredEvent | undefined =
    r.event === undefined || r.event === null ? undefined : object(r.event, 'event.event');
  return {
    topic: optionalString(r.topic) ?? topic,
    partition: number(r.partition, 'event.partition'),
    offset: bigint(r.offset, 'event.offset'),
    key: typeof r.key === 'string' ? r.key : null,
    timestamp: timestamp(r.timestamp ?? event?.time, 'event.timestamp'),
    event,
    ...(event === undefined && { problem: optionalString(r.invalid) ?? 'the record is not a CloudEvent' }),
  };
}
