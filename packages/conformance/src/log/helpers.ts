import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  type ErrorCode,
  isTributaryError,
  type Log,
  type LogRecord,
  type LogRecordInput,
} from '@tributary/core';
import { expect } from 'vitest';

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** `size` random bytes as a plain Uint8Array. */
export const randomBytes = (size: number): Uint8Array => new Uint8Array(nodeRandomBytes(size));

/** Hex of a byte array (null stays null): compares bytes regardless of the array's class or backing buffer. */
export function hex(bytes: Uint8Array | null): string | null {
  return bytes === null
    ? null
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A record reduced to comparable plain data. */
export interface PlainRecord {
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

export function plain(record: LogRecord | LogRecordInput): PlainRecord {
  return {
    key: hex(record.key),
    value: hex(record.value),
    headers: (record.headers ?? []).map((h) => ({ key: h.key, value: hex(h.value) })),
  };
}

/** Asserts `fetched` are exactly `appended` (bytes, headers, given timestamps) at offsets from `firstOffset`. */
export function expectRecords(
  fetched: readonly LogRecord[],
  appended: readonly LogRecordInput[],
  firstOffset = 0n,
): void {
  expect(fetched.map((r) => r.offset)).toEqual(appended.map((_, i) => firstOffset + BigInt(i)));
  expect(fetched.map(plain)).toEqual(appended.map(plain));
  appended.forEach((input, i) => {
    if (input.timestamp !== undefined) expect(fetched[i]?.timestamp).toBe(input.timestamp);
  });
}

/** Every record from `from` (default: earliest) up to the latest offset, fetched page by page. */
export async function fetchAll(
  log: Log,
  topic: string,
  partition: number,
  options: { from?: bigint; maxBytes?: number } = {},
): Promise<LogRecord[]> {
  const end = await log.latestOffset(topic, partition);
  let offset = options.from ?? (await log.earliestOffset(topic, partition));
  const out: LogRecord[] = [];
  while (offset < end) {
    const page = await log.fetch(topic, partition, offset, { maxBytes: options.maxBytes ?? 4 * 1024 * 1024 });
    if (page.records.length === 0)
      throw new Error(`fetch at offset ${offset} of "${topic}"/${partition} made no progress`);
    expect(page.nextOffset).toBe((page.records.at(-1)?.offset ?? -1n) + 1n);
    out.push(...page.records);
    offset = page.nextOffset;
  }
  return out;
}

/**
 * Asserts that `call` rejects (not throws synchronously) with a TributaryError of `code` whose
 * message contains each of `mentions`. Returns the error for further checks.
 */
export async function expectLogError(call: () => Promise<unknown>, code: ErrorCode, ...mentions: string[]) {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (err) {
    throw new Error(
      `expected a rejected promise with ${code}, but the call threw synchronously: ${String(err)}`,
    );
  }
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new Error(`expected a rejection with ${code}, but the call resolved`);
  if (!isTributaryError(error))
    throw new Error(`expected a TributaryError with ${code}, got: ${String(error)}`);
  expect(error.code, error.message).toBe(code);
  for (const mention of mentions) expect(error.message).toContain(mention);
  return error;
}

/** Lets pending I/O callbacks and timers of earlier turns run (a few event-loop turns, not a timed sleep). */
export async function nextTurns(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A record with a UTF-8 value (and optional key), for tests that only care about order and identity. */
export const textRecord = (value: string, key: string | null = null): LogRecordInput => ({
  key: key === null ? null : utf8(key),
  value: utf8(value),
});

/** A timestamp base a minute in the past: recent enough that default retention (7 days) keeps it. */
export const recentBase = (): number => Date.now() - 60_000;
