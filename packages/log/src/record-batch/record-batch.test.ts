import type { LogRecord, LogRecordInput } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import {
  BATCH_HEADER_BYTES,
  type BatchHeader,
  decodeBatchRecords,
  encodeBatch,
  LOG_OVERHEAD,
  readBatchHeader,
  verifyBatch,
} from './index.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

function headerOf(buf: Uint8Array, pos = 0): BatchHeader {
  const h = readBatchHeader(buf, pos);
  if (h === null) throw new Error(`no batch header at ${pos}`);
  return h;
}

/** Encodes, checks the header and CRC, decodes everything. */
function roundTrip(records: readonly LogRecordInput[], baseOffset = 0n, now = 1_000): LogRecord[] {
  const batch = encodeBatch(records, baseOffset, now);
  const header = headerOf(batch);
  expect(header.totalBytes).toBe(batch.length);
  expect(verifyBatch(batch, 0, header)).toBe(true);
  const out: LogRecord[] = [];
  expect(decodeBatchRecords(batch, 0, header, out, 0n, Number.MAX_SAFE_INTEGER)).toBe(records.length);
  return out;
}

/** Records as plain comparable values (strings for bytes). */
const plain = (records: readonly LogRecord[]) =>
  records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: str(r.key),
    value: str(r.value),
    headers: r.headers.map((h) => [h.key, str(h.value)]),
  }));

describe('encodeBatch: the exact bytes (golden)', () => {
  it('writes a two-record batch byte-for-byte as Kafka RecordBatch v2 lays it out', () => {
    const batch = encodeBatch(
      [
        { key: text('k'), value: text('v1'), timestamp: 1000, headers: [{ key: 'h', value: text('x') }] },
        { key: null, value: null, timestamp: 1003 },
      ],
      5n,
      0,
    );
    // Computed by hand from the spec (DefaultRecordBatch / DefaultRecord):
    const expected = [
      ...[0, 0, 0, 0, 0, 0, 0, 5], // baseOffset int64 = 5
      ...[0, 0, 0, 0x46], // batchLength int32 = 82 total - 12 (baseOffset + batchLength) = 70
      ...[0, 0, 0, 0], // partitionLeaderEpoch int32 = 0 (a fresh topic's leader epoch)
      2, // magic int8 = 2
      ...[0x26, 0xc3, 0x4e, 0xc5], // crc uint32: CRC-32C of bytes 21..81 (checked below)
      ...[0, 0], // attributes int16: no compression, CreateTime, not transactional, not control
      ...[0, 0, 0, 1], // lastOffsetDelta int32 = records - 1
      ...[0, 0, 0, 0, 0, 0, 0x03, 0xe8], // baseTimestamp int64 = 1000 (first record's)
      ...[0, 0, 0, 0, 0, 0, 0x03, 0xeb], // maxTimestamp int64 = 1003
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // producerId int64 = -1
      ...[0xff, 0xff], // producerEpoch int16 = -1
      ...[0xff, 0xff, 0xff, 0xff], // baseSequence int32 = -1
      ...[0, 0, 0, 2], // records count int32 = 2
      // record 0: length varint 13 (zigzag 26 = 0x1a), then 13 bytes
      0x1a,
      0, // attributes int8
      0, // timestampDelta varlong 0
      0, // offsetDelta varint 0
      ...[0x02, 0x6b], // keyLength 1 (zigzag 2), 'k'
      ...[0x04, 0x76, 0x31], // valueLength 2 (zigzag 4), 'v1'
      0x02, // headers count 1
      ...[0x02, 0x68], // header keyLength 1, 'h'
      ...[0x02, 0x78], // header valueLength 1, 'x'
      // record 1: length varint 6 (zigzag 12), then 6 bytes
      0x0c,
      0, // attributes
      0x06, // timestampDelta 3 (zigzag 6)
      0x02, // offsetDelta 1 (zigzag 2)
      0x01, // keyLength -1 = null (zigzag 1)
      0x01, // valueLength -1 = null
      0x00, // headers count 0
    ];
    expect(Array.from(batch)).toEqual(expected);
    // The CRC from the definition (bit at a time, Castagnoli), over attributes to the end.
    let c = ~0;
    for (const byte of batch.subarray(21)) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    expect(~c >>> 0).toBe(0x26c34ec5);
  });

  it('fills every header field as Kafka builds a non-idempotent uncompressed batch', () => {
    const batch = encodeBatch(
      [
        { key: null, value: text('a'), timestamp: 5_000 },
        { key: null, value: text('b'), timestamp: 9_000 },
        { key: null, value: text('c'), timestamp: 7_000 },
      ],
      42n,
      1,
    );
    expect(headerOf(batch)).toEqual({
      baseOffset: 42n,
      batchLength: batch.length - LOG_OVERHEAD,
      totalBytes: batch.length,
      partitionLeaderEpoch: 0,
      magic: 2,
      crc: batch.readUInt32BE(17),
      attributes: 0,
      lastOffsetDelta: 2,
      baseTimestamp: 5_000,
      maxTimestamp: 9_000,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 3,
    });
    expect(BATCH_HEADER_BYTES).toBe(61);
    expect(LOG_OVERHEAD).toBe(12);
  });
});

