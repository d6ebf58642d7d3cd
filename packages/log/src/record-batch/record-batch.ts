/**
 * Kafka RecordBatch v2 (magic 2): the on-disk record format of the embedded log, byte-for-byte as
 * Kafka writes it, so the same bytes can later be served to real Kafka clients.
 *
 * Reading is split in three steps so the log engine can scan cheaply: {@link readBatchHeader}
 * (structure only), {@link verifyBatch} (presence + CRC-32C), {@link decodeBatchRecords} (records).
 * Only uncompressed batches are supported; anything else is reported as `CORRUPT_DATA`, never
 * mis-decoded. Writing lives in `encode-batch.ts`; the layout in `layout.ts`.
 */
import type { LogRecord, RecordHeader } from '@tributary/core';
import { StorageError } from '@tributary/core';
import { crc32c } from './crc32c.js';
import { decodeHeaderKey } from './header-key-cache.js';
import {
  ATTRIBUTES_AT,
  BASE_SEQUENCE_AT,
  BASE_TIMESTAMP_AT,
  BATCH_HEADER_BYTES,
  BATCH_LENGTH_AT,
  COMPRESSION_MASK,
  CRC_AT,
  LAST_OFFSET_DELTA_AT,
  LEADER_EPOCH_AT,
  LOG_APPEND_TIME_FLAG,
  LOG_OVERHEAD,
  MAGIC_AT,
  MAGIC_V2,
  MAX_TIMESTAMP_AT,
  MIN_BATCH_LENGTH,
  MIN_RECORD_BYTES,
  PRODUCER_EPOCH_AT,
  PRODUCER_ID_AT,
  RECORD_COUNT_AT,
} from './layout.js';
import { VarintReader } from './varint.js';

export { encodeBatch, setBaseOffset } from './encode-batch.js';
export { BATCH_HEADER_BYTES, LOG_OVERHEAD } from './layout.js';

