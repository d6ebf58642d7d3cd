import * as fs from 'node:fs';
import type { LogRecord, TopicConfig } from '@tributary/core';
import { StorageError } from '@tributary/core';
import { checkOffset } from '@tributary/core/internal';
import {
  BATCH_HEADER_BYTES,
  type BatchHeader,
  decodeBatchRecords,
  readBatchHeader,
  setBaseOffset,
  verifyBatch,
} from '../record-batch/index.js';
import { GroupCommit, type Queued } from './group-commit.js';
import { Segment, type Truncation } from './segment.js';

export interface PartitionOptions {
  dir: string;
  topic: string;
  partition: number;
  config: TopicConfig;
  indexIntervalBytes: number;
  /** CRC-check the active segment on open and truncate a bad tail (after an unclean stop). */
  recover: boolean;
  /** CRC-check batches on every fetch, so corrupt data is never served. */
  verifyOnRead: boolean;
  /** Told how long each group-commit fsync took, in seconds. */
  onFsync?: ((seconds: number, topic: string) => void) | undefined;
}

interface EncodedBatch {
  readonly bytes: Buffer;
  readonly recordCount: number;
  readonly maxTimestamp: number;
}

interface AppendOffsets {
  baseOffset: bigint;
  lastOffset: bigint;
}

type Pending = Queued<EncodedBatch, AppendOffsets>;

export interface PartitionFetch {
  records: LogRecord[];
  nextOffset: bigint;
  highWatermark: bigint;
}

/**
 * One partition of a topic: an ordered list of segments, the newest one active. Appends go through
 * {@link GroupCommit} (one write + one fsync for everything queued in the same tick); only durable
 * records (below the high watermark) are visible to fetches.
 */
export class Partition {
  private segments: Segment[];
  private highWatermark: bigint;
  /** Bytes of the active segment that are visible (durable per policy). */
  private visibleBytes: number;
  private readonly waiters = new Set<() => void>();
  private readonly commit: GroupCommit<EncodedBatch, AppendOffsets>;
  private intervalTimer: NodeJS.Timeout | undefined;
  private dirty = false;

  private constructor(
    private readonly options: PartitionOptions,
    segments: Segment[],
  ) {
    this.segments = segments;
    const active = this.active;
    this.highWatermark = active.nextOffset;
    this.visibleBytes = active.size;
    this.commit = new GroupCommit((batches) => this.writeBatches(batches));
    if (options.config.fsync === 'interval') {
      this.intervalTimer = setInterval(() => void this.syncIfDirty(), options.config.fsyncIntervalMs);
      this.intervalTimer.unref();
    }
  }

