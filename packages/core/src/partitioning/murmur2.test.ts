import { describe, expect, it } from 'vitest';
import { isTributaryError } from '../errors/errors.js';
import { murmur2, partitionForKey, toPositive } from './murmur2.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('murmur2', () => {
  // apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j to Kafka UtilsTest value %i', (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  it('covers every tail length (0 to 3 trailing bytes) with signed int32 results', () => {
    // Lengths 24, 25, 26, 27 and 0 — vectors published alongside Kafka's (librdkafka / Java client).
    expect(murmur2(bytes('string-f-24-chars-length'))).toBe(124730809);
    expect(murmur2(bytes('string-fo-25-chars-length'))).toBe(1269511650);
    expect(murmur2(bytes('string-foo-26-chars-length'))).toBe(119165628);
    expect(murmur2(bytes('string-last-27-chars-length'))).toBe(1089971754);
    expect(murmur2(new Uint8Array(0))).toBe(275646681);
  });

  it('reads only the bytes of a view, not the rest of its buffer', () => {
    const backing = bytes('xxfoobaryy');
    expect(murmur2(backing.subarray(2, 8))).toBe(-790332482);
  });
});

describe('toPositive', () => {
  it('clears the sign bit like Kafka, mapping INT_MIN to 0 rather than overflowing', () => {
    expect(toPositive(-790332482)).toBe(-790332482 & 0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(42)).toBe(42);
  });
});

describe('partitionForKey', () => {
  it('picks toPositive(murmur2(key)) % partitions, as Kafka BuiltInPartitioner does', () => {
    // (-790332482 & 0x7fffffff) = 1357151166; 1357151166 % 50 = 16.
    expect(partitionForKey(bytes('foobar'), 50)).toBe(16);
    expect(partitionForKey(bytes('foobar'), 1)).toBe(0);
  });

  it('sends the same key to the same partition every time and stays in range', () => {
    for (let i = 0; i < 1000; i++) {
      const key = bytes(`customer-${i}`);
      const partition = partitionForKey(key, 12);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(12);
      expect(partitionForKey(key, 12)).toBe(partition);
    }
  });

  it.each([0, -3, 1.5, Number.NaN])('rejects %s partitions with INVALID_ARGUMENT', (partitions) => {
    try {
      partitionForKey(bytes('k'), partitions);
      expect.unreachable();
    } catch (err) {
      expect(isTributaryError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).toContain('partitions must be a positive integer');
    }
  });
});
