import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, isTributaryError, LogError, ValidationError } from '../errors/errors.js';
import type { AppendResult, Log, LogRecordInput } from '../ports/log.js';
import { resolveDeliverAt } from '../timers/schedule-options.js';
import type { DeliveryItem, DeliveryOutcome, PublishScheduler, ScheduledPublish } from '../timers/types.js';
import { carryTrace, endSendSpan, startSendSpan } from '../tracing/send-span.js';
import { activeTracer } from '../tracing/tracer.js';
import { definitionOf, partitionForKey, toLogRecord } from './events-api.js';
import type { TopicMetadata } from './topic-metadata.js';
import { unknownTopic } from './topic-metadata.js';
import type { BatchEntry, PublishBatchOptions, PublishOptions, PublishResult } from './types.js';

interface Prepared extends DeliveryItem {
  /** Set when the event is scheduled for later (ms since the epoch). */
  readonly deliverAt?: number | undefined;
}

type Outcome =
  | { readonly ok: true; readonly result: PublishResult }
  | { readonly ok: false; readonly error: unknown };

/**
 * Publishes events to the log. Every event is checked and encoded before anything is written, so a
 * bad event never leaves a partial write behind.
 *
 * Partitioning: an explicit partition wins; else a keyed event goes to Kafka's murmur2 partition of
 * its key; else keyless events are spread: each `publish` takes the next partition of its topic in
 * turn, and all keyless events of one `publishBatch` go together to one partition (Kafka's sticky
 * partitioning, applied per batch), so they cost one append.
 *
 * Scheduled events (`deliverAt` / `delayMs` in the future) are checked the same way, their topic
 * resolved (created when auto-create is on) and handed to the scheduler, which places them when due.
 */
