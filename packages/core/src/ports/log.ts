/**
 * The Log port: topics split into partitions, each an append-only sequence of records addressed by
 * a `bigint` offset, plus durable committed offsets per consumer group.
 *
 * Adapters: `@tributary/log` (embedded segment files, `file:`), the in-memory log (`memory:`), and
 * later Kafka and NATS JetStream. Every adapter must pass `testLog(factory)` from
 * `@tributary/conformance`; a behaviour not pinned there is not promised.
 *
 * Offsets follow Kafka: the first record of a partition has offset 0; `latestOffset` is the
 * offset the *next* record will get (the high watermark), so an empty partition has earliest =
 * latest = 0. Retention moves `earliestOffset` forward; offsets are never reused.
 */

/** One header of a record. Header keys repeat freely, as in Kafka. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A record as given to {@link Log.append}. */
export interface LogRecordInput {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch; defaults to the time of the append. */
  readonly timestamp?: number;
}

/** A record as read back by {@link Log.fetch}. Byte arrays may be views into a shared buffer. */
export interface LogRecord {
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

/** When an acknowledged append is on stable storage. */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** Per-topic configuration (names follow Kafka's topic configs in camelCase). */
export interface TopicConfig {
  /** Number of partitions, 1..10000. */
  readonly partitions: number;
  /** Delete whole segments older than this; -1 keeps forever. Default 7 days. */
  readonly retentionMs: number;
  /** Delete oldest whole segments while a partition is larger than this; -1 = unbounded (default). */
  readonly retentionBytes: number;
  /** Roll to a new segment file past this size. Default 128 MiB. */
  readonly segmentBytes: number;
  /** Largest accepted record batch (one append's encoding). Default 1 MiB + overhead, as Kafka. */
  readonly maxMessageBytes: number;
  /** `always` (default): an append resolves after fsync, concurrent appends share one fsync. */
  readonly fsync: FsyncPolicy;
  /** With `fsync: 'interval'`: at most this long between fsyncs. Default 1000 ms. */
  readonly fsyncIntervalMs: number;
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  partitions: 1,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: 128 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024 + 12,
  fsync: 'always',
  fsyncIntervalMs: 1000,
};

export interface PartitionInfo {
  readonly partition: number;
  readonly earliestOffset: bigint;
  readonly latestOffset: bigint;
  /** Bytes the partition occupies in the adapter's storage. */
  readonly sizeBytes: number;
}

export interface TopicDescription {
  readonly name: string;
  readonly config: TopicConfig;
  readonly partitions: readonly PartitionInfo[];
}

export interface AppendResult {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record appended. */
  readonly baseOffset: bigint;
  /** Offset of the last record appended (`baseOffset + count - 1`). */
  readonly lastOffset: bigint;
}

export interface FetchOptions {
  /**
   * Soft byte limit of the response. As in Kafka, the first record batch at or after the offset is
   * returned even when it is larger, so a consumer always makes progress. Default 1 MiB.
   */
  readonly maxBytes?: number;
  /** Stop after this many records. Default unlimited (bounded by maxBytes). */
  readonly maxRecords?: number;
  /** When no record is available at the offset, wait up to this long for one. Default 0. */
  readonly maxWaitMs?: number;
  /** Aborts a waiting fetch early (resolves with no records). */
  readonly signal?: AbortSignal;
}

export interface FetchResult {
  /** Records with offset >= the requested offset, in offset order. */
  readonly records: readonly LogRecord[];
  /** The offset to fetch next. */
  readonly nextOffset: bigint;
  /** The partition's latest offset at fetch time (for lag). */
  readonly highWatermark: bigint;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the group will consume (Kafka semantics: last processed + 1). */
  readonly offset: bigint;
  readonly metadata?: string;
}

/**
 * The log contract. All methods reject with `TributaryError`s:
 * `INVALID_TOPIC_NAME`, `UNKNOWN_TOPIC`, `TOPIC_EXISTS`, `PARTITION_OUT_OF_RANGE`,
 * `OFFSET_OUT_OF_RANGE`, `RECORD_TOO_LARGE`, `INVALID_ARGUMENT`, `CLOSED`.
 * A rejected append writes nothing.
 */
export interface Log {
  /** Creates a topic. Rejects with `TOPIC_EXISTS` when it exists. */
  createTopic(name: string, config?: Partial<TopicConfig>): Promise<TopicDescription>;
  /** Deletes a topic and its data. Rejects with `UNKNOWN_TOPIC`. */
  deleteTopic(name: string): Promise<void>;
  listTopics(): Promise<readonly TopicDescription[]>;
  /** Rejects with `UNKNOWN_TOPIC`. */
  describeTopic(name: string): Promise<TopicDescription>;

  /**
   * Appends records to one partition as one batch, atomically: all or none. Resolves when the
   * records are durable per the topic's fsync policy; offsets are consecutive.
   */
  append(topic: string, partition: number, records: readonly LogRecordInput[]): Promise<AppendResult>;

  /**
   * Reads records from `offset`. An offset below the earliest or above the latest offset rejects
   * with `OFFSET_OUT_OF_RANGE`; the latest offset itself returns no records (or waits `maxWaitMs`).
   * Only durable records are returned.
   */
  fetch(topic: string, partition: number, offset: bigint, options?: FetchOptions): Promise<FetchResult>;

  earliestOffset(topic: string, partition: number): Promise<bigint>;
  latestOffset(topic: string, partition: number): Promise<bigint>;
  /**
   * The earliest offset whose record timestamp is >= `timestamp`, or `null` when there is none
   * (Kafka's ListOffsets by time).
   */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null>;

  /** Durably stores a group's committed offsets (atomically, all or none). */
  commitOffsets(group: string, offsets: readonly CommittedOffset[]): Promise<void>;
  /** A group's committed offsets, optionally for one topic. */
  fetchOffsets(group: string, topic?: string): Promise<readonly CommittedOffset[]>;
  /** Names of groups that have committed offsets. */
  listGroups(): Promise<readonly string[]>;
  /** Forgets a group's committed offsets. */
  deleteGroup(group: string): Promise<void>;

  /** Flushes and releases resources; later calls reject with `CLOSED`. Idempotent. */
  close(): Promise<void>;
}

/** Builds a Log from a connection string's remainder (e.g. the path of `file:./data`). */
export type LogFactory = (location: string, options?: Record<string, unknown>) => Promise<Log>;