/** The fixed 61-byte header of a record batch, decoded. Field names follow Kafka's. */
export interface BatchHeader {
  /** Offset of the first record. */
  baseOffset: bigint;
  /** Bytes after the batchLength field to the end of the batch. */
  batchLength: number;
  /** Whole batch size in bytes: `LOG_OVERHEAD + batchLength`. */
  totalBytes: number;
  partitionLeaderEpoch: number;
  /** Always 2 (older formats are rejected). */
  magic: number;
  /** CRC-32C stored in the batch (unsigned), over attributes to the end. */
  crc: number;
  /** Bits 0-2 compression (always 0 here), bit 3 timestamp type, 4 transactional, 5 control. */
  attributes: number;
  /** `recordCount - 1`. */
  lastOffsetDelta: number;
  /** Timestamp of the first record (ms since the epoch); record timestamps are deltas from it. */
  baseTimestamp: number;
  /** Largest record timestamp in the batch. */
  maxTimestamp: number;
  /** -1 unless written by an idempotent producer. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

function corrupt(message: string): StorageError {
  return new StorageError('CORRUPT_DATA', message);
}

const int32 = (b: Uint8Array, p: number): number =>
  (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
const uint32 = (b: Uint8Array, p: number): number => int32(b, p) >>> 0;
const int16 = (b: Uint8Array, p: number): number => ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
const int64Big = (b: Uint8Array, p: number): bigint =>
  (BigInt(int32(b, p)) << 32n) | BigInt(uint32(b, p + 4));

/** An int64 timestamp as a number; throws when it is not a safe integer (no real timestamp is). */
function int64Number(b: Uint8Array, p: number, field: string, pos: number): number {
  const hi = int32(b, p);
  if (hi >= 0x200000 || hi < -0x200000)
    throw corrupt(`record batch at byte ${pos}: ${field} is out of range`);
  return hi * 0x100000000 + uint32(b, p + 4);
}

/**
 * Parses the 61-byte batch header at `pos`. Returns null when fewer than 61 bytes remain (a
 * truncated tail). Throws `CORRUPT_DATA` when the header cannot belong to a valid batch: magic
 * other than 2, batchLength < 49, compressed, negative record count or baseOffset, lastOffsetDelta
 * not recordCount - 1, or more records than the length can hold. Does not check the CRC.
 */
export function readBatchHeader(buf: Uint8Array, pos: number): BatchHeader | null {
  if (pos < 0 || buf.length - pos < BATCH_HEADER_BYTES) return null;
  const at = `record batch at byte ${pos}`;
  const magic = (buf[pos + MAGIC_AT]! << 24) >> 24;
  if (magic !== MAGIC_V2) {
    throw corrupt(`${at} has magic ${magic}; only magic 2 (Kafka RecordBatch v2) is supported`);
  }
  const batchLength = int32(buf, pos + BATCH_LENGTH_AT);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw corrupt(`${at} has batchLength ${batchLength}, below the minimum ${MIN_BATCH_LENGTH}`);
  }
  const attributes = int16(buf, pos + ATTRIBUTES_AT);
  const codec = attributes & COMPRESSION_MASK;
  if (codec !== 0) {
    throw corrupt(`${at} is compressed (codec ${codec}); compressed batches are not supported`);
  }
  const recordCount = int32(buf, pos + RECORD_COUNT_AT);
  if (recordCount < 0) throw corrupt(`${at} has a negative record count ${recordCount}`);
  const lastOffsetDelta = int32(buf, pos + LAST_OFFSET_DELTA_AT);
  if (lastOffsetDelta !== recordCount - 1) {
    throw corrupt(`${at} has lastOffsetDelta ${lastOffsetDelta} but ${recordCount} records`);
  }
  if (recordCount * MIN_RECORD_BYTES > batchLength - MIN_BATCH_LENGTH) {
    throw corrupt(`${at} claims ${recordCount} records in ${batchLength - MIN_BATCH_LENGTH} bytes`);
  }
  const baseOffset = int64Big(buf, pos);
  if (baseOffset < 0n) throw corrupt(`${at} has a negative baseOffset ${baseOffset}`);
  return {
    baseOffset,
    batchLength,
    totalBytes: LOG_OVERHEAD + batchLength,
    partitionLeaderEpoch: int32(buf, pos + LEADER_EPOCH_AT),
    magic,
    crc: uint32(buf, pos + CRC_AT),
    attributes,
    lastOffsetDelta,
    baseTimestamp: int64Number(buf, pos + BASE_TIMESTAMP_AT, 'baseTimestamp', pos),
    maxTimestamp: int64Number(buf, pos + MAX_TIMESTAMP_AT, 'maxTimestamp', pos),
    producerId: int64Big(buf, pos + PRODUCER_ID_AT),
    producerEpoch: int16(buf, pos + PRODUCER_EPOCH_AT),
    baseSequence: int32(buf, pos + BASE_SEQUENCE_AT),
    recordCount,
  };
}

/** True when the whole batch `[pos, pos + totalBytes)` is in `buf` and its CRC-32C matches. */
export function verifyBatch(buf: Uint8Array, pos: number, header: BatchHeader): boolean {
  const end = pos + header.totalBytes;
  if (pos < 0 || end > buf.length) return false;
  return crc32c(buf, pos + ATTRIBUTES_AT, end) === header.crc;
}

/**
 * Decodes the records of a verified batch whose offset is >= `minOffset` into `out`, at most
 * `maxRecords` of them; returns how many were pushed. Keys, values and header values are views
 * into `buf` (no copy): they stay valid as long as `buf` is not reused.
 *
 * Throws `CORRUPT_DATA` on any structural inconsistency (a length past its record or the batch,
 * an offset delta out of sequence, a record count that does not match the bytes); then `out` is
 * left as it was.
 */
export function decodeBatchRecords(
  buf: Uint8Array,
  pos: number,
  header: BatchHeader,
  out: LogRecord[],
  minOffset: bigint,
  maxRecords: number,
): number {
  const end = pos + header.totalBytes;
  if (pos < 0 || end > buf.length) {
    throw corrupt(
      `record batch at byte ${pos} (${header.totalBytes} bytes) extends past the end of the data`,
    );
  }
  const count = header.recordCount;
  const base = header.baseOffset;
  let first = 0;
  if (minOffset > base) {
    const skip = minOffset - base;
    if (skip >= BigInt(count)) return 0;
    first = Number(skip);
  }
  if (maxRecords <= 0 || count === 0) return 0;
  const before = out.length;
  try {
    return decodeRecords(buf, pos, end, header, out, first, maxRecords);
  } catch (err) {
    out.length = before;
    throw err;
  }
}

