import type { CloudEvent } from '../envelope/types.js';
import type { LogRecord, RecordHeader } from '../ports/log.js';
import type { ScheduleOptions } from '../timers/types.js';
import type { AssignorName } from './assignors/index.js';
import type { Assignor, TopicPartition } from './assignors/types.js';
import type { EventDefinition } from './events-api.js';

/**
 * Where a record was appended. For a scheduled publish (`scheduledId` set): the position of its
 * timer record in the timers topic; the event gets its own position in its topic when it fires.
 */
export interface PublishResult {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Set when the event was scheduled for later: its timer id, for `bus.cancelScheduled(id)`. */
  readonly scheduledId?: string;
  /** Set when the event was scheduled for later: when it is due. */
  readonly deliverAt?: Date;
}

/**
 * Options of `bus.publish`. With `deliverAt` or `delayMs` in the future the event is scheduled:
 * the publish resolves once a timer record is durable in the `tributary.timers` topic, and the
 * event is published to its topic (topic and key resolved as for an immediate publish) at that
 * time, not before, even across restarts, unless cancelled with `bus.cancelScheduled`. Delivery
 * is at least once: a crash between publishing a due event and recording that it fired publishes
 * it again after the restart, with the same CloudEvent id (consumers with dedupe see it once).
 */
export interface PublishOptions extends ScheduleOptions {
  /** Target topic; defaults to the topic of the event's definition (`defineEvent(..., { topic })`). */
  readonly topic?: string;
  /**
   * Record key; defaults to the event's `partitionkey`. Keyed events are partitioned with Kafka's
   * murmur2, so a key lands on the same partition as on a Kafka topic with as many partitions.
   */
  readonly key?: string;
  /** Explicit partition (overrides the key for placement); must exist. */
  readonly partition?: number;
}

/** One entry of `bus.publishBatch`: an event, or an event with its own key and/or delivery time. */
export type BatchEntry =
  | CloudEvent
  | ({ readonly event: CloudEvent; readonly key?: string } & ScheduleOptions);

/** Options of `bus.publishBatch`. */
export interface PublishBatchOptions {
  /** Topic of every event; defaults to each event's definition topic. */
  readonly topic?: string;
}

/**
 * Where a group starts reading a partition it has no committed offset for: the oldest retained
 * record, the next record to arrive, or the first record at or after a time (ms since the epoch;
 * after the last record when none is that recent).
 */
export type StartFrom = 'earliest' | 'latest' | { readonly timestamp: number };

/** What the handler gets with each event. */
export interface EventContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** The record's timestamp, ms since the epoch. */
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** The partition's latest offset when the record was fetched (`highWatermark - offset - 1` is the lag). */
  readonly highWatermark: bigint;
  /**
   * Commits this event as consumed (its offset + 1) for its partition only, now. Rejects with a
   * `GroupError` when the partition is no longer this member's (evicted or moved).
   */
  commit(): Promise<void>;
}

/** Where an error reported to `onError` happened. */
export interface ConsumerErrorContext {
  readonly group: string;
  readonly memberId: string;
  readonly topic?: string;
  readonly partition?: number;
  /** The record involved (for `handler`/`decode`: the record the partition is paused at). */
  readonly offset?: bigint;
  /**
   * `handler`: the handler threw (partition paused at the record); `decode`: the record is not a
   * valid event or fails its schema (paused at the record); `fetch`: reading failed (retried);
   * `offset-reset`: the position was out of range and reset per `from`; `commit`: a commit failed;
   * `rebalance`: the member was evicted or the group could not rebalance.
   */
  readonly phase: 'handler' | 'decode' | 'fetch' | 'offset-reset' | 'commit' | 'rebalance';
}

/**
 * Options of `bus.consumer`. At least one of `topics` and `events` is required.
 * @typeParam D - the event definitions of `events`; the handler then receives `EventOf<D>`.
 */
