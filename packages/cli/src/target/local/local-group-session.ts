import { isTributaryError, type Log } from '@tributary/core';
import type { ConsumedRecord, GroupSession, GroupStart, ReadOptions } from '../types.js';
import { toConsumedRecord } from './records.js';

interface PartitionPosition {
  readonly partition: number;
  offset: bigint;
  end: bigint;
}

/**
 * `trib consume -g` on a data directory. This process holds the directory alone, so it is the
 * group's only member: it reads every partition of the topic from the group's committed offsets
 * (or `start` where there is none) and commits what it printed.
 */
export class LocalGroupSession implements GroupSession {
  private next = 0;

  private constructor(
    private readonly log: Log,
    private readonly group: string,
    private readonly topic: string,
    private readonly positions: PartitionPosition[],
  ) {}

  static async join(log: Log, group: string, topic: string, start: GroupStart): Promise<LocalGroupSession> {
    const description = await log.describeTopic(topic);
    const committed = new Map((await log.fetchOffsets(group, topic)).map((c) => [c.partition, c.offset]));
    const positions: PartitionPosition[] = [];
    for (const p of description.partitions) {
      let offset = committed.get(p.partition);
      if (offset === undefined) {
        if (start === 'earliest') offset = p.earliestOffset;
        else if (start === 'latest') offset = p.latestOffset;
        else offset = (await log.offsetForTimestamp(topic, p.partition, start.timestamp)) ?? p.latestOffset;
      }
      positions.push({ partition: p.partition, offset, end: p.latestOffset });
    }
    return new LocalGroupSession(log, group, topic, positions);
  }

  async fetch(options: ReadOptions): Promise<{ records: readonly ConsumedRecord[]; caughtUp: boolean }> {
    const records: ConsumedRecord[] = [];
    // Start at a different partition each time so a busy partition does not starve the others.
    for (let i = 0; i < this.positions.length && records.length < options.maxRecords; i++) {
      const position = this.positions[(this.next + i) % this.positions.length] as PartitionPosition;
      records.push(...(await this.readFrom(position, options.maxRecords - records.length, 0)));
    }
    this.next = (this.next + 1) % Math.max(1, this.positions.length);
    if (records.length === 0 && options.waitMs > 0 && options.signal?.aborted !== true) {
      records.push(...(await this.waitForAny(options)));
    }
    return { records, caughtUp: this.positions.every((p) => p.offset >= p.end) };
  }

  /** Long-polls every partition at once; the first to get records ends the others' waits. */
  private async waitForAny(options: ReadOptions): Promise<ConsumedRecord[]> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const pages = await Promise.all(
        this.positions.map(async (position) => {
          const got = await this.readFrom(position, options.maxRecords, options.waitMs, stop.signal);
          if (got.length > 0) stop.abort();
          return got;
        }),
      );
      return pages.flat();
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async readFrom(
    position: PartitionPosition,
    maxRecords: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ConsumedRecord[]> {
    let page: Awaited<ReturnType<Log['fetch']>>;
    try {
      page = await this.log.fetch(this.topic, position.partition, position.offset, {
        maxRecords,
        maxWaitMs: waitMs,
        ...(signal !== undefined && { signal }),
      });
    } catch (err) {
      if (!isTributaryError(err, 'OFFSET_OUT_OF_RANGE')) throw err;
      // The committed offset fell out of retention: continue from the oldest retained record.
      position.offset = await this.log.earliestOffset(this.topic, position.partition);
      return [];
    }
    position.offset = page.nextOffset;
    position.end = page.highWatermark;
    return page.records.map((r) => toConsumedRecord(this.topic, position.partition, r));
  }

  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    if (offsets.length > 0) await this.log.commitOffsets(this.group, offsets);
  }

  async close(): Promise<void> {
    // Nothing held: commits are made as records are printed.
  }
}
