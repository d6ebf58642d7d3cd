import { LogError } from '../errors/errors.js';
import type {
  AppendResult,
  CommittedOffset,
  FetchOptions,
  FetchResult,
  Log,
  LogRecord,
  LogRecordInput,
  TopicConfig,
  TopicDescription,
} from '../ports/log.js';
import {
  checkAppendRecords,
  checkCommittedOffset,
  checkFetchOptions,
  checkOffset,
  checkPartition,
} from '../ports/log-checks.js';
import { describeTopic } from '../topics/describe-topic.js';
import { resolveTopicConfig, validateGroupName, validateTopicName } from '../topics/topic-config.js';
import { MemoryGroupOffsets } from './memory-offsets.js';
import { MemoryPartition } from './memory-partition.js';
import { estimateBatchBytes } from './record-size.js';

/**
 * The Log port held in memory: for tests and for `memory:` connection strings. It behaves like the
 * embedded file log (same validation, same size accounting via `estimateBatchBytes`, segment-wise
 * retention, long-poll fetch) but nothing survives the process.
 *
 * Appended byte arrays are copied, so callers may reuse their buffers. Fetched records are frozen
 * objects whose byte arrays are shared with the log: do not mutate them.
 */
export interface MemoryLog extends Log {
  /**
   * Applies every topic's `retentionMs` and `retentionBytes` now, dropping the oldest whole
   * segments (a segment rolls past `segmentBytes`). `now` defaults to `Date.now()`.
   */
  enforceRetention(now?: number): void;
}

export interface MemoryLogOptions {
  /** Apply retention to a partition after each append to it (default false: only on `enforceRetention`). */
  readonly enforceRetentionOnAppend?: boolean;
}

interface MemoryTopic {
  readonly name: string;
  readonly config: TopicConfig;
  readonly partitions: readonly MemoryPartition[];
}

const DEFAULT_MAX_FETCH_BYTES = 1024 * 1024;

/** Creates an empty in-memory log. */
export function createMemoryLog(options: MemoryLogOptions = {}): MemoryLog {
  return new InMemoryLog(options.enforceRetentionOnAppend ?? false);
}

const copy = (bytes: Uint8Array | null): Uint8Array | null => (bytes === null ? null : bytes.slice());

class InMemoryLog implements MemoryLog {
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly offsets = new MemoryGroupOffsets();
  private closed = false;

  constructor(private readonly retentionOnAppend: boolean) {}

  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<TopicDescription> {
    this.assertOpen('createTopic');
    validateTopicName(name);
    const resolved = resolveTopicConfig(config);
    if (this.topics.has(name)) throw new LogError('TOPIC_EXISTS', `Topic "${name}" already exists.`);
    const partitions = Array.from({ length: resolved.partitions }, () => new MemoryPartition(resolved));
    const topic: MemoryTopic = { name, config: resolved, partitions };
    this.topics.set(name, topic);
    return describe(topic);
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.topic(name, 'deleteTopic');
    this.topics.delete(name);
    this.offsets.forgetTopic(name);
    for (const partition of topic.partitions) partition.wake();
  }

  async listTopics(): Promise<readonly TopicDescription[]> {
    this.assertOpen('listTopics');
    return [...this.topics.values()].map(describe).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return describe(this.topic(name, 'describeTopic'));
  }

  async append(
    topicName: string,
    partition: number,
    records: readonly LogRecordInput[],
  ): Promise<AppendResult> {
    const topic = this.topic(topicName, 'append');
    const target = this.partition(topic, partition);
    checkAppendRecords(topicName, partition, records);
    const batchBytes = estimateBatchBytes(records);
    if (batchBytes > topic.config.maxMessageBytes) {
      throw new LogError(
        'RECORD_TOO_LARGE',
        `An append of ${batchBytes} bytes to topic "${topicName}" partition ${partition} exceeds the topic's maxMessageBytes=${topic.config.maxMessageBytes}; split the batch or raise maxMessageBytes.`,
      );
    }
    const now = Date.now();
    const stored = records.map((r) => ({
      timestamp: r.timestamp ?? now,
      key: copy(r.key),
      value: copy(r.value),
      headers: Object.freeze(
        (r.headers ?? []).map((h) => Object.freeze({ key: h.key, value: copy(h.value) })),
      ),
    }));
    const baseOffset = target.append(stored, batchBytes);
    if (this.retentionOnAppend) target.enforceRetention(now);
    return { topic: topicName, partition, baseOffset, lastOffset: baseOffset + BigInt(records.length - 1) };
  }