export interface ConsumerOptions<D extends EventDefinition = EventDefinition> {
  /** The consumer group; members of one group share partitions, each group gets every event. */
  readonly group: string;
  /** Topics to consume. */
  readonly topics?: readonly string[];
  /**
   * Event types to consume: their topics are subscribed (in addition to `topics`), only these types
   * are delivered (others are skipped and committed past) and each is validated against its schema.
   */
  readonly events?: readonly D[];
  /** Start position without a committed offset. Default `'latest'` (as Kafka's auto.offset.reset). */
  readonly from?: StartFrom;
  /**
   * Partition assignment strategy; all members of a group must use the same. Default `'sticky'`:
   * balanced, and a rebalance moves the fewest partitions.
   */
  readonly assignor?: AssignorName | Assignor;
  /**
   * Commit processed offsets every `intervalMs` (default 5000), when partitions are revoked and on
   * stop. Default true. With `false`, only `ctx.commit()` and `consumer.commit()` commit.
   */
  readonly autoCommit?: boolean | { readonly intervalMs: number };
  /**
   * A member whose handler has not returned after this long is considered dead: it is evicted and
   * its partitions reassigned; its later commits are rejected. Default 300000 (5 minutes).
   */
  readonly maxPollIntervalMs?: number;
  /** Soft byte limit of one fetch per partition. Default 1 MiB. */
  readonly maxBytesPerFetch?: number;
  /** How long a fetch waits for new records at the end of a partition. Default 500 ms. */
  readonly fetchMaxWaitMs?: number;
  /**
   * Key-level parallelism: up to this many records of different keys are handled at once in each
   * partition; records with the same key (and keyless records among themselves) stay in offset
   * order. Commits never pass a record still in flight. Default 1: one record at a time.
   */
  readonly keyConcurrency?: number;
  /** Backpressure: at most this many events in flight across the member's partitions. Default 1000. */
  readonly maxInFlight?: number;
  /**
   * Called for handler failures, bad records, offset resets, failed commits and evictions. Default:
   * a line on stderr naming the group, topic, partition and offset.
   */
  readonly onError?: (error: unknown, ctx: ConsumerErrorContext) => void;
}

/** The handler of `consumer.run`. */
export type EachEvent<E extends CloudEvent = CloudEvent> = (
  event: E,
  ctx: EventContext,
) => Promise<void> | void;

/** What a batch handler gets with each batch (the records of one fetch of one partition). */
export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  /** The partition's latest offset when the batch was fetched. */
  readonly highWatermark: bigint;
  /** Commits `offset` (the next offset to consume) for this partition, now. */
  commit(offset: bigint): Promise<void>;
}

/** The raw-batch handler of `consumer.run`. */
export type EachRecordBatch = (records: readonly LogRecord[], ctx: BatchContext) => Promise<void> | void;

/** The raw-record handler of `consumer.run`: no decoding, no filtering by event type. */
export type EachRecord = (record: LogRecord, ctx: EventContext) => Promise<void> | void;

/** What `consumer.run` calls: `eachEvent` (decoded, validated events) or `eachRecord` (raw records). */
export type RunOptions<E extends CloudEvent = CloudEvent> =
  | {
      /** Called once per event, one at a time per partition, in offset order. */
      readonly eachEvent: EachEvent<E>;
      readonly eachRecord?: undefined;
      readonly eachRecordBatch?: undefined;
    }
  | {
      /**
       * Called once per record, one at a time per partition, in offset order, before any decoding
       * (the `events` filter does not apply): for handlers that decode themselves, as `subscribe`.
       */
      readonly eachRecord: EachRecord;
      readonly eachEvent?: undefined;
      readonly eachRecordBatch?: undefined;
    }
  | {
      /** Called with the records of each fetch of a partition, batches in offset order. */
      readonly eachRecordBatch: EachRecordBatch;
      readonly eachEvent?: undefined;
      readonly eachRecord?: undefined;
    };

export type { TopicPartition };