/**
 * The record loop: one position `p` moves through the batch; every varint is read within the
 * bounds of its record (or of the batch, for record lengths) and every length is checked against
 * them before a view is made.
 */
function decodeRecords(
  buf: Uint8Array,
  pos: number,
  end: number,
  header: BatchHeader,
  out: LogRecord[],
  first: number,
  maxRecords: number,
): number {
  const { recordCount: count, baseOffset: base, baseTimestamp, maxTimestamp } = header;
  const ab = buf.buffer;
  const bo = buf.byteOffset;
  // LogAppendTime: the broker's time (maxTimestamp) replaces every record's own, as in Kafka.
  const appendTime = (header.attributes & LOG_APPEND_TIME_FLAG) !== 0;
  const rd = new VarintReader(buf, 0, end);
  let p = pos + BATCH_HEADER_BYTES;
  let len = 0;
  let pushed = 0;
  let i = 0;
  for (; i < count && pushed < maxRecords; i++) {
    if (p >= end) throw badRecord(pos, i, 'no bytes left (the batch holds fewer records than its count)');
    len = rd.varintAt(p, end);
    p = rd.pos;
    const recordEnd = p + len;
    if (len < MIN_RECORD_BYTES - 1 || recordEnd > end) throw badRecord(pos, i, `an impossible length ${len}`);
    if (i < first) {
      p = recordEnd;
      continue;
    }
    p++; // record attributes: unused in v2
    const timestampDelta = rd.varlongAt(p, recordEnd);
    p = rd.pos;
    len = rd.varintAt(p, recordEnd);
    p = rd.pos;
    if (len !== i) throw badRecord(pos, i, `offset delta ${len} (expected ${i})`);

    len = rd.varintAt(p, recordEnd);
    p = rd.pos;
    let key: Uint8Array | null = null;
    if (len !== -1) {
      if (len < 0 || p + len > recordEnd) throw badRecord(pos, i, `a key length ${len} past its end`);
      key = new Uint8Array(ab, bo + p, len);
      p += len;
    }
    len = rd.varintAt(p, recordEnd);
    p = rd.pos;
    let value: Uint8Array | null = null;
    if (len !== -1) {
      if (len < 0 || p + len > recordEnd) throw badRecord(pos, i, `a value length ${len} past its end`);
      value = new Uint8Array(ab, bo + p, len);
      p += len;
    }

    len = rd.varintAt(p, recordEnd);
    p = rd.pos;
    let headers = NO_HEADERS;
    if (len !== 0) {
      const headerCount = len;
      // Each header takes at least two bytes (two lengths).
      if (len < 0 || len * 2 > recordEnd - p) throw badRecord(pos, i, `an impossible header count ${len}`);
      const list: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        len = rd.varintAt(p, recordEnd);
        p = rd.pos;
        if (len < 0 || p + len > recordEnd)
          throw badRecord(pos, i, `a header key length ${len} past its end`);
        const hk = decodeHeaderKey(buf, p, len, h);
        p += len;
        len = rd.varintAt(p, recordEnd);
        p = rd.pos;
        let hv: Uint8Array | null = null;
        if (len !== -1) {
          if (len < 0 || p + len > recordEnd)
            throw badRecord(pos, i, `a header value length ${len} past its end`);
          hv = new Uint8Array(ab, bo + p, len);
          p += len;
        }
        list.push({ key: hk, value: hv });
      }
      headers = list;
    }
    if (p !== recordEnd) throw badRecord(pos, i, `${recordEnd - p} bytes left over after its fields`);
    out.push({
      offset: base + BigInt(i),
      timestamp: appendTime ? maxTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
    pushed++;
  }
  if (i === count && p !== end) {
    throw corrupt(`record batch at byte ${pos} does not end after its ${count} records`);
  }
  return pushed;
}

function badRecord(pos: number, i: number, what: string): StorageError {
  return corrupt(`record ${i} of the batch at byte ${pos} has ${what}`);
}
