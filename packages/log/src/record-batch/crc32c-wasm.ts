/**
 * A WebAssembly slice-by-16 CRC-32C kernel, assembled here from opcodes (no build step, no
 * dependency). It runs about 1.5x faster than the best pure-JS table loop on V8 because it reads
 * 32-bit words without bounds checks; record batches are CRC'd on every append and every fetch, so
 * that matters. Returns null where WebAssembly is unavailable (e.g. `node --jitless`).
 */

/** Byte address in the kernel's memory where input chunks are copied. Tables live below it. */
const DATA_AT = 16 * 1024;
/** Input is fed in chunks of this size, so memory stays at two pages whatever the input. */
export const WASM_CHUNK = 64 * 1024;

export interface Crc32cKernel {
  /** CRC of `buf[start, end)` continuing from the finished CRC `seed` (0 for a fresh CRC). */
  update(buf: Uint8Array, start: number, end: number, seed: number): number;
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

// Opcodes used below (WebAssembly core spec, section 5.4).
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  void: 0x40,
  i32: 0x7f,
} as const;

/**
 * `crc(ptr, len, seed) -> crc` over memory[ptr, ptr+len). Locals: 0 ptr, 1 len (then end of the
 * 16-byte blocks), 2 crc, 3 end, 4..7 the four words of a block. Table k sits at byte k*1024.
 */
function kernelBody(): number[] {
  const get = (i: number) => [OP.localGet, i];
  const set = (i: number) => [OP.localSet, i];
  const k = (n: number) => [OP.i32Const, ...sleb(n)];
  const load = (offset: number) => [OP.i32Load, 2, ...uleb(offset)];
  const c: number[] = [];
  // crc = ~seed; end = ptr + len; blocksEnd = ptr + (len & ~15)
  c.push(...get(2), ...k(-1), OP.i32Xor, ...set(2));
  c.push(...get(0), ...get(1), OP.i32Add, ...set(3));
  c.push(...get(0), ...get(1), ...k(-16), OP.i32And, OP.i32Add, ...set(1));
  // while (ptr < blocksEnd): fold 16 bytes through 16 tables
  c.push(OP.block, OP.void, OP.loop, OP.void, ...get(0), ...get(1), OP.i32GeU, OP.brIf, 1);
  for (let w = 0; w < 4; w++) {
    c.push(...get(0), ...load(w * 4));
    if (w === 0) c.push(...get(2), OP.i32Xor);
    c.push(...set(4 + w));
  }
  for (let w = 0; w < 4; w++) {
    for (let byte = 0; byte < 4; byte++) {
      c.push(...get(4 + w));
      if (byte > 0) c.push(...k(byte * 8), OP.i32ShrU);
      if (byte < 3) c.push(...k(255), OP.i32And);
      c.push(...k(2), OP.i32Shl, ...load((15 - (w * 4 + byte)) * 1024));
      if (w + byte > 0) c.push(OP.i32Xor);
    }
  }
  c.push(...set(2), ...get(0), ...k(16), OP.i32Add, ...set(0), OP.br, 0, OP.end, OP.end);
  // while (ptr < end): one byte at a time through table 0
  c.push(OP.block, OP.void, OP.loop, OP.void, ...get(0), ...get(3), OP.i32GeU, OP.brIf, 1);
  c.push(...get(2), ...get(0), OP.i32Load8u, 0, 0, OP.i32Xor, ...k(255), OP.i32And, ...k(2), OP.i32Shl);
  c.push(...load(0), ...get(2), ...k(8), OP.i32ShrU, OP.i32Xor, ...set(2));
  c.push(...get(0), ...k(1), OP.i32Add, ...set(0), OP.br, 0, OP.end, OP.end);
  c.push(...get(2), ...k(-1), OP.i32Xor, OP.end);
  return [1, 5, OP.i32, ...c]; // one local declaration: 5 extra i32 locals (3..7)
}

function moduleBytes(): Uint8Array {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const body = kernelBody();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, OP.i32, OP.i32, OP.i32, 1, OP.i32]), // type (i32,i32,i32)->i32
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0x00, 2]), // one memory, 2 pages, no maximum
    ...section(7, [2, ...name('crc'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TS libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

function isWasmApi(x: unknown): x is WasmApi {
  return (
    typeof x === 'object' &&
    x !== null &&
    'Module' in x &&
    typeof x.Module === 'function' &&
    'Instance' in x &&
    typeof x.Instance === 'function'
  );
}

function isKernelFn(f: unknown): f is (ptr: number, len: number, seed: number) => number {
  return typeof f === 'function';
}

function memoryBuffer(mem: unknown): ArrayBuffer | null {
  if (typeof mem !== 'object' || mem === null || !('buffer' in mem)) return null;
  return mem.buffer instanceof ArrayBuffer ? mem.buffer : null;
}

/** Instantiates the kernel with the 16 tables (`tables.length === 4096`), or null if unavailable. */
export function createWasmKernel(tables: Int32Array): Crc32cKernel | null {
  const wasm: unknown = Reflect.get(globalThis, 'WebAssembly');
  if (!isWasmApi(wasm)) return null;
  let exports: Record<string, unknown>;
  try {
    exports = new wasm.Instance(new wasm.Module(moduleBytes())).exports;
  } catch {
    return null;
  }
  const crc = exports.crc;
  // Memory never grows (input is fed in chunks), so views over its buffer stay valid.
  const memory = memoryBuffer(exports.mem);
  if (!isKernelFn(crc) || memory === null) return null;
  new Int32Array(memory, 0, tables.length).set(tables);
  const heap = new Uint8Array(memory, DATA_AT, WASM_CHUNK);
  return {
    update(buf, start, end, seed) {
      let c = seed;
      for (let at = start; at < end; at += WASM_CHUNK) {
        const n = Math.min(WASM_CHUNK, end - at);
        heap.set(buf.subarray(at, at + n));
        c = crc(DATA_AT, n, c);
      }
      return c >>> 0;
    },
  };
}
