/**
 * UTF-8 encoding for the codecs' hot path. Allocating a typed array per string dominates the cost
 * of small header values, so:
 * - low-cardinality values (type, source, specversion, content type) are encoded once and shared;
 * - values repeated back to back (an event time) reuse the last bytes;
 * - other strings are written into a 64 KiB slab and returned as views of it (bump allocation, a
 *   region is never reused, so a view stays valid for as long as anyone holds it).
 * Shared or not, returned arrays must be treated as read-only. Decoding likewise reuses the last
 * string when a repeating header's bytes are unchanged.
 */
import { Buffer } from 'node:buffer';

const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_STRING = 2048; // longer strings get their own buffer, so one value cannot waste a slab
const MAX_CACHED = 4096;

type Utf8Write = (this: Buffer, text: string, offset: number) => number;
// Node's Buffer#utf8Write skips the argument parsing of Buffer#write (a measurable share of
// encoding a header); fall back to write() if a runtime lacks it.
const utf8Write: Utf8Write =
  (Buffer.prototype as Buffer & { utf8Write?: Utf8Write }).utf8Write ??
  function write(this: Buffer, text: string, offset: number) {
    return this.write(text, offset, 'utf8');
  };

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabMemory = slab.buffer; // cached: the getter is not free
let slabUsed = 0;

/** UTF-8 bytes of `text`, written into the shared slab. */
export function encodeUtf8(text: string): Uint8Array {
  const worstCase = text.length * 3;
  if (worstCase > MAX_SLAB_STRING) {
    const own = Buffer.from(text, 'utf8');
    return new Uint8Array(own.buffer, own.byteOffset, own.byteLength);
  }
  if (slabUsed + worstCase > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabMemory = slab.buffer;
    slabUsed = 0;
  }
  const start = slabUsed;
  const written = utf8Write.call(slab, text, start);
  slabUsed = start + written;
  return new Uint8Array(slabMemory, start, written);
}

const cache = new Map<string, Uint8Array>();

/** UTF-8 bytes of a value expected to repeat (an event type, a source): encoded once, then shared. */
export function encodeUtf8Cached(text: string): Uint8Array {
  let bytes = cache.get(text);
  if (bytes === undefined) {
    // A caller feeding high-cardinality values here must not grow memory without bound.
    if (cache.size >= MAX_CACHED) cache.clear();
    const own = Buffer.from(text, 'utf8');
    bytes = new Uint8Array(own.buffer.slice(own.byteOffset, own.byteOffset + own.byteLength));
    cache.set(text, bytes);
  }
  return bytes;
}

/** Encodes values that often repeat back to back (an event time): reuses the last bytes. */
export class RepeatEncoder {
  #text: string | undefined;
  #bytes: Uint8Array = new Uint8Array(0);

  encode(text: string): Uint8Array {
    if (text !== this.#text) {
      this.#bytes = encodeUtf8(text);
      this.#text = text;
    }
    return this.#bytes;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8; throws `TypeError` on malformed bytes (callers turn that into their own error). */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Decodes values that usually repeat from one record to the next (an event type, a source): when
 * the bytes equal the last ones seen, the last string is reused, which is cheaper than decoding.
 */
export class RepeatDecoder {
  #bytes: Uint8Array | undefined;
  #text = '';

  decode(bytes: Uint8Array): string {
    const last = this.#bytes;
    const length = bytes.length;
    if (last !== undefined && last.length === length) {
      let i = 0;
      while (i < length && last[i] === bytes[i]) i++;
      if (i === length) return this.#text;
    }
    const text = decodeUtf8(bytes);
    this.#bytes = bytes.slice(); // the record's bytes may be a view into a reused buffer
    this.#text = text;
    return text;
  }
}
