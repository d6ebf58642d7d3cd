import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, isTributaryError, LogError, ValidationError } from '../errors/errors.js';
import type { AppendResult, Log, LogRecordInput } from '../ports/log.js';
import { definitionOf, partitionForKey, toLogRecord } from './events-api.js';
import type { TopicMetadata } from './topic-metadata.js';
import { unknownTopic } from './topic-metadata.js';
import type { BatchEntry, PublishBatchOptions, PublishOptions, PublishResult } from './types.js';

interface Prepared {
  readonly topic: string;
  readonly record: LogRecordInput;
}

/**
 * Publishes events to the log. Every event is checked and encoded before anything is written, so a
 * bad event never leaves a partial write behind.
 *
 * Partitioning: an explicit partition wins; else a keyed event goes to Kafka's murmur2 partition of
 * its key; else keyless events are spread: each `publish` takes the next partition of its topic in
 * turn, and all keyless events of one `publishBatch` go together to one partition (Kafka's sticky
 * partitioning, applied per batch), so they cost one append.
 */
export class Producer {
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly log: Log,
    private readonly topics: TopicMetadata,
  ) {}

  async publish(event: CloudEvent, options: PublishOptions = {}): Promise<PublishResult> {
    checkOptions(options);
    const { topic, record } = prepare(event, options.topic, options.key);
    const count = await this.topics.partitionCount(topic);
    const partition =
      options.partition !== undefined
        ? checkPartition(topic, count, options.partition)
        : record.key !== null
          ? partitionForKey(record.key, count)
          : this.nextKeyless(topic, count);
    const result = await this.append(topic, partition, [record]);
    return { topic, partition, offset: result.baseOffset };
  }

  /**
   * Publishes many events with one append per partition (input order kept within a partition) and
   * returns their positions in input order. Each partition's append is atomic; if an append fails
   * (e.g. `RECORD_TOO_LARGE`) appends to other partitions may already have succeeded.
   */
  async publishBatch(
    entries: readonly BatchEntry[],
    options: PublishBatchOptions = {},
  ): Promise<PublishResult[]> {
    if (!Array.isArray(entries)) throw invalidArgument('publishBatch expects an array of events.');
    if (options.topic !== undefined && typeof options.topic !== 'string') {
      throw invalidArgument(`publishBatch option topic must be a string; got ${typeof options.topic}.`);
    }
    const prepared = entries.map((entry: BatchEntry, i) => prepareEntry(entry, i, options.topic));
    const counts = new Map<string, number>();
    for (const topic of new Set(prepared.map((p) => p.topic))) {
      counts.set(topic, await this.topics.partitionCount(topic));
    }
    const sticky = new Map<string, number>();
    const groups = new Map<string, { topic: string; partition: number; indexes: number[] }>();
    const slots = prepared.map(({ topic, record }, i) => {
      const count = counts.get(topic) ?? 1;
      let partition: number;
      if (record.key !== null) partition = partitionForKey(record.key, count);
      else {
        partition = sticky.get(topic) ?? this.nextKeyless(topic, count);
        sticky.set(topic, partition);
      }
      const id = `${topic}\u0000${partition}`;
      let group = groups.get(id);
      if (group === undefined) {
        group = { topic, partition, indexes: [] };
        groups.set(id, group);
      }
      group.indexes.push(i);
      return { group, position: group.indexes.length - 1 };
    });
    const appended = new Map<object, AppendResult>();
    const settled = await Promise.allSettled(
      [...groups.values()].map(async (group) => {
        const records = group.indexes.map((i) => (prepared[i] as Prepared).record);
        appended.set(group, await this.append(group.topic, group.partition, records));
      }),
    );
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    return slots.map(({ group, position }) => ({
      topic: group.topic,
      partition: group.partition,
      offset: (appended.get(group) as AppendResult).baseOffset + BigInt(position),
    }));
  }

  private nextKeyless(topic: string, count: number): number {
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, (next + 1) % count);
    return next % count;
  }

  private async append(
    topic: string,
    partition: number,
    records: readonly LogRecordInput[],
  ): Promise<AppendResult> {
    try {
      return await this.log.append(topic, partition, records);
    } catch (err) {
      // Deleted or recreated under us: forget the cached partition count.
      if (isTributaryError(err, 'UNKNOWN_TOPIC')) {
        this.topics.invalidate(topic);
        throw unknownTopic(topic, err);
      }
      if (isTributaryError(err, 'PARTITION_OUT_OF_RANGE')) this.topics.invalidate(topic);
      throw err;
    }
  }
}

function checkOptions(options: PublishOptions): void {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('publish options must be an object.');
  for (const name of ['topic', 'key'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') {
      throw invalidArgument(`publish option ${name} must be a string; got ${typeof value}.`);
    }
  }
  const partition = options.partition;
  if (partition !== undefined && (typeof partition !== 'number' || !Number.isInteger(partition))) {
    throw invalidArgument(`publish option partition must be an integer; got ${String(partition)}.`);
  }
}

function checkPartition(topic: string, count: number, partition: number): number {
  if (partition < 0 || partition >= count) {
    throw new LogError(
      'PARTITION_OUT_OF_RANGE',
      `Partition ${partition} does not exist in topic "${topic}": it has ${count} partition(s), numbered 0 to ${count - 1}.`,
    );
  }
  return partition;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Checks and encodes one event: throws (writing nothing) on a non-envelope or failed schema check. */
function prepare(event: CloudEvent, topic: string | undefined, key: string | undefined): Prepared {
  if (!isObject(event) || Array.isArray(event)) {
    throw new ValidationError(
      'INVALID_ENVELOPE',
      `publish expects a CloudEvent (create one from an event definition); got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}.`,
    );
  }
  const target = topic ?? definitionOf(event)?.topic;
  if (target === undefined) {
    throw invalidArgument(
      `No topic for event ${JSON.stringify(event.type)}: pass { topic } to publish, or define the event with a topic (defineEvent(type, { topic, ... })).`,
    );
  }
  return { topic: target, record: toLogRecord(event, key ?? event.partitionkey) };
}

function prepareEntry(entry: BatchEntry, index: number, topic: string | undefined): Prepared {
  try {
    if (isObject(entry) && 'event' in entry && !('specversion' in entry)) {
      if (entry.key !== undefined && typeof entry.key !== 'string') {
        throw invalidArgument(`key must be a string; got ${typeof entry.key}.`);
      }
      return prepare(entry.event, topic, entry.key);
    }
    return prepare(entry as CloudEvent, topic, undefined);
  } catch (err) {
    // Name the failing entry; keep the code and field issues.
    if (err instanceof ValidationError) {
      throw new ValidationError(
        err.code as ValidationCode,
        `Event ${index} of the batch: ${err.message}`,
        err.issues,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

type ValidationCode = ConstructorParameters<typeof ValidationError>[0];
