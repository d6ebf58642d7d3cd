import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import type { Log, LogRecord } from '../ports/log.js';
import { compareStrings, partitionKey, type TopicPartition } from './assignors/types.js';
import type { ResolvedConsumerOptions } from './consumer-options.js';
import { EventRegistry, eventTypeOf, fromLogRecord } from './events-api.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { BusyHandler, GroupMember, OwnedPartition } from './group-member.js';
import { InFlightLimit } from './in-flight.js';
import { DecodeFailure, PartitionFetcher } from './partition-fetcher.js';
import type { TopicMetadata } from './topic-metadata.js';
import type { BatchContext, ConsumerErrorContext, EventContext, RunOptions } from './types.js';

/** What a consumer needs from its bus. */
export interface ConsumerDeps {
  readonly log: Log;
  readonly coordinator: GroupCoordinator;
  readonly topics: TopicMetadata;
  /** A new unique member id (one per join: a member that rejoins after eviction gets a new one). */
  readonly newMemberId: () => string;
  readonly onStopped: (consumer: { stop(): Promise<void> }) => void;
}

const acceptAll = () => true;

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

interface Member extends GroupMember {
  evicted: boolean;
}

/**
 * A member of a consumer group. Create with `bus.consumer(options)`, start with `run`. Each
 * assigned partition is consumed by its own loop: records of a partition strictly in order, one
 * at a time; partitions in parallel.
 */
