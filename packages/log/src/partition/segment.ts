import * as fs from 'node:fs';
import * as path from 'node:path';
import { fdatasync, readAt } from './fs-async.js';
import { scanBatches } from './scan.js';
import { SparseIndex } from './sparse-index.js';

/** What recovery removed from the end of a segment. */
export interface Truncation {
  file: string;
  /** Byte position where valid data ends; everything after it was dropped. */
  position: number;
  droppedBytes: number;
  reason: string;
}

export const segmentFileName = (baseOffset: bigint, ext: 'log' | 'index' | 'timeindex') =>
  `${baseOffset.toString().padStart(20, '0')}.${ext}`;

/**
 * One segment: a `.log` file of record batches starting at `baseOffset`, plus its sparse indexes.
 * Writes are positional and serialized by the owning partition; reads may run concurrently.
 */
export class Segment {
  /** Bytes of log data written to the file. */
  size: number;
  /** One past the last offset written to this segment. */
  nextOffset: bigint;
  private readers = 0;
  private closed = false;
  private release: (() => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    private readonly fd: number,
    readonly index: SparseIndex,
    size: number,
    nextOffset: bigint,
  ) {
    this.size = size;
    this.nextOffset = nextOffset;
  }

  get file(): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, 'log'));
  }

  /** Max record timestamp in the segment (-1 when empty). */
  get maxTimestamp(): number {
    return this.index.maxTimestamp;
  }

  static create(dir: string, baseOffset: bigint, indexIntervalBytes: number): Segment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, 'log')), 'wx+');
    return new Segment(dir, baseOffset, fd, new SparseIndex(indexIntervalBytes), 0, baseOffset);
  }

  /**
   * Opens an existing segment. With `recover`, every batch is CRC-checked and a bad tail truncated
   * (the returned truncation says what was dropped); otherwise saved indexes are trusted when sane
   * and only the part after the last index entry is walked (headers only) to find the end.
   */
  static open(
    dir: string,
    baseOffset: bigint,
    indexIntervalBytes: number,
    recover: boolean,
  ): { segment: Segment; truncation?: Truncation } {
    const file = path.join(dir, segmentFileName(baseOffset, 'log'));
    const fd = fs.openSync(file, 'r+');
    const fileSize = fs.fstatSync(fd).size;
    const saved = recover ? null : loadIndexes(dir, baseOffset, indexIntervalBytes, fileSize);
    const index = saved ?? new SparseIndex(indexIntervalBytes);
    // Resume from the last indexed batch when indexes were loaded; it is re-walked, not re-indexed.
    const lastEntry = saved && saved.entries > 0 ? saved.lastEntry() : undefined;
    const from = lastEntry?.position ?? 0;
    const scan = scanBatches(fd, from, baseOffset + BigInt(lastEntry?.relOffset ?? 0), recover, (h, pos) => {
      if (pos === from && lastEntry) return;
      index.onBatch(Number(h.baseOffset - baseOffset), pos, h.totalBytes, h.maxTimestamp);
    });
    const segment = new Segment(dir, baseOffset, fd, index, scan.validBytes, scan.nextOffset);
    if (scan.problem === undefined) return { segment };
    fs.ftruncateSync(fd, scan.validBytes);
    fs.fdatasyncSync(fd);
    const truncation = {
      file,
      position: scan.validBytes,
      droppedBytes: fileSize - scan.validBytes,
      reason: scan.problem,
    };
    return { segment, truncation };
  }

  onBatchWritten(
    firstOffset: bigint,
    position: number,
    bytes: number,
    maxTimestamp: number,
    nextOffset: bigint,
  ): void {
    this.index.onBatch(Number(firstOffset - this.baseOffset), position, bytes, maxTimestamp);
    this.size = position + bytes;
    this.nextOffset = nextOffset;
  }

  /**
   * Writes at `position`, synchronously: a write to the page cache is short, and doing it here
   * saves a thread-pool round trip per group commit. Only the fsync goes to the thread pool.
   */
  write(buffers: readonly Uint8Array[], position: number): number {
    return fs.writevSync(this.fd, buffers as Uint8Array[], position);
  }

  sync(): Promise<void> {
    return fdatasync(this.fd);
  }

  /** Undoes a failed write: the file goes back to `size` bytes. */
  truncateTo(size: number): void {
    fs.ftruncateSync(this.fd, size);
  }

  /** Reads `length` bytes at `position`; the file stays open until every read has finished. */
  async read(position: number, length: number): Promise<Buffer> {
    this.readers++;
    try {
      return await readAt(this.fd, length, position);
    } finally {
      this.readers--;
      if (this.readers === 0) this.release?.();
    }
  }

  /** Saves the indexes and fsyncs data and indexes (on roll and clean close). */
  persist(): void {
    fs.fdatasyncSync(this.fd);
    const { offsetIndex, timeIndex } = this.index.toFiles();
    writeSynced(path.join(this.dir, segmentFileName(this.baseOffset, 'index')), offsetIndex);
    writeSynced(path.join(this.dir, segmentFileName(this.baseOffset, 'timeindex')), timeIndex);
  }

  /** Closes the file once in-flight reads are done. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.readers > 0) await new Promise<void>((resolve) => (this.release = resolve));
    fs.closeSync(this.fd);
  }

  /** Closes and deletes the segment's files (retention). */
  async remove(): Promise<void> {
    await this.close();
    for (const ext of ['log', 'index', 'timeindex'] as const) {
      fs.rmSync(path.join(this.dir, segmentFileName(this.baseOffset, ext)), { force: true });
    }
  }
}

function loadIndexes(
  dir: string,
  baseOffset: bigint,
  interval: number,
  fileSize: number,
): SparseIndex | null {
  try {
    const offsetIndex = fs.readFileSync(path.join(dir, segmentFileName(baseOffset, 'index')));
    const timeIndex = fs.readFileSync(path.join(dir, segmentFileName(baseOffset, 'timeindex')));
    return SparseIndex.fromFiles(interval, offsetIndex, timeIndex, fileSize);
  } catch {
    return null; // missing or unreadable: rebuilt by scanning
  }
}

function writeSynced(file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
