import {
  type BatchEntry,
  type Bus,
  fromStructuredJson,
  type TopicConfig,
  type TopicDescription,
} from '@tributary/core';
import type {
  DeadLetterPosition,
  DeadLetterQuery,
  DeadLetterView,
  GroupDescription,
  GroupSession,
  GroupStart,
  Page,
  Position,
  ProduceOptions,
  ReadOptions,
  ResetRequest,
  ResetResult,
  StructuredEvent,
  Target,
} from '../types.js';
import { LocalDeadLetters } from './local-dead-letters.js';
import { LocalGroupSession } from './local-group-session.js';
import { describeLocalGroup, resetLocalOffsets } from './local-groups.js';
import { openLocalBus } from './open-local.js';
import { toConsumedRecord } from './records.js';

/** A {@link Target} over a data directory opened in this process (it locks the directory). */
export class LocalTarget implements Target {
  private readonly deadLetters: LocalDeadLetters;

  private constructor(
    private readonly bus: Bus,
    readonly where: string,
  ) {
    this.deadLetters = new LocalDeadLetters(bus.log);
  }

  /** Opens `dir` (created when missing). */
  static async open(dir: string): Promise<LocalTarget> {
    return new LocalTarget(await openLocalBus(dir), `data directory ${dir}`);
  }

  listTopics(): Promise<readonly TopicDescription[]> {
    return this.bus.log.listTopics();
  }

  createTopic(name: string, config: Partial<TopicConfig>): Promise<TopicDescription> {
    return this.bus.createTopic(name, config);
  }

  describeTopic(name: string): Promise<TopicDescription> {
    return this.bus.log.describeTopic(name);
  }

  deleteTopic(name: string): Promise<void> {
    return this.bus.log.deleteTopic(name);
  }

  async produce(
    topic: string,
    events: readonly StructuredEvent[],
    options: ProduceOptions,
  ): Promise<Position[]> {
    const entries: BatchEntry[] = events.map((json) => {
      const event = fromStructuredJson(json);
      return options.key === undefined ? event : { event, key: options.key };
    });
    const results = await this.bus.publishBatch(entries, { topic });
    return results.map((r) => ({ partition: r.partition, offset: r.offset }));
  }

  async read(topic: string, partition: number, offset: bigint, options: ReadOptions): Promise<Page> {
    const page = await this.bus.log.fetch(topic, partition, offset, {
      maxRecords: options.maxRecords,
      maxWaitMs: options.waitMs,
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    return {
      records: page.records.map((r) => toConsumedRecord(topic, partition, r)),
      nextOffset: page.nextOffset,
    };
  }

  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null> {
    return this.bus.log.offsetForTimestamp(topic, partition, timestamp);
  }

  listGroups(): Promise<readonly string[]> {
    return this.bus.log.listGroups();
  }

  describeGroup(group: string): Promise<GroupDescription> {
    return describeLocalGroup(this.bus.log, group);
  }

  resetOffsets(group: string, request: ResetRequest): Promise<ResetResult> {
    return resetLocalOffsets(this.bus.log, group, request);
  }

  joinGroup(group: string, topic: string, start: GroupStart): Promise<GroupSession> {
    return LocalGroupSession.join(this.bus.log, group, topic, start);
  }

  listDeadLetters(group: string, filter: DeadLetterQuery): Promise<readonly DeadLetterView[]> {
    return this.deadLetters.list(group, filter);
  }

  showDeadLetter(group: string, at: DeadLetterPosition): Promise<DeadLetterView> {
    return this.deadLetters.show(group, at);
  }

  redrive(group: string, filter: DeadLetterQuery): Promise<number> {
    return this.deadLetters.redrive(group, filter);
  }

  discard(group: string, filter: DeadLetterQuery): Promise<number> {
    return this.deadLetters.discard(group, filter);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
