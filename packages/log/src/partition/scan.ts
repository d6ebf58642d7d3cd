import * as fs from 'node:fs';
import { BATCH_HEADER_BYTES, type BatchHeader, readBatchHeader, verifyBatch } from '../record-batch/index.js';

const CHUNK_BYTES = 8 * 1024 * 1024;

export interface ScanResult {
  /** Bytes from the start of the file up to the end of the last good batch. */
  validBytes: number;
  /** One past the last offset of the last good batch (`expectedBase` when there is none). */
  nextOffset: bigint;
  /** Why scanning stopped before the end of the file, when it did. */
  problem?: string;
}

/**
 * Walks the record batches of a segment file from `startPosition`, calling `onBatch` for each good
 * one, and stops at the first batch that is torn, structurally invalid, fails its CRC (when
 * `verify`), or does not continue the offsets (`expectedBase`). Reads in large chunks; synchronous
 * because it only runs while a log is being opened.
 */
export function scanBatches(
  fd: number,
  startPosition: number,
  expectedBase: bigint,
  verify: boolean,
  onBatch: (header: BatchHeader, position: number) => void,
): ScanResult {
  const fileSize = fs.fstatSync(fd).size;
  let chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let chunkStart = 0;
  let chunkLength = 0;
  let position = startPosition;
  let next = expectedBase;
  const stop = (problem: string): ScanResult => ({ validBytes: position, nextOffset: next, problem });

  while (position < fileSize) {
    // Make [position, position + header) available in the chunk.
    if (position + BATCH_HEADER_BYTES > chunkStart + chunkLength) {
      ({ chunk, chunkStart, chunkLength } = load(fd, chunk, position, BATCH_HEADER_BYTES));
    }
    let header: BatchHeader | null;
    try {
      header = readBatchHeader(chunk, position - chunkStart);
    } catch (err) {
      return stop(`invalid batch header at byte ${position}: ${(err as Error).message}`);
    }
    if (header === null)
      return stop(`torn batch header at byte ${position} (${fileSize - position} bytes left)`);
    if (position + header.totalBytes > fileSize) {
      return stop(
        `torn batch at byte ${position}: needs ${header.totalBytes} bytes, ${fileSize - position} left`,
      );
    }
    if (header.baseOffset !== next) {
      return stop(`batch at byte ${position} starts at offset ${header.baseOffset}, expected ${next}`);
    }
    if (verify) {
      if (position + header.totalBytes > chunkStart + chunkLength) {
        ({ chunk, chunkStart, chunkLength } = load(fd, chunk, position, header.totalBytes));
      }
      if (!verifyBatch(chunk, position - chunkStart, header))
        return stop(`CRC mismatch in batch at byte ${position}`);
    }
    onBatch(header, position);
    position += header.totalBytes;
    next = header.baseOffset + BigInt(header.lastOffsetDelta) + 1n;
  }
  return { validBytes: position, nextOffset: next };
}

/** Reads a chunk starting at `position` holding at least `need` bytes (growing the buffer if needed). */
function load(
  fd: number,
  chunk: Buffer,
  position: number,
  need: number,
): { chunk: Buffer; chunkStart: number; chunkLength: number } {
  const buf: Buffer = need > chunk.length ? Buffer.allocUnsafe(Math.max(need, chunk.length * 2)) : chunk;
  const n = fs.readSync(fd, buf, 0, buf.length, position);
  return { chunk: buf, chunkStart: position, chunkLength: n };
}
