import type { TopicConfig, TopicDescription } from '@tributary/core';
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
import {
  array,
  bigint,
  consumedRecord,
  nullableBigint,
  number,
  object,
  optionalString,
  string,
  topicDescription,
} from './decode.js';
import { HttpClient, type HttpClientOptions } from './http-client.js';
import { HttpDeadLetters } from './http-dead-letters.js';
import { HttpGroupSession } from './http-group-session.js';

const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
/** Page size when scanning for a time (the HTTP API has no offset-for-time lookup). */
const SCAN_PAGE = 500;

const topicPath = (topic: string) => `/v1/topics/${encodeURIComponent(topic)}`;
const groupPath = (group: string) => `/v1/groups/${encodeURIComponent(group)}`;

/** A {@link Target} that is a running Tributary server, through its HTTP API. */
export class HttpTarget implements Target {
  private readonly client: HttpClient;
  private readonly deadLetters: HttpDeadLetters;
  readonly where: string;

  constructor(options: HttpClientOptions) {
    this.client = new HttpClient(options);
    this.deadLetters = new HttpDeadLetters(this.client);
    this.where = `server ${this.client.base.origin}`;
  }

  async listTopics(): Promise<readonly TopicDescription[]> {
    const answer = object(await this.client.request({ path: '/v1/topics' }), 'topic list');
    return array(answer.topics, 'topics').map(topicDescription);
  }

  async createTopic(name: string, config: Partial<TopicConfig>): Promise<TopicDescription> {
    return topicDescription(
      await this.client.request({ method: 'POST', path: '/v1/topics', body: { name, ...config } }),
    );
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return topicDescription(await this.client.request({ path: topicPath(name) }));
  }

  async deleteTopic(name: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: topicPath(name) });
  }

  async produce(
    topic: string,
    events: readonly StructuredEvent[],
    options: ProduceOptions,
  ): Promise<Position[]> {
    const answer = object(
      await this.client.request({
        method: 'POST',
        path: `${topicPath(topic)}/events`,
        query: { key: options.key },
        body: events,
        contentType: BATCH_CONTENT_TYPE,
      }),
      'produce answer',
    );
    return array(answer.results, 'results').map((r) => {
      const result = object(r, 'result');
      return { partition: number(result.partition, 'partition'), offset: bigint(result.offset, 'offset') };
    });
  }

  async read(topic: string, partition: number, offset: bigint, options: ReadOptions): Promise<Page> {
    const answer = object(
      await this.client.request({
        path: `${topicPath(topic)}/partitions/${partition}/events`,
        query: { offset: offset.toString(), maxRecords: options.maxRecords, waitMs: options.waitMs },
        ...(options.signal !== undefined && { signal: options.signal }),
      }),
      'fetch answer',
    );
    return {
      records: array(answer.events, 'events').map((e) => consumedRecord(e, topic)),
      nextOffset: bigint(answer.nextOffset, 'nextOffset'),
    };
  }

  /** Scans the partition from its earliest record: the API has no lookup by time. */
  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<bigint | null> {
    const description = await this.describeTopic(topic);
    const info = description.partitions[partition];
    if (info === undefined) return null;
    let offset = info.earliestOffset;
    while (offset < info.latestOffset) {
      const page = await this.read(topic, partition, offset, { maxRecords: SCAN_PAGE, waitMs: 0 });
      const found = page.records.find((r) => r.timestamp >= timestamp);
      if (found !== undefined) return found.offset;
      if (page.records.length === 0) break;
      offset = page.nextOffset;
    }
    return null;
  }

  async listGroups(): Promise<readonly string[]> {
    const answer = object(await this.client.request({ path: '/v1/groups' }), 'group list');
    return array(answer.groups, 'groups').map((g) => string(g, 'group'));
  }

  async describeGroup(group: string): Promise<GroupDescription> {
    const answer = object(await this.client.request({ path: groupPath(group) }), 'group');
    return {
      group: optionalString(answer.group) ?? group,
      state: optionalString(answer.state) ?? 'Unknown',
      partitions: array(answer.partitions ?? [], 'partitions').map((p) => {
        const row = object(p, 'group partition');
        return {
          topic: string(row.topic, 'topic'),
          partition: number(row.partition, 'partition'),
          currentOffset: nullableBigint(row.currentOffset, 'currentOffset'),
          logEndOffset: nullableBigint(row.logEndOffset, 'logEndOffset'),
          lag: nullableBigint(row.lag, 'lag'),
          memberId: optionalString(row.memberId) ?? null,
          host: optionalString(row.host) ?? null,
          clientId: optionalString(row.clientId) ?? null,
        };
      }),
    };
  }

  async resetOffsets(group: string, request: ResetRequest): Promise<ResetResult> {
    const to =
      typeof request.to === 'object' && 'datetime' in request.to
        ? { datetime: new Date(request.to.datetime).toISOString() }
        : request.to;
    const answer = object(
      await this.client.request({
        method: 'POST',
        path: `${groupPath(group)}/offsets/reset`,
        body: { topic: request.topic, to, execute: request.execute },
      }),
      'reset answer',
    );
    return {
      executed: answer.executed === true,
      partitions: array(answer.partitions, 'partitions').map((p) => {
        const row = object(p, 'reset partition');
        return {
          topic: string(row.topic ?? request.topic, 'topic'),
          partition: number(row.partition, 'partition'),
          from: nullableBigint(row.from, 'from'),
          to: bigint(row.to, 'to'),
        };
      }),
    };
  }

  /** A start time is not part of the members API: such a member starts at the latest offset. */
  joinGroup(group: string, topic: string, start: GroupStart): Promise<GroupSession> {
    return HttpGroupSession.join(this.client, group, topic, typeof start === 'object' ? 'latest' : start);
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

  async close(): Promise<void> {
    // Stateless: nothing to release.
  }
}