  /** Opens (or creates) the partition directory, recovering the active segment when asked. */
  static open(options: PartitionOptions): { partition: Partition; truncations: Truncation[] } {
    fs.mkdirSync(options.dir, { recursive: true });
    const bases = fs
      .readdirSync(options.dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => BigInt(f.slice(0, 20)))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const truncations: Truncation[] = [];
    const segments: Segment[] = [];
    for (const [i, base] of bases.entries()) {
      const last = i === bases.length - 1;
      const { segment, truncation } = Segment.open(
        options.dir,
        base,
        options.indexIntervalBytes,
        last && options.recover,
      );
      if (truncation) truncations.push(truncation);
      segments.push(segment);
    }
    if (segments.length === 0) segments.push(Segment.create(options.dir, 0n, options.indexIntervalBytes));
    return { partition: new Partition(options, segments), truncations };
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get earliestOffset(): bigint {
    return this.segments[0]!.baseOffset;
  }

  get latestOffset(): bigint {
    return this.highWatermark;
  }

  get sizeBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  /** Queues an encoded batch; resolves with its offsets once durable per the fsync policy. */
  append(batch: EncodedBatch): Promise<AppendOffsets> {
    return this.commit.enqueue(batch);
  }

  /** Writes one group of batches: assigns offsets, rolls segments as needed, fsyncs, publishes. */
  private async sync(segment: Segment): Promise<void> {
    const onFsync = this.options.onFsync;
    if (onFsync === undefined) return segment.sync();
    const start = performance.now();
    await segment.sync();
    onFsync((performance.now() - start) / 1000, this.options.topic);
  }

  private async writeBatches(batches: Pending[]): Promise<void> {
    const { segmentBytes, fsync } = this.options.config;
    let next = this.active.nextOffset;
    let i = 0;
    while (i < batches.length) {
      if (this.active.size > 0 && this.active.size + batches[i]!.item.bytes.length > segmentBytes)
        this.roll(next);
      const segment = this.active;
      // Everything that fits in this segment (at least one batch) goes in one write.
      const run: { pending: Pending; baseOffset: bigint }[] = [];
      let bytes = 0;
      while (
        i < batches.length &&
        (run.length === 0 || segment.size + bytes + batches[i]!.item.bytes.length <= segmentBytes)
      ) {
        const pending = batches[i++]!;
        setBaseOffset(pending.item.bytes, 0, next);
        run.push({ pending, baseOffset: next });
        next += BigInt(pending.item.recordCount);
        bytes += pending.item.bytes.length;
      }
      const start = segment.size;
      try {
        const written = segment.write(
          run.map((r) => r.pending.item.bytes),
          start,
        );
        if (written !== bytes) throw new Error(`short write: ${written} of ${bytes} bytes`);
        if (fsync === 'always') await this.sync(segment);
      } catch (err) {
        segment.truncateTo(start);
        throw new StorageError(
          'STORAGE_FAILURE',
          `Writing to ${segment.file} failed: ${(err as Error).message}`,
          {
            cause: err,
            retryable: true,
          },
        );
      }
      let position = start;
      for (const { pending, baseOffset } of run) {
        const { bytes: batch, recordCount, maxTimestamp } = pending.item;
        const lastOffset = baseOffset + BigInt(recordCount - 1);
        segment.onBatchWritten(baseOffset, position, batch.length, maxTimestamp, lastOffset + 1n);
        position += batch.length;
        pending.settle({ baseOffset, lastOffset });
      }
      this.publish(segment);
    }
  }

  /** Makes written data visible and wakes waiting fetches. */
  private publish(segment: Segment): void {
    if (this.options.config.fsync !== 'always') this.dirty = true;
    this.highWatermark = segment.nextOffset;
    this.visibleBytes = segment.size;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Seals the active segment (fsync + indexes) and starts a new one at `nextOffset`. Synchronous. */
  private roll(nextOffset: bigint): void {
    this.active.persist();
    this.segments.push(Segment.create(this.options.dir, nextOffset, this.options.indexIntervalBytes));
    this.visibleBytes = 0;
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.active.sync().catch(() => {
      this.dirty = true; // retried on the next tick of the interval
    });
  }

  /** Reads records from `offset`: batches of one segment, at most ~maxBytes (at least one batch). */
  async fetch(offset: bigint, maxBytes: number, maxRecords: number): Promise<PartitionFetch> {
    const highWatermark = this.highWatermark;
    this.checkOffset(offset, highWatermark);
    const records: LogRecord[] = [];
    if (offset === highWatermark) return { records, nextOffset: offset, highWatermark };
    const segment = this.segmentFor(offset);
    const limit = segment === this.active ? this.visibleBytes : segment.size;
    let base = segment.index.positionForOffset(Number(offset - segment.baseOffset));
    let buf = await this.readSegment(
      segment,
      base,
      Math.min(limit - base, maxBytes + this.options.indexIntervalBytes),
      offset,
    );
    let pos = 0;
    let taken = 0;
    let next = offset;
    while (pos < buf.length && records.length < maxRecords) {
      const header = readBatchHeader(buf, pos);
      if (!header || pos + header.totalBytes > buf.length) {
        if (taken > 0) break; // the byte limit is reached
        // The window cut the first wanted batch: read again from it, whole (progress is guaranteed).
        base += pos;
        const need = Math.max(header?.totalBytes ?? 0, maxBytes);
        buf = await this.readSegment(segment, base, Math.min(limit - base, need), offset);
        pos = 0;
        if (buf.length < BATCH_HEADER_BYTES) break; // nothing more below the watermark
        continue;
      }
      if (header.baseOffset + BigInt(header.lastOffsetDelta) < offset) {
        pos += header.totalBytes; // entirely before the requested offset
        continue;
      }
      if (taken > 0 && taken + header.totalBytes > maxBytes) break;
      this.verify(buf, pos, header, segment);
      decodeBatchRecords(buf, pos, header, records, offset, maxRecords - records.length);
      next = header.baseOffset + BigInt(header.lastOffsetDelta) + 1n;
      taken += header.totalBytes;
      pos += header.totalBytes;
    }
    if (records.length > 0) next = records[records.length - 1]!.offset + 1n;
    return { records, nextOffset: next, highWatermark };
  }

  private async readSegment(
    segment: Segment,
    position: number,
    length: number,
    offset: bigint,
  ): Promise<Buffer> {
    try {
      return await segment.read(position, length);
    } catch (err) {
      this.checkOffset(offset, this.highWatermark); // the segment was deleted by retention meanwhile
      throw err;
    }
  }

  private verify(buf: Buffer, pos: number, header: BatchHeader, segment: Segment): void {
    if (this.options.verifyOnRead && !verifyBatch(buf, pos, header)) {
      throw new StorageError(
        'CORRUPT_DATA',
        `Batch at offset ${header.baseOffset} in ${segment.file} fails its CRC check; the file was damaged after it was written.`,
      );
    }
  }

  /** The segment holding `offset` (which must be in range and below the high watermark). */
  private segmentFor(offset: bigint): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo]!;
  }