  async fetch(
    topicName: string,
    partition: number,
    offset: bigint,
    options: FetchOptions = {},
  ): Promise<FetchResult> {
    const topic = this.topic(topicName, 'fetch');
    const source = this.partition(topic, partition);
    checkFetchOptions(options);
    checkOffset(topicName, partition, offset, source.earliestOffset, source.latestOffset);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (offset === source.latestOffset && maxWaitMs > 0 && options.signal?.aborted !== true) {
      await source.waitForAppend(maxWaitMs, options.signal);
      // Closed, deleted or recreated while waiting: end the wait with nothing.
      if (this.closed || this.topics.get(topicName) !== topic) {
        return { records: [], nextOffset: offset, highWatermark: source.latestOffset };
      }
      checkOffset(topicName, partition, offset, source.earliestOffset, source.latestOffset);
    }
    const records = source.read(
      offset,
      options.maxBytes ?? DEFAULT_MAX_FETCH_BYTES,
      options.maxRecords ?? Number.POSITIVE_INFINITY,
    );
    const last: LogRecord | undefined = records.at(-1);
    return {
      records,
      nextOffset: last === undefined ? offset : last.offset + 1n,
      highWatermark: source.latestOffset,
    };
  }

  async earliestOffset(topic: string, partition: number): Promise<bigint> {
    return this.partition(this.topic(topic, 'earliestOffset'), partition).earliestOffset;
  }

  async latestOffset(topic: string, partition: number): Promise<bigint> {
    return this.partition(this.topic(topic, 'latestOffset'), partition).latestOffset;
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null> {
    return this.partition(this.topic(topic, 'offsetForTimestamp'), partition).offsetForTimestamp(timestamp);
  }

  async commitOffsets(group: string, offsets: readonly CommittedOffset[]): Promise<void> {
    this.assertOpen('commitOffsets');
    validateGroupName(group);
    // Validate every entry before storing any: a commit is all or none.
    for (const entry of offsets) {
      this.partition(this.topic(entry.topic, 'commitOffsets'), entry.partition);
      checkCommittedOffset(group, entry);
    }
    this.offsets.commit(group, offsets);
  }

  async fetchOffsets(group: string, topic?: string): Promise<readonly CommittedOffset[]> {
    this.assertOpen('fetchOffsets');
    validateGroupName(group);
    return this.offsets.fetch(group, topic);
  }

  async listGroups(): Promise<readonly string[]> {
    this.assertOpen('listGroups');
    return this.offsets.names();
  }

  async deleteGroup(group: string): Promise<void> {
    this.assertOpen('deleteGroup');
    validateGroupName(group);
    this.offsets.delete(group);
  }

  enforceRetention(now: number = Date.now()): void {
    this.assertOpen('enforceRetention');
    for (const topic of this.topics.values())
      for (const partition of topic.partitions) partition.enforceRetention(now);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.wake();
  }

  private assertOpen(operation: string): void {
    if (this.closed)
      throw new LogError('CLOSED', `The log is closed: ${operation} cannot run. Open a new log.`);
  }

  private topic(name: string, operation: string): MemoryTopic {
    this.assertOpen(operation);
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new LogError(
        'UNKNOWN_TOPIC',
        `Unknown topic ${JSON.stringify(name)} in ${operation}; create it first.`,
      );
    }
    return topic;
  }

  private partition(topic: MemoryTopic, partition: number): MemoryPartition {
    checkPartition(topic.name, topic.partitions.length, partition);
    const found = topic.partitions[partition];
    if (found === undefined)
      throw new Error(`unreachable: partition ${partition} of "${topic.name}" missing`);
    return found;
  }
}

function describe(topic: MemoryTopic): TopicDescription {
  return describeTopic(topic.name, topic.config, topic.partitions);
}
