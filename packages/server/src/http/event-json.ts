/**
 * Events and records as JSON: an event in the CloudEvents JSON format (an object; binary data as
 * `data_base64`, text data as a string), and a record as `{ topic, partition, offset, key,
 * timestamp, event }`.
 */
import { Buffer } from 'node:buffer';
import { type CloudEvent, fromLogRecord, type LogRecord } from '@tributary/core';

/** A record as the API returns it. */
export interface EventItem {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly timestamp: number;
  /** The event in the JSON format; absent when the record is not a valid CloudEvent. */
  readonly event?: Record<string, unknown>;
  /** Why the record is not a valid CloudEvent (then `value_base64` carries its value). */
  readonly invalid?: string;
  readonly value_base64?: string | null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder();

/** The CloudEvents JSON format of an event, as an object. */
export function structuredEvent(event: CloudEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'extensions' || value === undefined) continue;
    out[name] = value;
  }
  if (event.extensions !== undefined) Object.assign(out, event.extensions);
  const data = event.data;
  if (data instanceof Uint8Array) {
    const text = isText(event.datacontenttype) ? utf8OrUndefined(data) : undefined;
    if (text !== undefined) out.data = text;
    else out.data_base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  } else if (data !== undefined) {
    out.data = data;
  }
  return out;
}

function isText(contentType: string | undefined): boolean {
  return contentType !== undefined && /^text\//i.test(contentType);
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A record of `topic`/`partition` as the API returns it (the bytes are copied). */
export function recordItem(topic: string, partition: number, record: LogRecord): EventItem {
  const base = {
    topic,
    partition,
    offset: record.offset,
    key: record.key === null ? null : lossyUtf8.decode(record.key),
    timestamp: record.timestamp,
  };
  try {
    return { ...base, event: structuredEvent(fromLogRecord(record)) };
  } catch (err) {
    const value = record.value;
    return {
      ...base,
      invalid: err instanceof Error ? err.message : String(err),
      value_base64:
        value === null
          ? null
          : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
    };
  }
}

/** The event type of a JSON item, for filters. */
export function itemType(item: EventItem): string | undefined {
  const type = item.event?.type;
  return typeof type === 'string' ? type : undefined;
}
