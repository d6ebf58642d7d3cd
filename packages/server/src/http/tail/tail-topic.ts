/**
 * Follows every partition of a topic from the earliest or latest offset and hands matching
 * records to `send`, one at a time per partition. Reading waits for `send`: the log is the
 * buffer, and a stream holds at most one fetch (`maxBytesPerFetch`) per partition in memory.
 */
import { eventTypeOf, isTributaryError, type Log, type LogRecord } from '@tributary/core';
import { type EventItem, recordItem } from '../event-json.js';
import { recordTenant } from '../tenancy.js';

/** Which records a tail delivers; every given field must match. */
export interface TailFilter {
  readonly types?: ReadonlySet<string>;
  readonly key?: string;
  readonly tenant?: string;
}

export interface TailOptions {
  readonly log: Log;
  readonly topic: string;
  readonly from: 'earliest' | 'latest';
  readonly filter: TailFilter;
  readonly maxBytesPerFetch: number;
  /** Ends the tail. */
  readonly signal: AbortSignal;
  /** Delivers one matching record; the partition reads on once it resolves. */
  readonly send: (item: EventItem) => Promise<void>;
  /** Called once every partition's start offset is known. */
  readonly onReady: (start: readonly { partition: number; offset: bigint }[]) => Promise<void>;
}

const decoder = new TextDecoder();
/** How long one fetch waits at the end of a partition before asking again. */
const FETCH_WAIT_MS = 1000;

/** Runs the tail until `signal` aborts or the topic is deleted. */
export async function tailTopic(options: TailOptions): Promise<void> {
  const { log, topic } = options;
  const description = await log.describeTopic(topic);
  const start = await Promise.all(
    description.partitions.map(async ({ partition }) => ({
      partition,
      offset:
        options.from === 'earliest'
          ? await log.earliestOffset(topic, partition)
          : await log.latestOffset(topic, partition),
    })),
  );
  await options.onReady(start);
  await Promise.all(start.map(({ partition, offset }) => followPartition(options, partition, offset)));
}

async function followPartition(options: TailOptions, partition: number, from: bigint): Promise<void> {
  const { log, topic, signal } = options;
  let offset = from;
  while (!signal.aborted) {
    let records: readonly LogRecord[];
    try {
      const result = await log.fetch(topic, partition, offset, {
        maxWaitMs: FETCH_WAIT_MS,
        maxBytes: options.maxBytesPerFetch,
        signal,
      });
      records = result.records;
      offset = result.nextOffset;
    } catch (err) {
      if (signal.aborted || isTributaryError(err, 'CLOSED') || isTributaryError(err, 'UNKNOWN_TOPIC')) return;
      if (!isTributaryError(err, 'OFFSET_OUT_OF_RANGE')) throw err;
      offset = await log.earliestOffset(topic, partition); // retention removed what we were at
      continue;
    }
    for (const record of records) {
      if (signal.aborted) return;
      if (matches(record, options.filter)) await options.send(recordItem(topic, partition, record));
    }
  }
}

function matches(record: LogRecord, filter: TailFilter): boolean {
  if (filter.types !== undefined) {
    const type = eventTypeOf(record);
    if (type === undefined || !filter.types.has(type)) return false;
  }
  if (filter.key !== undefined && (record.key === null || decoder.decode(record.key) !== filter.key))
    return false;
  if (filter.tenant !== undefined && recordTenant(record.headers) !== filter.tenant) return false;
  return true;
}