export class Producer {
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly log: Log,
    private readonly topics: TopicMetadata,
    private readonly scheduler: PublishScheduler,
  ) {}

  async publish(event: CloudEvent, options: PublishOptions = {}): Promise<PublishResult> {
    checkOptions(options);
    const deliverAt = resolveDeliverAt(options, 'publish option ');
    const { topic, record } = prepare(event, options.topic, options.key);
    const tracer = activeTracer();
    if (tracer === undefined) return this.publishPrepared(topic, record, options, deliverAt);
    // A `send <topic>` span whose context the event carries to its consumers.
    const span = startSendSpan(tracer, { topic, records: [record], messageId: event.id });
    return endSendSpan(
      span,
      this.publishPrepared(topic, carryTrace(record, span), options, deliverAt),
      (result) => ({ 'messaging.destination.partition.id': String(result.partition) }),
    );
  }

  private async publishPrepared(
    topic: string,
    record: LogRecordInput,
    options: PublishOptions,
    deliverAt: number | undefined,
  ): Promise<PublishResult> {
    const count = await this.topics.partitionCount(topic);
    if (deliverAt !== undefined) {
      const { partition } = options;
      if (partition !== undefined) checkPartition(topic, count, partition);
      return (await this.schedule([{ topic, record, partition, deliverAt }]))[0] as PublishResult;
    }
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
    const tracer = activeTracer();
    if (tracer === undefined || prepared.length === 0) return this.publishPreparedBatch(prepared);
    // One `send` span for the batch; every event carries its context to the consumers.
    const topics = new Set(prepared.map((p) => p.topic));
    const span = startSendSpan(tracer, {
      topic: topics.size === 1 ? prepared[0]?.topic : undefined,
      records: prepared.map((p) => p.record),
    });
    const traced = prepared.map((p) => ({ ...p, record: carryTrace(p.record, span) }));
    return endSendSpan(span, this.publishPreparedBatch(traced));
  }

  private async publishPreparedBatch(prepared: readonly Prepared[]): Promise<PublishResult[]> {
    const counts = new Map<string, number>();
    for (const topic of new Set(prepared.map((p) => p.topic))) {
      counts.set(topic, await this.topics.partitionCount(topic));
    }
    const now: number[] = [];
    const later: number[] = [];
    for (const [i, p] of prepared.entries()) (p.deliverAt === undefined ? now : later).push(i);
    const at = (i: number) => prepared[i] as Prepared;
    const scheduling =
      later.length === 0
        ? Promise.resolve([])
        : this.schedule(later.map((i) => ({ ...at(i), deliverAt: at(i).deliverAt as number })));
    scheduling.catch(() => {}); // rethrown below, once the immediate appends have settled
    const outcomes = await this.appendPlaced(now.map(at), counts);
    const scheduled = await scheduling;
    const results: PublishResult[] = new Array(prepared.length);
    for (const [j, outcome] of outcomes.entries()) {
      if (!outcome.ok) throw outcome.error;
      results[now[j] as number] = outcome.result;
    }
    for (const [j, result] of scheduled.entries()) results[later[j] as number] = result;
    return results;
  }

  /**
   * Appends already-encoded records (due timers) placed as {@link publishBatch} would, creating
   * topics per the auto-create setting. Never rejects: one outcome per item, in order.
   */
  async deliver(items: readonly DeliveryItem[]): Promise<DeliveryOutcome[]> {
    const counts = new Map<string, number>();
    const failed = new Map<string, unknown>();
    for (const topic of new Set(items.map((item) => item.topic))) {
      try {
        counts.set(topic, await this.topics.partitionCount(topic));
      } catch (error) {
        failed.set(topic, error);
      }
    }
    const placeable = items.filter((item) => !failed.has(item.topic));
    const appended = await this.appendPlaced(placeable, counts);
    let next = 0;
    return items.map((item): DeliveryOutcome => {
      if (failed.has(item.topic)) return { ok: false, error: failed.get(item.topic) };
      const outcome = appended[next++] as Outcome;
      return outcome.ok ? { ok: true } : outcome;
    });
  }

  private async schedule(items: readonly ScheduledPublish[]): Promise<PublishResult[]> {
    const receipts = await this.scheduler.schedule(items);
    return receipts.map(({ topic, partition, offset, id, deliverAt }) => ({
      topic,
      partition,
      offset,
      scheduledId: id,
      deliverAt: new Date(deliverAt),
    }));
  }

  /**
   * One append per partition (input order kept within a partition); each record's outcome in input
   * order. A partition's append is atomic; appends to other partitions are independent.
   */
  private async appendPlaced(
    items: readonly DeliveryItem[],
    counts: ReadonlyMap<string, number>,
  ): Promise<Outcome[]> {
    const sticky = new Map<string, number>();
    const groups = new Map<string, { topic: string; partition: number; indexes: number[] }>();
    const outcomes: Outcome[] = new Array(items.length);
    for (const [i, { topic, record, partition: explicit }] of items.entries()) {
      const count = counts.get(topic) ?? 1;
      let partition: number;
      if (explicit !== undefined) {
        if (explicit < 0 || explicit >= count) {
          outcomes[i] = { ok: false, error: partitionOutOfRange(topic, count, explicit) };
          continue;
        }
        partition = explicit;
      } else if (record.key !== null) partition = partitionForKey(record.key, count);
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
    }
    await Promise.all(
      [...groups.values()].map(async ({ topic, partition, indexes }) => {
        try {
          const appended = await this.append(
            topic,
            partition,
            indexes.map((i) => (items[i] as DeliveryItem).record),
          );
          for (const [position, i] of indexes.entries()) {
            outcomes[i] = {
              ok: true,
              result: { topic, partition, offset: appended.baseOffset + BigInt(position) },
            };
          }
        } catch (error) {
          for (const i of indexes) outcomes[i] = { ok: false, error };
        }
      }),
    );
    return outcomes;
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
  if (partition < 0 || partition >= count) throw partitionOutOfRange(topic, count, partition);
  return partition;
}

function partitionOutOfRange(topic: string, count: number, partition: number): LogError {
  return new LogError(
    'PARTITION_OUT_OF_RANGE',
    `Partition ${partition} does not exist in topic "${topic}": it has ${count} partition(s), numbered 0 to ${count - 1}.`,
  );
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
      const deliverAt = resolveDeliverAt(entry, '');
      return { ...prepare(entry.event, topic, entry.key), deliverAt };
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