export class Consumer<E extends CloudEvent = CloudEvent> {
  private state: State = 'idle';
  private member: Member | undefined;
  private process: ((record: LogRecord, ctx: EventContext) => Promise<void>) | undefined;
  /** Running with `eachRecord`/`eachRecordBatch`: every record is handed over as is. */
  private rawRecords = false;
  private processBatch: ((records: readonly LogRecord[], ctx: BatchContext) => Promise<void>) | undefined;
  private readonly fetchers = new Map<string, PartitionFetcher>();
  /** `topic` (whole topic) or `topic:partition` entries paused by the user. */
  private readonly pausedByUser = new Set<string>();
  private readonly counts = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly accepts: (record: LogRecord) => boolean;
  private readonly decode: (record: LogRecord) => CloudEvent;
  /** Shared by this member's partitions: the backpressure bound of `maxInFlight`. */
  private readonly inFlightLimit: InFlightLimit;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly options: ResolvedConsumerOptions,
  ) {
    this.inFlightLimit = new InFlightLimit(options.maxInFlight);
    const events = options.events;
    if (events === undefined) {
      this.accepts = () => true;
      this.decode = fromLogRecord;
    } else {
      const registry = new EventRegistry(events);
      // Cheap skip from the type header, without decoding the record.
      this.accepts = (record) => {
        const type = eventTypeOf(record);
        return type !== undefined && registry.has(type);
      };
      this.decode = (record) => registry.parse(fromLogRecord(record));
    }
  }

  /** The consumer group. */
  get group(): string {
    return this.options.group;
  }

  /** This member's id in the group (changes when it rejoins after an eviction). */
  get memberId(): string | undefined {
    return this.member?.memberId;
  }

  /**
   * Joins the group and starts consuming. Resolves once the member has joined and holds its
   * assigned partitions (their start positions resolved). Rejects with `UNKNOWN_TOPIC` for a topic
   * that does not exist (unless the bus auto-creates topics); `run` may then be called again.
   */
  async run(options: RunOptions<E>): Promise<void> {
    if (this.state !== 'idle') {
      throw new TributaryError(
        this.state === 'stopped' ? 'CLOSED' : 'INVALID_ARGUMENT',
        `Consumer of group "${this.group}" is ${this.state === 'stopped' ? 'stopped; create a new one with bus.consumer()' : 'already running'}.`,
      );
    }
    this.process = this.processorFor(options);
    this.state = 'starting';
    try {
      for (const topic of this.options.topics) {
        this.counts.set(topic, await this.deps.topics.partitionCount(topic));
      }
    } catch (err) {
      if (this.state === 'starting') this.state = 'idle';
      throw err;
    }
    // stop() was called meanwhile: do not join.
    if (this.state !== 'starting') return;
    const interval = this.options.autoCommitIntervalMs;
    if (interval !== undefined) {
      this.timer = setInterval(() => this.commitQuietly([...this.fetchers.values()]), interval);
      this.timer.unref();
    }
    await this.join();
    await Promise.all([...this.fetchers.values()].map((f) => f.ready));
    if (this.state === 'starting') this.state = 'running';
  }

  private processorFor(options: RunOptions<E>): (record: LogRecord, ctx: EventContext) => Promise<void> {
    const { eachEvent, eachRecord, eachRecordBatch } = options ?? {};
    if (typeof eachRecordBatch === 'function' && eachEvent === undefined && eachRecord === undefined) {
      this.rawRecords = true;
      this.processBatch = async (records, ctx) => eachRecordBatch(records, ctx);
      return async () => {}; // unused: batches go through processBatch
    }
    if (typeof eachRecord === 'function' && eachEvent === undefined) {
      this.rawRecords = true;
      return async (record, ctx) => eachRecord(record, ctx);
    }
    if (typeof eachEvent !== 'function' || eachRecord !== undefined) {
      throw invalidArgument(
        'consumer.run expects one of { eachEvent: async (event, ctx) => {} }, { eachRecord: async (record, ctx) => {} } or { eachRecordBatch: async (records, ctx) => {} }.',
      );
    }
    return async (record, ctx) => {
      let event: CloudEvent;
      try {
        event = this.decode(record);
      } catch (err) {
        throw new DecodeFailure(err);
      }
      // The registry validated the event against the definitions E was derived from.
      await eachEvent(event as E, ctx);
    };
  }

  /** The partitions this member holds now. */
  assignment(): TopicPartition[] {
    return this.current()
      .map((f) => ({ topic: f.topic, partition: f.partition }))
      .sort((a, b) => compareStrings(a.topic, b.topic) || a.partition - b.partition);
  }

  /** Assigned partitions that deliver nothing now: paused by the user or at a failed record. */
  paused(): TopicPartition[] {
    return this.assignment().filter((tp) => this.fetchers.get(partitionKey(tp))?.isPaused());
  }

  /**
   * Stops delivering from a topic's partitions (all of them when `partitions` is omitted, including
   * ones assigned later) after their in-flight handlers; nothing is skipped. Lasts until `resume`.
   */
  pause(topic: string, partitions?: readonly number[]): void {
    this.checkTopic(topic, partitions);
    if (partitions === undefined) this.pausedByUser.add(topic);
    else for (const partition of partitions) this.pausedByUser.add(partitionKey({ topic, partition }));
    for (const f of this.fetchers.values()) if (this.isUserPaused(f.topic, f.partition)) f.pause();
  }

  /** Resumes paused partitions; a partition paused at a failed record retries that record. */
  resume(topic: string, partitions?: readonly number[]): void {
    this.checkTopic(topic, partitions);
    const all = Array.from({ length: this.counts.get(topic) ?? 0 }, (_, p) => p);
    if (partitions === undefined) {
      this.pausedByUser.delete(topic);
      for (const p of all) this.pausedByUser.delete(partitionKey({ topic, partition: p }));
    } else {
      if (this.pausedByUser.delete(topic)) {
        // Narrow a whole-topic pause to the partitions not resumed.
        for (const p of all)
          if (!partitions.includes(p)) this.pausedByUser.add(partitionKey({ topic, partition: p }));
      }
      for (const p of partitions) this.pausedByUser.delete(partitionKey({ topic, partition: p }));
    }
    for (const f of this.fetchers.values()) {
      if (f.topic === topic && !this.isUserPaused(f.topic, f.partition)) f.resume();
    }
  }

  /**
   * Commits what has been processed on every held partition. Rejects with a `GroupError` when this
   * member lost a partition (evicted or moved).
   */
  async commit(): Promise<void> {
    await this.commitFetchers(this.current());
  }

  /**
   * Stops consuming: lets in-flight handlers finish, commits (with auto-commit) and leaves the
   * group, whose other members take over the partitions. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopped === undefined) this.stopped = this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const wasIdle = this.state === 'idle';
    this.state = 'stopping';
    if (this.timer !== undefined) clearInterval(this.timer);
    if (!wasIdle) {
      const all = [...this.fetchers.values()];
      await Promise.all(all.map((f) => f.stop()));
      if (this.options.autoCommitIntervalMs !== undefined) await this.commitQuietly(all);
      if (this.member !== undefined) await this.deps.coordinator.leave(this.group, this.member.memberId);
    }
    this.fetchers.clear();
    this.state = 'stopped';
    this.deps.onStopped(this);
  }

  /** Fetchers of the current membership (none while evicted and not yet rejoined). */
  private current(): PartitionFetcher[] {
    const member = this.member;
    if (member === undefined || member.evicted) return [];
    return [...this.fetchers.values()].filter((f) => f.memberId === member.memberId);
  }

  private async join(): Promise<void> {
    const member = this.createMember();
    this.member = member;
    try {
      await this.deps.coordinator.join(this.group, member, this.options.assignor, this.counts);
    } catch (err) {
      // Evicted before the join settled: the eviction path rejoins.
      if (!member.evicted) throw err;
    }
  }

  private createMember(): Member {
    const member: Member = {
      memberId: this.deps.newMemberId(),
      topics: this.options.topics,
      maxPollIntervalMs: this.options.maxPollIntervalMs,
      evicted: false,
      onAssign: (partitions) => this.assigned(member, partitions),
      onRevoke: (partitions) => void this.revoked(member, partitions),
      onEvict: (error) => {
        member.evicted = true;
        void this.evicted(member, error);
      },
      onError: (error) => this.report(error, { phase: 'rebalance' }),
      busySince: () => this.busySince(member),
    };
    return member;
  }

  private assigned(member: Member, partitions: readonly OwnedPartition[]): void {
    // A stopping member leaves soon; the partitions go on to the others then.
    if (member !== this.member || this.state === 'stopping' || this.state === 'stopped') return;
    for (const grant of partitions) {
      const fetcher = new PartitionFetcher(
        {
          log: this.deps.log,
          group: this.group,
          memberId: member.memberId,
          grant,
          from: this.options.from,
          fetchMaxWaitMs: this.options.fetchMaxWaitMs,
          maxBytesPerFetch: this.options.maxBytesPerFetch,
          accepts: this.rawRecords ? acceptAll : this.accepts,
          process: this.process as (record: LogRecord, ctx: EventContext) => Promise<void>,
          processBatch: this.processBatch,
          commit: (f, offset) => this.commitOne(f, offset),
          report: (error, ctx) => this.options.onError(error, ctx),
          concurrency:
            this.options.keyConcurrency > 1
              ? { keys: this.options.keyConcurrency, limit: this.inFlightLimit }
              : undefined,
        },
        this.isUserPaused(grant.topic, grant.partition),
      );
      this.fetchers.set(partitionKey(grant), fetcher);
    }
  }

  /** Finishes, commits and hands back revoked partitions. */
  private async revoked(member: Member, partitions: readonly TopicPartition[]): Promise<void> {
    await Promise.all(
      partitions.map(async (tp) => {
        const key = partitionKey(tp);
        const fetcher = this.fetchers.get(key);
        if (fetcher !== undefined && fetcher.memberId === member.memberId) {
          await fetcher.stop();
          // While stopping, stop() commits everything at once.
          if (this.options.autoCommitIntervalMs !== undefined && this.state !== 'stopping') {
            await this.commitQuietly([fetcher]);
          }
          if (this.fetchers.get(key) === fetcher) this.fetchers.delete(key);
        }
        this.deps.coordinator.release(this.group, member.memberId, [tp]);
      }),
    );
  }

  /** Evicted: drain, try to commit (fenced: rejected and reported), then rejoin. */
  private async evicted(member: Member, error: unknown): Promise<void> {
    this.report(error, { phase: 'rebalance' });
    const mine = [...this.fetchers.values()].filter((f) => f.memberId === member.memberId);
    await Promise.all(mine.map((f) => f.stop()));
    if (this.options.autoCommitIntervalMs !== undefined) await this.commitQuietly(mine);
    for (const f of mine) {
      const key = partitionKey(f);
      if (this.fetchers.get(key) === f) this.fetchers.delete(key);
    }
    if (this.state !== 'starting' && this.state !== 'running') return;
    try {
      await this.join();
    } catch (err) {
      this.report(err, { phase: 'rebalance' });
    }
  }

  private busySince(member: Member): BusyHandler | undefined {
    let oldest: BusyHandler | undefined;
    for (const f of this.fetchers.values()) {
      if (f.memberId !== member.memberId) continue;
      const busy = f.busySince();
      if (busy !== undefined && (oldest === undefined || busy.since < oldest.since)) oldest = busy;
    }
    return oldest;
  }

  private async commitOne(fetcher: PartitionFetcher, offset: bigint): Promise<void> {
    await this.deps.coordinator.commit(this.group, [
      {
        memberId: fetcher.memberId,
        epoch: fetcher.epoch,
        topic: fetcher.topic,
        partition: fetcher.partition,
        offset,
      },
    ]);
    fetcher.committed = offset;
  }

  private async commitFetchers(fetchers: readonly PartitionFetcher[]): Promise<void> {
    const due = fetchers.flatMap((f) =>
      f.processed !== undefined && f.processed !== f.committed ? [{ f, offset: f.processed }] : [],
    );
    if (due.length === 0) return;
    await this.deps.coordinator.commit(
      this.group,
      due.map(({ f, offset }) => ({
        memberId: f.memberId,
        epoch: f.epoch,
        topic: f.topic,
        partition: f.partition,
        offset,
      })),
    );
    for (const { f, offset } of due) f.committed = offset;
  }

  private async commitQuietly(fetchers: readonly PartitionFetcher[]): Promise<void> {
    try {
      await this.commitFetchers(fetchers);
    } catch (err) {
      this.report(err, { phase: 'commit' });
    }
  }

  private report(error: unknown, ctx: Omit<ConsumerErrorContext, 'group' | 'memberId'>): void {
    this.options.onError(error, { group: this.group, memberId: this.member?.memberId ?? '', ...ctx });
  }

  private isUserPaused(topic: string, partition: number): boolean {
    return this.pausedByUser.has(topic) || this.pausedByUser.has(partitionKey({ topic, partition }));
  }

  private checkTopic(topic: string, partitions: readonly number[] | undefined): void {
    if (!this.options.topics.includes(topic)) {
      throw invalidArgument(
        `Consumer of group "${this.group}" does not subscribe to topic ${JSON.stringify(topic)}; its topics: ${this.options.topics.join(', ')}.`,
      );
    }
    if (partitions === undefined) return;
    const count = this.counts.get(topic);
    for (const p of Array.isArray(partitions) ? partitions : [partitions]) {
      if (!Number.isInteger(p) || p < 0 || (count !== undefined && p >= count)) {
        throw invalidArgument(
          `Partition ${String(p)} does not exist in topic "${topic}"${count === undefined ? '' : ` (it has ${count})`}.`,
        );
      }
    }
  }
}
