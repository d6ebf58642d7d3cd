import type { LogRecord, LogRecordInput } from '@tributary/core';
import { isTributaryError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { decodeBatchRecords, encodeBatch, readBatchHeader, setBaseOffset, verifyBatch } from './index.js';

const text = (s: string) => new TextEncoder().encode(s);

function headerOf(buf: Uint8Array, pos = 0) {
  const h = readBatchHeader(buf, pos);
  if (h === null) throw new Error(`no batch header at ${pos}`);
  return h;
}

function expectInvalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isTributaryError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(err)).toMatch(message);
    return;
  }
  throw new Error('expected INVALID_ARGUMENT, nothing was thrown');
}

describe('setBaseOffset', () => {
  it('rewrites the offsets of a batch in place without invalidating its CRC', () => {
    const batch = encodeBatch(
      [
        { key: null, value: text('a') },
        { key: null, value: text('b') },
      ],
      0n,
      0,
    );
    const log = Buffer.concat([Buffer.alloc(7), batch]);
    setBaseOffset(log, 7, 2n ** 62n);
    const h = headerOf(log, 7);
    expect(h.baseOffset).toBe(2n ** 62n);
    expect(verifyBatch(log, 7, h)).toBe(true);
    const out: LogRecord[] = [];
    decodeBatchRecords(log, 7, h, out, 0n, 10);
    expect(out.map((r) => r.offset)).toEqual([2n ** 62n, 2n ** 62n + 1n]);
  });

  it('rejects a negative offset or a position outside the buffer', () => {
    const batch = encodeBatch([{ key: null, value: null }], 0n, 0);
    expectInvalid(() => setBaseOffset(batch, 0, -1n), /baseOffset -1 is invalid/);
    expectInvalid(() => setBaseOffset(batch, batch.length - 4, 1n), /outside a buffer/);
  });
});

describe('encodeBatch: bad input', () => {
  it('rejects an empty batch, a bad base offset and a bad `now`', () => {
    expectInvalid(() => encodeBatch([], 0n, 0), /needs at least one record/);
    expectInvalid(() => encodeBatch([{ key: null, value: null }], -5n, 0), /baseOffset -5 is invalid/);
    expectInvalid(() => encodeBatch([{ key: null, value: null }], 0n, Number.NaN), /now NaN/);
  });

  it('rejects a timestamp that is negative, fractional or not a number, naming the record', () => {
    for (const timestamp of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectInvalid(
        () =>
          encodeBatch(
            [
              { key: null, value: null },
              { key: null, value: null, timestamp },
            ],
            0n,
            0,
          ),
        new RegExp(`record 1: timestamp ${timestamp} is invalid`),
      );
    }
  });

  it('rejects keys, values and header values that are not bytes, and header keys that are not strings', () => {
    const record = (): LogRecordInput => ({ key: null, value: null, headers: [{ key: 'h', value: null }] });
    // Reflect.set smuggles in what the types forbid, as untyped JavaScript callers could.
    const bad = (set: (r: LogRecordInput) => void, message: RegExp) => {
      const r = record();
      set(r);
      expectInvalid(() => encodeBatch([record(), r], 0n, 0), message);
    };
    bad((r) => Reflect.set(r, 'key', 'text'), /record 1: key must be a Uint8Array or null/);
    bad((r) => Reflect.set(r, 'value', 42), /record 1: value must be a Uint8Array or null/);
    bad((r) => Reflect.set(r.headers?.[0] ?? {}, 'value', 'v'), /record 1: header 0 \('h'\) value must be/);
    bad((r) => Reflect.set(r.headers?.[0] ?? {}, 'key', 7), /record 1: header 0 key must be a string/);
  });
});
