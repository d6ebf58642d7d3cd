import { describe, expect, it } from 'vitest';
import { encodeUtf8, encodeUtf8Cached, RepeatDecoder, RepeatEncoder } from './utf8.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('encodeUtf8', () => {
  it('encodes like TextEncoder, for short, long and non-ASCII strings', () => {
    for (const text of ['', 'abc', 'ü€😀', 'x'.repeat(5000), 'é'.repeat(3000)]) {
      expect(encodeUtf8(text)).toEqual(utf8(text));
    }
  });

  it('never hands out overlapping bytes, across slab boundaries too', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `${i}:${'ß'.repeat(i % 300)}`);
    const encoded = texts.map(encodeUtf8);
    const firstBad = encoded.findIndex((bytes, i) => new TextDecoder().decode(bytes) !== texts[i]);
    expect(firstBad).toBe(-1);
  });
});

describe('encodeUtf8Cached', () => {
  it('returns the same bytes for a repeated value', () => {
    expect(encodeUtf8Cached('order.placed')).toBe(encodeUtf8Cached('order.placed'));
    expect(encodeUtf8Cached('order.placed')).toEqual(utf8('order.placed'));
  });
});

describe('RepeatDecoder', () => {
  it('decodes values of equal length that differ, and sees changes made in place to a reused buffer', () => {
    const decoder = new RepeatDecoder();
    expect(decoder.decode(utf8('aaaa'))).toBe('aaaa');
    expect(decoder.decode(utf8('aaab'))).toBe('aaab');
    expect(decoder.decode(utf8('aaab'))).toBe('aaab');
    const reused = utf8('type1');
    expect(decoder.decode(reused)).toBe('type1');
    reused[4] = 0x32;
    expect(decoder.decode(reused)).toBe('type2');
  });

  it('throws on malformed UTF-8', () => {
    expect(() => new RepeatDecoder().decode(new Uint8Array([0xc3]))).toThrow(TypeError);
  });
});

describe('RepeatEncoder', () => {
  it('reuses the bytes of a value repeated back to back and encodes a new one', () => {
    const encoder = new RepeatEncoder();
    const first = encoder.encode('2024-05-01T00:00:00.000Z');
    expect(encoder.encode('2024-05-01T00:00:00.000Z')).toBe(first);
    expect(encoder.encode('2024-05-01T00:00:00.001Z')).toEqual(utf8('2024-05-01T00:00:00.001Z'));
    expect(encoder.encode('')).toEqual(new Uint8Array(0));
  });
});
