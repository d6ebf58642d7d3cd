/**
 * Kafka's default partitioner for keyed records: `toPositive(murmur2(key)) % partitions`
 * (`org.apache.kafka.common.utils.Utils.murmur2` and `BuiltInPartitioner.partitionForKey`).
 * Using the same function means a key lands in the same partition here as on a real Kafka topic
 * with the same partition count, so data can move between the two without reordering a key.
 */
import { invalidArgument } from '../errors/errors.js';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * MurmurHash2 as Kafka computes it (seed `0x9747b28c`), as a signed 32-bit integer — the same
 * number Java's `Utils.murmur2(byte[])` returns.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const tail = length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1-3 bytes (Java's falling-through switch).
  const rest = length & 3;
  if (rest !== 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which fails on INT_MIN). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition Kafka's default partitioner picks for a key: `toPositive(murmur2(key)) % partitions`.
 *
 * @throws ValidationError `INVALID_ARGUMENT` when `partitions` is not a positive integer.
 */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw invalidArgument(
      `partitionForKey: partitions must be a positive integer, received ${String(partitions)}.`,
    );
  }
  return toPositive(murmur2(key)) % partitions;
}
