import type { BatchContext, LogRecord } from '@tributary/core';
import { type EventItem, recordItem } from '../event-json.js';

/**
 * Records of one partition fetched for an HTTP member but not yet handed to its client. Records
 * the client may not see (another tenant's) are skipped but still move `nextOffset`, so the client
 * can commit past them.
 */
export class PartitionBuffer {
  private items: EventItem[] = [];
  /** Offset after the last record accepted (shown or skipped). */
  private end: bigint | undefined;
  /** Offset after the last record handed out, or after skipped records once nothing is left. */
  private handedOut: bigint | undefined;
  /** Commits an offset for this partition under the member's current grant of it. */
  commit: BatchContext['commit'] | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /**
   * True when `records` restart below what the buffer holds: the partition was revoked and granted
   * again, and its new fetcher starts over from the committed offset.
   */
  restartsWith(records: readonly LogRecord[]): boolean {
    const first = records[0];
    return first !== undefined && this.end !== undefined && first.offset < this.end;
  }

  /** Adds a fetched batch, keeping only records `visible` says the client may see. */
  accept(records: readonly LogRecord[], visible: (record: LogRecord) => boolean): void {
    for (const record of records) {
      if (visible(record)) this.items.push(recordItem(this.topic, this.partition, record));
      this.end = record.offset + 1n;
    }
    if (this.items.length === 0) this.handedOut = this.end;
  }

  /** Takes up to `max` items, oldest first. */
  take(max: number): EventItem[] {
    const taken = this.items.splice(0, max);
    const last = taken[taken.length - 1];
    if (this.items.length === 0) this.handedOut = this.end;
    else if (last !== undefined) this.handedOut = last.offset + 1n;
    return taken;
  }

  /** The offset to commit to acknowledge everything handed out so far (undefined: nothing yet). */
  get nextOffset(): bigint | undefined {
    return this.handedOut;
  }
}
