/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka RecordBatch v2.
 *
 * Short inputs run a pure-JS slice-by-16 loop; long ones run a WebAssembly kernel (see
 * `crc32c-wasm.ts`) which is markedly faster on V8. Both give identical results; the JS path is
 * also the fallback where WebAssembly is unavailable.
 */
import { createWasmKernel } from './crc32c-wasm.js';

const POLY = 0x82f63b78;

/** 16 tables of 256 entries: table k maps a byte to its CRC contribution k bytes further on. */
function makeTables(): Int32Array {
  const t = new Int32Array(16 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + i] = c;
    }
  }
  return t;
}

const TABLES = makeTables();
// One typed array per table: V8 indexes a fixed table faster than a shared one plus an offset.
const table = (k: number): Int32Array => TABLES.subarray(k * 256, (k + 1) * 256);
const [t0, t1, t2, t3] = [table(0), table(1), table(2), table(3)];
const [t4, t5, t6, t7] = [table(4), table(5), table(6), table(7)];
const [t8, t9, t10, t11] = [table(8), table(9), table(10), table(11)];
const [t12, t13, t14, t15] = [table(12), table(13), table(14), table(15)];
/** Word reads below assume a little-endian host (all platforms Node supports today). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes the call into WebAssembly (and the copy) costs more than it saves. */
const WASM_MIN_BYTES = 256;
const kernel = createWasmKernel(TABLES);

/**
 * Pure-JS CRC-32C of `buf[start, end)`, continuing from the finished CRC `seed`. Exported for tests
 * (to compare with the WebAssembly path); use {@link crc32c}.
 */
export function crc32cJs(buf: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  // Align to 4 bytes so the block loop can read little-endian words through an Int32Array.
  while (i < end && ((buf.byteOffset + i) & 3) !== 0) crc = t0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  const words = (end - i) >>> 4;
  if (words > 0 && LITTLE_ENDIAN) {
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, words * 4);
    for (let j = 0; j < w.length; j += 4) {
      const a = crc ^ w[j]!;
      const b = w[j + 1]!;
      const c = w[j + 2]!;
      const d = w[j + 3]!;
      crc =
        t15[a & 0xff]! ^
        t14[(a >>> 8) & 0xff]! ^
        t13[(a >>> 16) & 0xff]! ^
        t12[a >>> 24]! ^
        t11[b & 0xff]! ^
        t10[(b >>> 8) & 0xff]! ^
        t9[(b >>> 16) & 0xff]! ^
        t8[b >>> 24]! ^
        t7[c & 0xff]! ^
        t6[(c >>> 8) & 0xff]! ^
        t5[(c >>> 16) & 0xff]! ^
        t4[c >>> 24]! ^
        t3[d & 0xff]! ^
        t2[(d >>> 8) & 0xff]! ^
        t1[(d >>> 16) & 0xff]! ^
        t0[d >>> 24]!;
    }
    i += words * 16;
  }
  while (i < end) crc = t0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * CRC-32C of `buf[start, end)` as an unsigned 32-bit number.
 *
 * `seed` is a previous result to continue from, so
 * `crc32c(b, 0, b.length, crc32c(a)) === crc32c(concat(a, b))`; 0 (the default) starts fresh.
 * Kafka's batch CRC is `crc32c(batch, 21, batch.length)` (attributes to the end).
 */
export function crc32c(buf: Uint8Array, start = 0, end: number = buf.length, seed = 0): number {
  if (start < 0 || end > buf.length || start > end) {
    throw new RangeError(`crc32c: range [${start}, ${end}) is outside a buffer of ${buf.length} bytes`);
  }
  if (kernel !== null && end - start >= WASM_MIN_BYTES) return kernel.update(buf, start, end, seed);
  return crc32cJs(buf, start, end, seed);
}