describe('encodeBatch + decodeBatchRecords round-trips', () => {
  it('keeps null keys, null values, empty and missing headers, and null header values', () => {
    const out = roundTrip([
      { key: null, value: null },
      { key: text('k'), value: null, headers: [] },
      { key: null, value: text('v'), headers: [{ key: 'h', value: null }] },
      { key: new Uint8Array(0), value: new Uint8Array(0), headers: [{ key: '', value: new Uint8Array(0) }] },
    ]);
    expect(plain(out)).toEqual([
      { offset: 0n, timestamp: 1000, key: null, value: null, headers: [] },
      { offset: 1n, timestamp: 1000, key: 'k', value: null, headers: [] },
      { offset: 2n, timestamp: 1000, key: null, value: 'v', headers: [['h', null]] },
      { offset: 3n, timestamp: 1000, key: '', value: '', headers: [['', '']] },
    ]);
  });

  it('keeps unicode keys, values and header keys (short, long, astral)', () => {
    const longKey = `ключ-${'ü'.repeat(30)}-🚀`;
    const out = roundTrip([
      {
        key: text('clé-🔑'),
        value: text('値は「データ」です 🚀'),
        headers: [
          { key: 'ce_type', value: text('ascii') },
          { key: 'é', value: text('short non-ASCII key') },
          { key: '日本語のキー', value: text('CJK key') },
          { key: longKey, value: text('long key') },
          { key: 'x'.repeat(100), value: text('long ASCII key') },
        ],
      },
    ]);
    expect(plain(out)[0]).toMatchObject({
      key: 'clé-🔑',
      value: '値は「データ」です 🚀',
      headers: [
        ['ce_type', 'ascii'],
        ['é', 'short non-ASCII key'],
        ['日本語のキー', 'CJK key'],
        [longKey, 'long key'],
        ['x'.repeat(100), 'long ASCII key'],
      ],
    });
  });

  it('writes a lone surrogate in a header key as U+FFFD, as Kafka (Java UTF-8) does', () => {
    const out = roundTrip([{ key: null, value: null, headers: [{ key: 'a\ud800b', value: null }] }]);
    expect(out[0]?.headers[0]?.key).toBe('a\ufffdb');
  });

  it('keeps header order and repeated header keys', () => {
    const headers = [
      { key: 'x', value: text('1') },
      { key: 'y', value: text('2') },
      { key: 'x', value: text('3') },
    ];
    expect(plain(roundTrip([{ key: null, value: null, headers }]))[0]?.headers).toEqual([
      ['x', '1'],
      ['y', '2'],
      ['x', '3'],
    ]);
  });

  it('round-trips many records of varied sizes with out-of-order timestamps', () => {
    const records: LogRecordInput[] = Array.from({ length: 3000 }, (_, i) => ({
      key: i % 7 === 0 ? null : text(`key-${i}`),
      value: text('v'.repeat((i * 37) % 700)),
      timestamp: 1_700_000_000_000 + ((i * 7919) % 100_000) - 50_000,
      headers: Array.from({ length: i % 12 }, (_, h) => ({
        key: `ce_h${h}`,
        value: h === 3 ? null : text(`${i}/${h}`),
      })),
    }));
    const out = roundTrip(records, 1_000_000n);
    expect(plain(out)).toEqual(
      records.map((r, i) => ({
        offset: 1_000_000n + BigInt(i),
        timestamp: r.timestamp,
        key: str(r.key),
        value: str(r.value),
        headers: (r.headers ?? []).map((h) => [h.key, str(h.value)]),
      })),
    );
  });

  it('round-trips large keys and values (multi-byte length varints)', () => {
    const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const records = [
      { key: big.subarray(0, 100_000), value: big, headers: [{ key: 'h', value: big.subarray(5, 70_000) }] },
      { key: null, value: text('small after large') },
      { key: text('k'), value: big.subarray(0, 9000) },
    ];
    const out = roundTrip(records);
    // Buffer#equals: vitest's deep equality walks a megabyte element by element, slowly.
    const same = (a: Uint8Array | null | undefined, b: Uint8Array) => a != null && Buffer.from(b).equals(a);
    expect(same(out[0]?.key, big.subarray(0, 100_000))).toBe(true);
    expect(same(out[0]?.value, big)).toBe(true);
    expect(same(out[0]?.headers[0]?.value, big.subarray(5, 70_000))).toBe(true);
    expect(str(out[1]?.value ?? null)).toBe('small after large');
    expect(same(out[2]?.value, big.subarray(0, 9000))).toBe(true);
    expect(same(out[2]?.value, big.subarray(1, 9001))).toBe(false);
  });

  it('gives records without a timestamp the `now` of the append; baseTimestamp is the first record', () => {
    const batch = encodeBatch(
      [
        { key: null, value: null },
        { key: null, value: null, timestamp: 10 },
      ],
      0n,
      500,
    );
    const h = headerOf(batch);
    expect([h.baseTimestamp, h.maxTimestamp]).toEqual([500, 500]);
    const out: LogRecord[] = [];
    decodeBatchRecords(batch, 0, h, out, 0n, 10);
    expect(out.map((r) => r.timestamp)).toEqual([500, 10]);
  });

  it('returns keys and values as views of the decoded buffer, not copies', () => {
    const batch = encodeBatch(
      [{ key: text('key'), value: text('value'), headers: [{ key: 'h', value: text('hv') }] }],
      0n,
      0,
    );
    const out: LogRecord[] = [];
    decodeBatchRecords(batch, 0, headerOf(batch), out, 0n, 1);
    expect(out[0]?.key?.buffer).toBe(batch.buffer);
    expect(out[0]?.value?.buffer).toBe(batch.buffer);
    expect(out[0]?.headers[0]?.value?.buffer).toBe(batch.buffer);
  });

  it('reads batches laid end to end in one buffer, at non-zero positions', () => {
    const a = encodeBatch(
      [
        { key: null, value: text('a0') },
        { key: null, value: text('a1') },
      ],
      0n,
      0,
    );
    const b = encodeBatch(
      [{ key: null, value: text('b0'), headers: [{ key: 'ce_time', value: null }] }],
      2n,
      0,
    );
    const log = Buffer.concat([Buffer.from([9, 9, 9]), a, b]);
    const out: LogRecord[] = [];
    let pos = 3;
    for (let h = readBatchHeader(log, pos); h !== null; h = readBatchHeader(log, pos)) {
      expect(verifyBatch(log, pos, h)).toBe(true);
      decodeBatchRecords(log, pos, h, out, 0n, 100);
      pos += h.totalBytes;
    }
    expect(pos).toBe(log.length);
    expect(out.map((r) => [r.offset, str(r.value)])).toEqual([
      [0n, 'a0'],
      [1n, 'a1'],
      [2n, 'b0'],
    ]);
  });

  it('decodes header keys that differ at the same position from one batch to the next', () => {
    // Same length, same position: a key cache must compare bytes, not just lengths.
    for (const key of ['ce_type', 'ce_time', 'ce_type', 'ce_tim\u00e9'.slice(0, 7), 'ce_typ']) {
      const out = roundTrip([{ key: null, value: null, headers: [{ key, value: null }] }]);
      expect(out[0]?.headers[0]?.key).toBe(key);
    }
    const many = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: null }));
    expect(roundTrip([{ key: null, value: null, headers: many }])[0]?.headers.map((h) => h.key)).toEqual(
      many.map((h) => h.key),
    );
  });
});

