/**
 * Decodes record header keys without a UTF-8 decode or a new string per header. Keys repeat on
 * almost every record, usually in the same order (`ce_id`, `ce_type`, `ce_source`, ...), so:
 * first the key last seen at the same header index is compared byte for byte; failing that, a
 * direct-mapped cache keyed by a hash of the bytes; only then a real decode.
 *
 * The caches are module state but only memoize a pure function (bytes -> string): they hold
 * copies of short keys, never a reference to a caller's buffer.
 */

/** Longer keys skip the caches; CloudEvents attribute names are far shorter. */
const MAX_CACHED_KEY = 48;
const SLOTS = 512; // hashed cache size, a power of two
const POSITIONS = 64; // header indexes remembered
const WORDS = MAX_CACHED_KEY / 4;

// As Java's `new String(bytes, UTF_8)` in Kafka: malformed UTF-8 becomes U+FFFD, a BOM is kept.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Little-endian 32-bit word of `buf[at, at + 4)`. */
const word = (buf: Uint8Array, at: number): number =>
  buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);

/** A set of cached keys: the string, its UTF-8 length and its bytes as words (4 per compare step). */
class KeyTable {
  readonly keys: (string | undefined)[];
  readonly lengths: Int32Array;
  readonly words: Int32Array;

  constructor(size: number) {
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.lengths = new Int32Array(size).fill(-1);
    this.words = new Int32Array(size * WORDS);
  }

  /** The key at `entry` if it is exactly `buf[start, start + length)`, else undefined. */
  match(entry: number, buf: Uint8Array, start: number, length: number): string | undefined {
    if (this.lengths[entry] !== length) return undefined;
    const words = this.words;
    let w = entry * WORDS;
    let j = start;
    const end = start + length;
    for (; j + 4 <= end; j += 4, w++) if (words[w] !== word(buf, j)) return undefined;
    if (j < end) {
      // Tail of 1-3 bytes, zero-padded the same way as when stored.
      let tail = 0;
      for (let k = 0; j + k < end; k++) tail |= buf[j + k]! << (8 * k);
      if (words[w] !== tail) return undefined;
    }
    return this.keys[entry];
  }

  store(entry: number, key: string, buf: Uint8Array, start: number, length: number): void {
    this.keys[entry] = key;
    this.lengths[entry] = length;
    const base = entry * WORDS;
    this.words.fill(0, base, base + WORDS);
    for (let k = 0; k < length; k++) this.words[base + (k >> 2)]! |= buf[start + k]! << (8 * (k & 3));
  }
}

const byPosition = new KeyTable(POSITIONS);
const byHash = new KeyTable(SLOTS);

/** The UTF-8 string in `buf[start, start + length)`, the `index`-th header key of its record. */
export function decodeHeaderKey(buf: Uint8Array, start: number, length: number, index = 0): string {
  if (length > MAX_CACHED_KEY) return utf8.decode(buf.subarray(start, start + length));
  const position = index & (POSITIONS - 1);
  const same = byPosition.match(position, buf, start, length);
  if (same !== undefined) return same;
  let h = length;
  for (let j = 0; j < length; j++) h = Math.imul(h ^ buf[start + j]!, 0x01000193); // FNV-1a
  const slot = (h ^ (h >>> 16)) & (SLOTS - 1);
  let key = byHash.match(slot, buf, start, length);
  if (key === undefined) {
    key = utf8.decode(buf.subarray(start, start + length));
    byHash.store(slot, key, buf, start, length);
  }
  byPosition.store(position, key, buf, start, length);
  return key;
}
