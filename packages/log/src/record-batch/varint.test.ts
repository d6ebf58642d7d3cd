import { isTributaryError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { sizeOfVarint, sizeOfVarlong, VarintReader, writeVarint, writeVarlong } from './varint.js';

/** Zigzag varlong bytes computed with BigInt, independently of the number-based encoder. */
function referenceVarlong(n: number | bigint): number[] {
  const v = BigInt(n);
  let zz = v >= 0n ? v << 1n : (-v << 1n) - 1n;
  const out: number[] = [];
  while (zz > 0x7fn) {
    out.push(Number(zz & 0x7fn) | 0x80);
    zz >>= 7n;
  }
  out.push(Number(zz));
  return out;
}

const encodeVarint = (n: number) => {
  const buf = new Uint8Array(5);
  return Array.from(buf.subarray(0, writeVarint(buf, 0, n)));
};
const encodeVarlong = (n: number) => {
  const buf = new Uint8Array(10);
  return Array.from(buf.subarray(0, writeVarlong(buf, 0, n)));
};

function expectCorrupt(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isTributaryError(err, 'CORRUPT_DATA')).toBe(true);
    expect(String(err)).toMatch(message);
    return;
  }
  throw new Error('expected CORRUPT_DATA, nothing was thrown');
}

const INT32_EDGES = [0, -1, 1, 63, -64, 64, -65, 300, 8191, -8192, 8192, 2 ** 31 - 1, -(2 ** 31)];
const LONG_EDGES = [
  ...INT32_EDGES,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 35 + 12345,
  1_700_000_000_000,
  -1_700_000_000_000,
  2 ** 52,
  2 ** 53 - 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

describe('varint (zigzag int32)', () => {
  it('writes the protobuf/Kafka zigzag bytes', () => {
    expect(encodeVarint(0)).toEqual([0x00]);
    expect(encodeVarint(-1)).toEqual([0x01]);
    expect(encodeVarint(1)).toEqual([0x02]);
    expect(encodeVarint(63)).toEqual([0x7e]);
    expect(encodeVarint(-64)).toEqual([0x7f]);
    expect(encodeVarint(64)).toEqual([0x80, 0x01]);
    expect(encodeVarint(300)).toEqual([0xd8, 0x04]);
    expect(encodeVarint(2 ** 31 - 1)).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(encodeVarint(-(2 ** 31))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('round-trips the int32 edge values and reports their size', () => {
    for (const n of INT32_EDGES) {
      const bytes = encodeVarint(n);
      expect(sizeOfVarint(n)).toBe(bytes.length);
      const r = new VarintReader(Uint8Array.from(bytes));
      expect(r.readVarint()).toBe(n);
      expect(r.pos).toBe(bytes.length);
    }
  });

  it('reads consecutive values and reports where each ends', () => {
    const buf = new Uint8Array(32);
    let p = 0;
    for (const n of [5, -300, 2 ** 31 - 1]) p = writeVarint(buf, p, n);
    const r = new VarintReader(buf, 0, p);
    expect([r.readVarint(), r.readVarint(), r.readVarint()]).toEqual([5, -300, 2 ** 31 - 1]);
    expect(r.pos).toBe(p);
    expect(r.varintAt(0, p)).toBe(5);
    expect(r.pos).toBe(1);
  });

  it('accepts non-canonical (zero-padded) encodings, as Kafka does', () => {
    expect(new VarintReader(Uint8Array.from([0x80, 0x00])).readVarint()).toBe(0);
    expect(new VarintReader(Uint8Array.from([0x82, 0x80, 0x00])).readVarint()).toBe(1);
  });

  it('throws CORRUPT_DATA for more than 5 bytes instead of reading on', () => {
    expectCorrupt(
      () => new VarintReader(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).readVarint(),
      /malformed varint \(more than 5 bytes\) at byte 0/,
    );
  });

  it('throws CORRUPT_DATA when the varint runs past the end (of the buffer or of the given range)', () => {
    expectCorrupt(() => new VarintReader(new Uint8Array(0)).readVarint(), /past the end/);
    expectCorrupt(() => new VarintReader(Uint8Array.from([0x80])).readVarint(), /past the end/);
    expectCorrupt(() => new VarintReader(Uint8Array.from([0x80, 0x01]), 0, 1).readVarint(), /past the end/);
  });
});

describe('varlong (zigzag int64, safe-integer range)', () => {
  it('writes the same bytes as a BigInt reference encoder, up to ±(2^53 - 1)', () => {
    for (const n of LONG_EDGES) {
      expect(encodeVarlong(n)).toEqual(referenceVarlong(n));
      expect(sizeOfVarlong(n)).toBe(referenceVarlong(n).length);
    }
    let x = 0x12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const n = (x % 2 === 0 ? 1 : -1) * Math.floor(Math.abs(x) * 2 ** (i % 22));
      expect(encodeVarlong(n)).toEqual(referenceVarlong(n));
    }
  });

  it('round-trips the edge values', () => {
    for (const n of LONG_EDGES) {
      const bytes = encodeVarlong(n);
      const r = new VarintReader(Uint8Array.from(bytes));
      expect(r.readVarlong()).toBe(n);
      expect(r.pos).toBe(bytes.length);
    }
  });

  it('refuses to write values that would not round-trip', () => {
    const buf = new Uint8Array(10);
    expect(() => writeVarlong(buf, 0, 2 ** 53)).toThrow(/not a safe integer/);
    expect(() => writeVarlong(buf, 0, 1.5)).toThrow(RangeError);
    expect(() => writeVarlong(buf, 0, Number.NaN)).toThrow(RangeError);
  });

  it('throws CORRUPT_DATA for values beyond the safe integer range rather than rounding', () => {
    for (const n of [2n ** 53n, -(2n ** 53n), 2n ** 62n]) {
      const bytes = Uint8Array.from(referenceVarlong(n));
      expectCorrupt(() => new VarintReader(bytes).readVarlong(), /beyond the safe integer range/);
    }
    const maxInt64 = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expectCorrupt(() => new VarintReader(Uint8Array.from(maxInt64)).readVarlong(), /beyond the safe integer/);
  });

  it('throws CORRUPT_DATA for more than 10 bytes or a varlong past the end', () => {
    expectCorrupt(() => new VarintReader(new Uint8Array(11).fill(0x80)).readVarlong(), /more than 10 bytes/);
    expectCorrupt(() => new VarintReader(Uint8Array.from([0x80, 0x80, 0x80])).readVarlong(), /past the end/);
    expectCorrupt(
      () => new VarintReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80])).readVarlong(),
      /past the end/,
    );
    expectCorrupt(() => new VarintReader(new Uint8Array(0)).varlongAt(0, 0), /past the end/);
  });
});
