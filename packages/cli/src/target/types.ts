import type { TopicConfig, TopicDescription } from '@tributary/core';

/**
 * What a command works on: a running server (`--url`) or a data directory opened in this process
 * (`--data`). Both give the same answers; offsets are bigints, events structured CloudEvents.
 */
export interface Target {
  /** Where the target is, for messages: the server URL or the data directory. */
  readonly where: string;

  listTopics(): Promise<readonly TopicDescription[]>;
  createTopic(name: string, config: Partial<TopicConfig>): Promise<TopicDescription>;
  describeTopic(name: string): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;

  /** Appends events (structured CloudEvents) in order; `key` overrides each event's `partitionkey`. */
  produce(topic: string, events: readonly StructuredEvent[], options: ProduceOptions): Promise<Position[]>;
  /** Reads records of one partition from `offset`. */
  read(topic: string, partition: number, offset: bigint, options: ReadOptions): Promise<Page>;
  /** The first offset whose record time is >= `timestamp`, or null when none is that recent. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null>;

  listGroups(): Promise<readonly string[]>;
  /** Rejects with exit code 3 when the group is unknown. */
  describeGroup(group: string): Promise<GroupDescription>;
  resetOffsets(group: string, request: ResetRequest): Promise<ResetResult>;
  /** Joins `group` as a member consuming `topic`; partitions without a committed offset start at `start`. */
  joinGroup(group: string, topic: string, start: GroupStart): Promise<GroupSession>;

  listDeadLetters(group: string, filter: DeadLetterQuery): Promise<readonly DeadLetterView[]>;
  showDeadLetter(group: string, at: DeadLetterPosition): Promise<DeadLetterView>;
  redrive(group: string, filter: DeadLetterQuery): Promise<number>;
  discard(group: string, filter: DeadLetterQuery): Promise<number>;

  /** Releases the target (closes the data directory). Idempotent. */
  close(): Promise<void>;
}

/** An event in the CloudEvents JSON format (`application/cloudevents+json`), as a parsed object. */
export type StructuredEvent = Readonly<Record<string, unknown>>;

export interface ProduceOptions {
  readonly key?: string;
}

export interface Position {
  readonly partition: number;
  readonly offset: bigint;
}

export interface ReadOptions {
  readonly maxRecords: number;
  /** Wait up to this long for a record when none is available. */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
}

/** One record as read back. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  /** Record time, ms since the epoch. */
  readonly timestamp: number;
  /** The event; undefined when the record is not a CloudEvent (then `problem` says why). */
  readonly event: StructuredEvent | undefined;
  readonly problem?: string;
}

export interface Page {
  readonly records: readonly ConsumedRecord[];
  readonly nextOffset: bigint;
}

/** One row of `groups describe`, as kafka-consumer-groups prints it. */
export interface GroupPartitionRow {
  readonly topic: string;
  readonly partition: number;
  readonly currentOffset: bigint | null;
  readonly logEndOffset: bigint | null;
  readonly lag: bigint | null;
  readonly memberId: string | null;
  readonly host: string | null;
  readonly clientId: string | null;
}

export interface GroupDescription {
  readonly group: string;
  /** `Stable`, `Empty`, … */
  readonly state: string;
  readonly partitions: readonly GroupPartitionRow[];
}

/** Where `groups reset-offsets` moves a group's positions. */
export type ResetTo =
  | 'earliest'
  | 'latest'
  | { readonly datetime: number }
  | { readonly offset: bigint }
  | { readonly shiftBy: bigint };

export interface ResetRequest {
  readonly topic: string;
  readonly to: ResetTo;
  readonly execute: boolean;
}

export interface ResetResult {
  readonly executed: boolean;
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly from: bigint | null;
    readonly to: bigint;
  }[];
}

/** Where a group member starts in partitions the group has not committed. */
export type GroupStart = 'earliest' | 'latest' | { readonly timestamp: number };

/** A consumer-group membership held by `trib consume -g`. */
export interface GroupSession {
  /** Records of the member's partitions; `caughtUp` when none of them has more right now. */
  fetch(options: ReadOptions): Promise<{ records: readonly ConsumedRecord[]; caughtUp: boolean }>;
  /** Commits `offset` (the next to consume) for each partition. */
  commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void>;
  /** Leaves the group. */
  close(): Promise<void>;
}

export interface DeadLetterPosition {
  readonly partition: number;
  readonly offset: bigint;
}

export interface DeadLetterQuery {
  readonly type?: string;
  readonly key?: string;
  readonly at?: DeadLetterPosition;
  readonly limit?: number;
}

/** A pending dead letter. */
export interface DeadLetterView {
  /** Its place in the dead-letter topic: the handle for `dlq show` and `--at`. */
  readonly at: DeadLetterPosition;
  readonly type: string | undefined;
  readonly eventId: string | undefined;
  readonly key: string | null;
  readonly timestamp: number;
  readonly failure: {
    readonly errorClass: string;
    readonly message: string;
    readonly attempts: number;
    readonly firstFailureAt: string;
    readonly lastFailureAt: string;
    readonly topic: string;
    readonly partition: number;
    readonly offset: bigint;
    readonly group: string;
  };
  readonly event: StructuredEvent | undefined;
}
