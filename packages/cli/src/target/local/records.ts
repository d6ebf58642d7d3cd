import { fromLogRecord, type LogRecord, toStructuredJson } from '@tributary/core';
import type { ConsumedRecord, StructuredEvent } from '../types.js';

const utf8 = new TextDecoder();

/** A record key as text (keys are UTF-8 strings when Tributary writes them). */
export function keyText(key: Uint8Array | null): string | null {
  return key === null ? null : utf8.decode(key);
}

/** A log record as a CloudEvent in the JSON format, or why it is not one. */
export function structuredEventOf(
  record: LogRecord,
): { event: StructuredEvent; problem?: undefined } | { event: undefined; problem: string } {
  try {
    const parsed: unknown = JSON.parse(toStructuredJson(fromLogRecord(record)));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { event: Object.fromEntries(Object.entries(parsed)) };
    }
    return { event: undefined, problem: 'the record does not encode a CloudEvent object' };
  } catch (err) {
    return { event: undefined, problem: (err as Error).message };
  }
}

/** A fetched log record as the CLI prints it. */
export function toConsumedRecord(topic: string, partition: number, record: LogRecord): ConsumedRecord {
  const { event, problem } = structuredEventOf(record);
  return {
    topic,
    partition,
    offset: record.offset,
    key: keyText(record.key),
    timestamp: record.timestamp,
    event,
    ...(problem !== undefined && { problem }),
  };
}
