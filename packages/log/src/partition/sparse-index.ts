/**
 * The sparse indexes of one segment, kept in memory and saved as `.index` / `.timeindex` files when
 * the segment is rolled or the log is closed cleanly.
 *
 * Offset index entries (8 bytes: relative offset u32, file position u32) point at batch starts, one
 * every `intervalBytes` of log data, like Kafka's `.index`. Time index entries (12 bytes: max
 * timestamp so far i64, relative offset u32) go with each offset-index entry. The active segment's
 * indexes are rebuilt from its data after an unclean stop, so they never cost an fsync per append.
 */
export const OFFSET_ENTRY_BYTES = 8;
export const TIME_ENTRY_BYTES = 12;

export class SparseIndex {
  private relOffsets: Uint32Array;
  private positions: Uint32Array;
  private timestamps: Float64Array;
  private count = 0;
  /** Bytes appended to the log since the last entry; an entry is due past the interval. */
  private bytesSinceEntry = Number.POSITIVE_INFINITY;
  /** Max timestamp of every batch indexed so far (the time index is monotonic, as Kafka's). */
  maxTimestamp = -1;

  constructor(readonly intervalBytes: number) {
    this.relOffsets = new Uint32Array(64);
    this.positions = new Uint32Array(64);
    this.timestamps = new Float64Array(64);
  }

  get entries(): number {
    return this.count;
  }

  /** Records that a batch starting at `position` with first relative offset `relOffset` was appended. */
  onBatch(relOffset: number, position: number, batchBytes: number, batchMaxTimestamp: number): void {
    if (batchMaxTimestamp > this.maxTimestamp) this.maxTimestamp = batchMaxTimestamp;
    const due = this.bytesSinceEntry >= this.intervalBytes;
    this.bytesSinceEntry = due ? batchBytes : this.bytesSinceEntry + batchBytes;
    if (due) this.push(relOffset, position, this.maxTimestamp);
  }

  private push(relOffset: number, position: number, maxTimestamp: number): void {
    if (this.count === this.relOffsets.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.relOffsets = grow(this.relOffsets, (n) => new Uint32Array(n));
      this.positions = grow(this.positions, (n) => new Uint32Array(n));
      this.timestamps = grow(this.timestamps, (n) => new Float64Array(n));
    }
    this.relOffsets[this.count] = relOffset;
    this.positions[this.count] = position;
    this.timestamps[this.count] = maxTimestamp;
    this.count++;
  }

  /** The newest entry, if any. */
  lastEntry(): { relOffset: number; position: number } | undefined {
    if (this.count === 0) return undefined;
    return { relOffset: this.relOffsets[this.count - 1]!, position: this.positions[this.count - 1]! };
  }

  /** File position of the last indexed batch whose first offset is <= relOffset (0 when none). */
  positionForOffset(relOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relOffsets[mid]! <= relOffset) {
        found = this.positions[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * File position from which to scan for the first record with timestamp >= `timestamp`: the last
   * entry whose max-timestamp-so-far is still below it (every batch before it is older).
   */
  positionForTimestamp(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! < timestamp) {
        found = this.positions[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Serializes both indexes (for a clean close or a segment roll). */
  toFiles(): { offsetIndex: Buffer; timeIndex: Buffer } {
    const offsetIndex = Buffer.allocUnsafe(this.count * OFFSET_ENTRY_BYTES);
    const timeIndex = Buffer.allocUnsafe(this.count * TIME_ENTRY_BYTES);
    for (let i = 0; i < this.count; i++) {
      offsetIndex.writeUInt32BE(this.relOffsets[i]!, i * OFFSET_ENTRY_BYTES);
      offsetIndex.writeUInt32BE(this.positions[i]!, i * OFFSET_ENTRY_BYTES + 4);
      timeIndex.writeBigInt64BE(BigInt(this.timestamps[i]!), i * TIME_ENTRY_BYTES);
      timeIndex.writeUInt32BE(this.relOffsets[i]!, i * TIME_ENTRY_BYTES + 8);
    }
    return { offsetIndex, timeIndex };
  }

  /**
   * Loads indexes written by {@link toFiles}; returns null when they are inconsistent (sizes, order,
   * positions past `segmentBytes`), so the caller rebuilds them from the log instead.
   */
  static fromFiles(
    intervalBytes: number,
    offsetIndex: Buffer,
    timeIndex: Buffer,
    segmentBytes: number,
  ): SparseIndex | null {
    const n = offsetIndex.length / OFFSET_ENTRY_BYTES;
    if (!Number.isInteger(n) || timeIndex.length !== n * TIME_ENTRY_BYTES) return null;
    const index = new SparseIndex(intervalBytes);
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < n; i++) {
      const rel = offsetIndex.readUInt32BE(i * OFFSET_ENTRY_BYTES);
      const pos = offsetIndex.readUInt32BE(i * OFFSET_ENTRY_BYTES + 4);
      const ts = Number(timeIndex.readBigInt64BE(i * TIME_ENTRY_BYTES));
      if (rel <= prevRel || pos <= prevPos || pos >= segmentBytes || ts < index.maxTimestamp) return null;
      if (timeIndex.readUInt32BE(i * TIME_ENTRY_BYTES + 8) !== rel) return null;
      index.push(rel, pos, ts);
      index.maxTimestamp = ts;
      prevRel = rel;
      prevPos = pos;
    }
    // The tail after the last entry may hold newer batches; the caller accounts for them by scanning.
    index.bytesSinceEntry = 0;
    return index;
  }
}
