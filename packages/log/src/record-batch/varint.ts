/**
 * Zigzag varints as Kafka (and protobuf) write them: `varint` is a 32-bit signed integer in 1..5
 * bytes, `varlong` a 64-bit one in 1..10 bytes; 7 bits per byte, least significant group first,
 * high bit set on every byte but the last; zigzag maps 0,-1,1,-2,... to 0,1,2,3,...
 *
 * Values are JS numbers: varlongs are limited to safe integers (|n| <= 2^53 - 1), which covers the
 * timestamp deltas and lengths of a record batch. Readers throw `CORRUPT_DATA` on malformed input
 * (too many bytes, past the end, beyond the safe range) rather than looping or losing precision.
 */
import { StorageError } from '@tributary/core';

/** Writes `value` (an int32) as a zigzag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let zz = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zz > 0x7f) {
    buf[pos++] = (zz & 0x7f) | 0x80;
    zz >>>= 7;
  }
  buf[pos++] = zz;
  return pos;
}

/** Bytes {@link writeVarint} uses for `value` (an int32). */
export function sizeOfVarint(value: number): number {
  const zz = ((value << 1) ^ (value >> 31)) >>> 0;
  if (zz < 0x80) return 1;
  if (zz < 0x4000) return 2;
  if (zz < 0x200000) return 3;
  if (zz < 0x10000000) return 4;
  return 5;
}

/**
 * Writes `value` (a safe integer) as a zigzag varlong at `pos`; returns the position after it.
 * Throws RangeError for a non-integer or unsafe value (it would not round-trip).
 */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000 && (value | 0) === value)
    return writeVarint(buf, pos, value);
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong value ${value} is not a safe integer`);
  // zigzag without 64-bit ints: zz = 2 * mag + sign, emitted as 6 bits of mag then 7-bit groups.
  const sign = value < 0 ? 1 : 0;
  let mag = sign === 1 ? -value - 1 : value;
  buf[pos++] = ((mag % 64) * 2 + sign) | 0x80; // mag >= 2^29 here, so more groups always follow
  mag = Math.floor(mag / 64);
  while (mag > 0x7f) {
    buf[pos++] = (mag % 128) | 0x80;
    mag = Math.floor(mag / 128);
  }
  buf[pos++] = mag;
  return pos;
}

/** Bytes {@link writeVarlong} uses for `value` (a safe integer). */
export function sizeOfVarlong(value: number): number {
  const mag = value < 0 ? -value - 1 : value;
  let size = 1;
  for (let rest = Math.floor(mag / 64); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
}

function corrupt(what: string, pos: number): StorageError {
  return new StorageError('CORRUPT_DATA', `malformed ${what} at byte ${pos}`);
}

/**
 * A read cursor over `buf[pos, end)`. Set `pos`/`end` and call the readers; each advances `pos`.
 * One object carries the position so hot loops avoid allocating a result per read.
 */
export class VarintReader {
  constructor(
    public buf: Uint8Array,
    public pos = 0,
    public end: number = buf.length,
  ) {}

  /** Reads a varint at `pos`, within `end`; the position after it is left in `this.pos`. */
  varintAt(pos: number, end: number): number {
    const b = this.buf[pos]!;
    if (b < 0x80 && pos < end) {
      this.pos = pos + 1;
      return (b >>> 1) ^ -(b & 1);
    }
    this.pos = pos;
    this.end = end;
    return this.readVarint();
  }

  /** Reads a varlong at `pos`, within `end`; the position after it is left in `this.pos`. */
  varlongAt(pos: number, end: number): number {
    const b = this.buf[pos]!;
    if (b < 0x80 && pos < end) {
      this.pos = pos + 1;
      return (b >>> 1) ^ -(b & 1);
    }
    this.pos = pos;
    this.end = end;
    return this.readVarlong();
  }

  /** Reads a zigzag varint (int32, at most 5 bytes). */
  readVarint(): number {
    const { buf, end } = this;
    const start = this.pos;
    let p = start;
    if (p >= end) throw corrupt('varint (past the end)', start);
    let b = buf[p++]!;
    if (b < 0x80) {
      this.pos = p;
      return (b >>> 1) ^ -(b & 1);
    }
    let raw = b & 0x7f;
    for (let shift = 7; ; shift += 7) {
      if (shift > 28) throw corrupt('varint (more than 5 bytes)', start);
      if (p >= end) throw corrupt('varint (past the end)', start);
      b = buf[p++]!;
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    this.pos = p;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Reads a zigzag varlong (at most 10 bytes) whose value must be a safe integer. */
  readVarlong(): number {
    const { buf, end } = this;
    const start = this.pos;
    let p = start;
    // The low 28 bits in an int, the rest as a multiple of 2^28 (exact while it stays < 2^53).
    let lo = 0;
    let shift = 0;
    let b = 0x80;
    while (shift < 28 && b >= 0x80) {
      if (p >= end) throw corrupt('varlong (past the end)', start);
      b = buf[p++]!;
      lo |= (b & 0x7f) << shift;
      shift += 7;
    }
    let hi = 0;
    let scale = 1;
    while (b >= 0x80) {
      if (shift >= 70) throw corrupt('varlong (more than 10 bytes)', start);
      if (p >= end) throw corrupt('varlong (past the end)', start);
      b = buf[p++]!;
      hi += (b & 0x7f) * scale;
      scale *= 128;
      shift += 7;
    }
    this.pos = p;
    if (hi === 0) return (lo >>> 1) ^ -(lo & 1);
    // zz = hi * 2^28 + lo; value = sign ? -(mag + 1) : mag with mag = floor(zz / 2).
    const mag = hi * 0x8000000 + (lo >>> 1);
    // Negative values are -(mag + 1): that must be safe too.
    if (mag + (lo & 1) > Number.MAX_SAFE_INTEGER)
      throw corrupt('varlong (beyond the safe integer range)', start);
    return lo & 1 ? -mag - 1 : mag;
  }
}