describe('decodeBatchRecords: offsets and limits', () => {
  const batch = encodeBatch(
    Array.from({ length: 10 }, (_, i) => ({ key: null, value: text(`v${i}`) })),
    100n,
    0,
  );
  const header = headerOf(batch);
  const decode = (minOffset: bigint, maxRecords: number, out: LogRecord[] = []) => {
    const n = decodeBatchRecords(batch, 0, header, out, minOffset, maxRecords);
    return { n, offsets: out.map((r) => r.offset), values: out.map((r) => str(r.value)) };
  };

  it('returns only records at or after minOffset when it falls inside the batch', () => {
    expect(decode(104n, 100)).toMatchObject({ n: 6, offsets: [104n, 105n, 106n, 107n, 108n, 109n] });
    expect(decode(104n, 100).values[0]).toBe('v4');
    expect(decode(109n, 100)).toMatchObject({ n: 1, offsets: [109n] });
  });

  it('returns everything for a minOffset at or before the base offset and nothing past the last', () => {
    expect(decode(0n, 100).n).toBe(10);
    expect(decode(100n, 100).n).toBe(10);
    expect(decode(110n, 100)).toEqual({ n: 0, offsets: [], values: [] });
  });

  it('stops after maxRecords and appends to what `out` already holds', () => {
    expect(decode(102n, 3)).toMatchObject({ n: 3, offsets: [102n, 103n, 104n] });
    expect(decode(0n, 0).n).toBe(0);
    const existing: LogRecord[] = [{ offset: 1n, timestamp: 0, key: null, value: null, headers: [] }];
    expect(decode(108n, 10, existing)).toMatchObject({ n: 2, offsets: [1n, 108n, 109n] });
  });
});
