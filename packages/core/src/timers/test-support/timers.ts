import { onTestFinished } from 'vitest';
import { Bus, type BusOptions } from '../../bus/bus.js';
import { OrderPlaced } from '../../bus/test-support/fixtures.js';
import type { CloudEvent } from '../../envelope/types.js';
import type {
  AppendResult,
  CommittedOffset,
  FetchOptions,
  FetchResult,
  Log,
  LogRecordInput,
  TopicConfig,
  TopicDescription,
} from '../../ports/log.js';
import type { TimerErrorContext } from '../types.js';

/** An event as a test consumer received it, with the time it arrived. */
export interface Received {
  readonly event: CloudEvent;
  readonly at: number;
}

/** Consumes `topic` from the earliest offset into an array (group `test-<n>`). */
export async function receive(bus: Bus, topic = 'orders'): Promise<Received[]> {
  const received: Received[] = [];
  const consumer = bus.consumer({ group: `test-${Math.random()}`, topics: [topic], from: 'earliest' });
  await consumer.run({ eachEvent: (event) => void received.push({ event, at: Date.now() }) });
  return received;
}

/** Collects `onTimerError` reports instead of printing them. */
export function timerErrors(): {
  errors: { error: unknown; ctx: TimerErrorContext }[];
  onTimerError: (error: unknown, ctx: TimerErrorContext) => void;
} {
  const errors: { error: unknown; ctx: TimerErrorContext }[] = [];
  return { errors, onTimerError: (error, ctx) => errors.push({ error, ctx }) };
}

/** Faults a {@link SharedLog} can inject. */
export interface Faults {
  /** Appends for which this returns true reject (nothing written). */
  failAppend?: (topic: string, records: readonly LogRecordInput[]) => boolean;
  /** Commits of groups for which this returns true reject. */
  failCommit?: (group: string) => boolean;
}

/**
 * A view of a log whose `close` leaves the log open, so a new bus over another view of the same
 * memory log is a restart: the bus's memory is gone, the log is not. Faults simulate a crash (what
 * was not written before it) by rejecting chosen writes.
 */
export class SharedLog implements Log {
  constructor(
    private readonly log: Log,
    private readonly faults: Faults = {},
  ) {}

  createTopic(name: string, config?: Partial<TopicConfig>): Promise<TopicDescription> {
    return this.log.createTopic(name, config);
  }
  deleteTopic(name: string): Promise<void> {
    return this.log.deleteTopic(name);
  }
  listTopics(): Promise<readonly TopicDescription[]> {
    return this.log.listTopics();
  }
  describeTopic(name: string): Promise<TopicDescription> {
    return this.log.describeTopic(name);
  }
  async append(topic: string, partition: number, records: readonly LogRecordInput[]): Promise<AppendResult> {
    if (this.faults.failAppend?.(topic, records)) throw new Error(`injected append failure on ${topic}`);
    return this.log.append(topic, partition, records);
  }
  fetch(topic: string, partition: number, offset: bigint, options?: FetchOptions): Promise<FetchResult> {
    return this.log.fetch(topic, partition, offset, options);
  }
  earliestOffset(topic: string, partition: number): Promise<bigint> {
    return this.log.earliestOffset(topic, partition);
  }
  latestOffset(topic: string, partition: number): Promise<bigint> {
    return this.log.latestOffset(topic, partition);
  }
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null> {
    return this.log.offsetForTimestamp(topic, partition, timestamp);
  }
  async commitOffsets(group: string, offsets: readonly CommittedOffset[]): Promise<void> {
    if (this.faults.failCommit?.(group)) throw new Error(`injected commit failure for ${group}`);
    return this.log.commitOffsets(group, offsets);
  }
  fetchOffsets(group: string, topic?: string): Promise<readonly CommittedOffset[]> {
    return this.log.fetchOffsets(group, topic);
  }
  listGroups(): Promise<readonly string[]> {
    return this.log.listGroups();
  }
  deleteGroup(group: string): Promise<void> {
    return this.log.deleteGroup(group);
  }
  async close(): Promise<void> {}
}

/** A bus over a {@link SharedLog} view of `log`, closed when the test finishes. */
export function busOver(log: Log, options?: BusOptions & { faults?: Faults }): Bus {
  const { faults, ...busOptions } = options ?? {};
  const bus = new Bus(new SharedLog(log, faults), busOptions);
  onTestFinished(() => bus.close());
  return bus;
}

/** The ids of the events received. */
export const idsOf = (received: readonly Received[]): string[] => received.map((r) => r.event.id);

/** OrderPlaced number `n` (data.n = n), with a partition key when given. */
export function order(n: number, partitionkey?: string): CloudEvent {
  return OrderPlaced.create(
    { orderId: `o-${n}`, n },
    partitionkey === undefined ? undefined : { partitionkey },
  );
}

/** The data.n of each event received. */
export const nsOf = (received: readonly Received[]): number[] =>
  received.map((r) => (r.event.data as { n: number }).n);
