// Helpers for this folder's tests: records and failures with readable defaults.

import type { Log, LogRecord, RecordHeader } from '../ports/log.js';
import type { FailureInfo } from './dead-letter-record.js';
import { writeDeadLetter } from './write-dead-letter.js';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : new TextDecoder().decode(bytes);

export const T0 = Date.parse('2025-03-01T10:00:00.000Z');

export function failure(overrides: Partial<FailureInfo> = {}): FailureInfo {
  return {
    error: { errorClass: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at handler (h.ts:1:1)' },
    attempts: 3,
    firstFailureAt: T0,
    lastFailureAt: T0 + 500,
    topic: 'orders',
    partition: 0,
    offset: 7n,
    group: 'billing',
    ...overrides,
  };
}

export interface RecordSpec {
  offset?: bigint;
  key?: string | null;
  value?: string | null;
  type?: string;
  id?: string;
  headers?: RecordHeader[];
  timestamp?: number;
}

/** A record as a consumer would have fetched it. */
export function record(spec: RecordSpec = {}): LogRecord {
  const headers: RecordHeader[] = spec.headers ?? [
    { key: 'ce_id', value: utf8(spec.id ?? 'id-1') },
    { key: 'ce_type', value: utf8(spec.type ?? 'order.placed') },
    { key: 'app', value: null },
  ];
  return {
    offset: spec.offset ?? 7n,
    timestamp: spec.timestamp ?? T0 - 1000,
    key: spec.key === null ? null : utf8(spec.key ?? 'k1'),
    value: spec.value === null ? null : utf8(spec.value ?? '{"n":1}'),
    headers,
  };
}

/** Dead-letters a record whose original position is `failure.topic/partition/offset`. */
export async function deadLetter(
  log: Log,
  spec: RecordSpec = {},
  overrides: Partial<FailureInfo> = {},
): Promise<{ topic: string; partition: number; offset: bigint }> {
  const offset = overrides.offset ?? spec.offset ?? 7n;
  return writeDeadLetter(log, record({ ...spec, offset }), failure({ ...overrides, offset }));
}
