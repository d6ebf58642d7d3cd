import type { LogRecord, TopicConfig } from '../ports/log.js';
import { estimateRecordBytes } from './record-size.js';

/** A run of consecutive records, dropped as a whole by retention (like a segment file). */
interface Segment {
  readonly baseOffset: bigint;
  readonly records: LogRecord[];
  bytes: number;
  maxTimestamp: number;
}

/** One partition of the in-memory log: segments of records, retention, and long-poll waiters. */
export class MemoryPartition {
  private segments: Segment[] = [];
  private earliest = 0n;
  private next = 0n;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly config: TopicConfig) {}

  get earliestOffset(): bigint {
    return this.earliest;
  }

  get latestOffset(): bigint {
    return this.next;
  }

  get sizeBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.bytes, 0);
  }

  /** Appends one batch (already validated and copied); returns its base offset and wakes waiters. */
  append(records: readonly Omit<LogRecord, 'offset'>[], batchBytes: number): bigint {
    let active = this.segments.at(-1);
    if (
      active === undefined ||
      (active.records.length > 0 && active.bytes + batchBytes > this.config.segmentBytes)
    ) {
      active = { baseOffset: this.next, records: [], bytes: 0, maxTimestamp: -1 };
      this.segments.push(active);
    }
    const base = this.next;
    for (const record of records) {
      active.records.push(Object.freeze({ ...record, offset: this.next }));
      active.maxTimestamp = Math.max(active.maxTimestamp, record.timestamp);
      this.next += 1n;
    }
    active.bytes += batchBytes;
    this.wake();
    return base;
  }

  /** Records from `offset` on, at least one if any, then up to `maxBytes` and `maxRecords`. */
  read(offset: bigint, maxBytes: number, maxRecords: number): LogRecord[] {
    const out: LogRecord[] = [];
    let bytes = 0;
    for (let s = this.segmentIndexOf(offset); s < this.segments.length; s++) {
      const segment = this.segments[s];
      if (segment === undefined) break;
      const start = offset > segment.baseOffset ? Number(offset - segment.baseOffset) : 0;
      for (let i = start; i < segment.records.length; i++) {
        const record = segment.records[i];
        if (record === undefined || out.length >= maxRecords) return out;
        const size = estimateRecordBytes(record);
        if (out.length > 0 && bytes + size > maxBytes) return out;
        out.push(record);
        bytes += size;
      }
    }
    return out;
  }

  /** The first offset whose timestamp is >= `timestamp`, or null. */
  offsetForTimestamp(timestamp: number): bigint | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      const found = segment.records.find((record) => record.timestamp >= timestamp);
      if (found !== undefined) return found.offset;
    }
    return null;
  }

  /**
   * Drops the oldest whole segments: any whose newest record is older than `retentionMs` (the
   * active one too, as Kafka rolls and deletes it), then, while the partition is larger than
   * `retentionBytes`, the oldest non-active ones.
   */
  enforceRetention(now: number): void {
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) {
      while (this.segments[0] !== undefined && this.segments[0].maxTimestamp < now - retentionMs)
        this.dropOldest();
    }
    if (retentionBytes >= 0) {
      while (this.segments.length > 1 && this.sizeBytes > retentionBytes) this.dropOldest();
    }
  }

  /** Resolves on the next append, after `maxWaitMs`, on abort, or on {@link wake}. */
  waitForAppend(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Ends every pending wait (on append, topic deletion and close). */
  wake(): void {
    for (const done of [...this.waiters]) done();
  }

  private dropOldest(): void {
    const dropped = this.segments.shift();
    if (dropped !== undefined) this.earliest = dropped.baseOffset + BigInt(dropped.records.length);
  }

  /** Index of the segment holding `offset` (binary search; segments are in offset order). */
  private segmentIndexOf(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const segment = this.segments[mid];
      if (segment !== undefined && segment.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