  private checkOffset(offset: bigint, highWatermark: bigint): void {
    checkOffset(this.options.topic, this.options.partition, offset, this.earliestOffset, highWatermark);
  }

  /** Resolves when a record at `offset` or later is visible, the wait times out, or `signal` aborts. */
  waitForData(offset: bigint, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (this.highWatermark > offset || maxWaitMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      signal?.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }

  /** The earliest offset whose timestamp is >= `timestamp`, or null. */
  async offsetForTimestamp(timestamp: number): Promise<bigint | null> {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      const limit = segment === this.active ? this.visibleBytes : segment.size;
      let pos = segment.index.positionForTimestamp(timestamp);
      while (pos < limit) {
        const buf = await segment.read(pos, Math.min(limit - pos, 1 << 20));
        let at = 0;
        for (
          let h = readBatchHeader(buf, at);
          h && at + h.totalBytes <= buf.length;
          h = readBatchHeader(buf, at)
        ) {
          if (h.maxTimestamp >= timestamp) {
            const records: LogRecord[] = [];
            this.verify(buf, at, h, segment);
            decodeBatchRecords(buf, at, h, records, h.baseOffset, h.recordCount);
            const hit = records.find((r) => r.timestamp >= timestamp);
            if (hit) return hit.offset;
          }
          at += h.totalBytes;
        }
        if (at === 0) break; // cannot happen with a sane segment; avoids spinning
        pos += at;
      }
    }
    return null;
  }

  /** Deletes whole segments past retention time or size. Returns how many were deleted. */
  async enforceRetention(now: number): Promise<number> {
    const { retentionMs, retentionBytes } = this.options.config;
    const expired = (s: Segment) =>
      retentionMs >= 0 && s.maxTimestamp >= 0 && s.maxTimestamp < now - retentionMs;
    // An expired active segment is sealed first so it can go too (the log then starts empty at its end).
    if (expired(this.active) && this.active.size > 0 && !this.commit.busy) this.roll(this.active.nextOffset);
    const doomed: Segment[] = [];
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const overSize = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!expired(oldest) && !overSize) break;
      doomed.push(this.segments.shift()!);
      total -= oldest.size;
    }
    for (const s of doomed) await s.remove();
    return doomed.length;
  }

  /** Drains queued appends, seals the active segment and closes every file. */
  async close(): Promise<void> {
    clearInterval(this.intervalTimer);
    await this.commit.drain();
    this.active.persist();
    for (const wake of this.waiters) wake();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  /** Drains and closes, then deletes the partition's files. */
  async destroy(): Promise<void> {
    await this.close();
    fs.rmSync(this.options.dir, { recursive: true, force: true });
  }
}
