import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs } from './crc32c.js';

/** Bit-at-a-time CRC-32C straight from the definition, to check the table-driven paths against. */
function reference(buf: Uint8Array): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('crc32c', () => {
  it('matches the published CRC-32C check value and iSCSI (RFC 3720) vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('returns 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(10), 4, 4)).toBe(0);
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (let n = 1; n < 64; n++) {
      const c = crc32c(noise(n, n));
      expect(Number.isInteger(c) && c >= 0 && c <= 0xffffffff).toBe(true);
    }
  });

  it('agrees with the bitwise reference for every length up to 600 bytes (JS and WebAssembly paths)', () => {
    const data = noise(600, 7);
    for (let n = 0; n <= 600; n++) {
      const expected = reference(data.subarray(0, n));
      expect(crc32c(data, 0, n)).toBe(expected);
      expect(crc32cJs(data, 0, n, 0)).toBe(expected);
    }
  });

  it('handles ranges at every alignment of the underlying memory', () => {
    const data = noise(2048, 3);
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 15, 16, 17, 255, 256, 1000]) {
        const view = data.subarray(offset, offset + length);
        const expected = reference(view);
        expect(crc32c(view)).toBe(expected);
        expect(crc32c(data, offset, offset + length)).toBe(expected);
        expect(crc32cJs(data, offset, offset + length, 0)).toBe(expected);
      }
    }
  });

  it('gives the same result for inputs larger than the WebAssembly chunk size', () => {
    const data = noise(300_000, 11);
    expect(crc32c(data)).toBe(crc32cJs(data, 0, data.length, 0));
    expect(crc32c(data, 3, 299_995)).toBe(reference(data.subarray(3, 299_995)));
  });

  it('continues from a previous result passed as seed, as if the inputs were concatenated', () => {
    const data = noise(5000, 5);
    for (const split of [0, 1, 7, 255, 256, 1024, 4999, 5000]) {
      const head = crc32c(data, 0, split);
      expect(crc32c(data, split, data.length, head)).toBe(crc32c(data));
      expect(crc32cJs(data, split, data.length, head)).toBe(crc32c(data));
    }
  });

  it('rejects a range outside the buffer instead of reading garbage', () => {
    const data = new Uint8Array(10);
    expect(() => crc32c(data, 0, 11)).toThrow(/range \[0, 11\) is outside a buffer of 10 bytes/);
    expect(() => crc32c(data, -1, 5)).toThrow(RangeError);
    expect(() => crc32c(data, 6, 5)).toThrow(RangeError);
  });
});
