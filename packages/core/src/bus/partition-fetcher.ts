import { isTributaryError, LogError } from '../errors/errors.js';
import type { Log, LogRecord } from '../ports/log.js';
import { KeyedScheduler } from '../reliability/keyed-scheduler.js';
import type { BusyHandler, OwnedPartition } from './group-member.js';
import { type InFlightLimit, InFlightOffsets } from './in-flight.js';
import type { BatchContext, ConsumerErrorContext, EventContext, StartFrom } from './types.js';

/** What a {@link PartitionFetcher} needs from its consumer. */
export interface FetcherDeps {
  readonly log: Log;
  readonly group: string;
  readonly memberId: string;
  readonly grant: OwnedPartition;
  readonly from: StartFrom;
  readonly fetchMaxWaitMs: number;
  readonly maxBytesPerFetch: number;
  /** False for a record the consumer is not interested in: it is skipped and committed past. */
  readonly accepts: (record: LogRecord) => boolean;
  /**
   * Handles one record (decodes it and calls the user's handler). A {@link DecodeFailure} thrown
   * here is reported with phase `decode`, anything else with phase `handler`.
   */
  readonly process: (record: LogRecord, ctx: EventContext) => Promise<void>;
  /**
   * Batch mode (instead of `process`): all accepted records of one fetch at once. A throw pauses
   * the partition at the batch's first record (the whole batch is delivered again on resume).
   */
  readonly processBatch?: (records: readonly LogRecord[], ctx: BatchContext) => Promise<void>;
  /** Commits `offset` (next to consume) for this fetcher's partition. */
  readonly commit: (fetcher: PartitionFetcher, offset: bigint) => Promise<void>;
  readonly report: (error: unknown, ctx: ConsumerErrorContext) => void;
  /**
   * Key-level parallelism: records with different keys are handled concurrently (up to `keys` at
   * once in this partition and `limit` across the member), records with the same key in order.
   * Absent: one record at a time.
   */
  readonly concurrency?: { readonly keys: number; readonly limit: InFlightLimit };
}

const MAX_BACKOFF_MS = 1000;

/** Wraps an error of decoding or validating a record (as opposed to an error of the handler). */
export class DecodeFailure extends Error {
  constructor(readonly error: unknown) {
    super('the record could not be decoded', { cause: error });
  }
}

/**
 * Consumes one assigned partition: fetches from the log, decodes, and calls the handler for one
 * record at a time, strictly in offset order. A failing record pauses the partition at that record
 * (nothing past it is delivered or committed) until `resume()`.
 */
export class PartitionFetcher {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to deliver; undefined until the start position is resolved. */
  private position: bigint | undefined;
  /** Next offset after the last record delivered in order (or skipped). */
  private delivered: bigint | undefined;
  /** Records being handled concurrently, and the scheduler keeping same-key records in order. */
  private readonly inFlight = new InFlightOffsets();
  private readonly scheduler: KeyedScheduler | undefined;
  /** Last offset committed for this partition by this consumer (or found committed at start). */
  committed: bigint | undefined;
  private busy: BusyHandler | undefined;
  private userPaused: boolean;
  private failed = false;
  private stopping = false;
  private abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private readonly done: Promise<void>;
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  constructor(
    private readonly deps: FetcherDeps,
    paused: boolean,
  ) {
    this.topic = deps.grant.topic;
    this.partition = deps.grant.partition;
    this.userPaused = paused;
    if (deps.concurrency) this.scheduler = new KeyedScheduler(deps.concurrency.keys);
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.done = this.loop();
  }

  /** What a commit stores: the offset after the last record handled, below any still in flight. */
  get processed(): bigint | undefined {
    return this.inFlight.lowest() ?? this.delivered;
  }

  get epoch(): number {
    return this.deps.grant.epoch;
  }

  get memberId(): string {
    return this.deps.memberId;
  }

  /** The handler in flight, for liveness checks. */
  busySince(): BusyHandler | undefined {
    return this.busy;
  }

  /** True when paused by the user or by a failing record. */
  isPaused(): boolean {
    return this.userPaused || this.failed;
  }

  pause(): void {
    this.userPaused = true;
    this.abort.abort();
  }

  /** Lifts a user pause and retries a failed record. */
  resume(): void {
    this.userPaused = false;
    this.failed = false;
    this.wake();
  }

  /** Stops fetching; resolves once the in-flight handler (if any) has returned. */
  stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake();
    return this.done;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Waits for `wake()` (or `ms` when given). */
  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
  }

  private where(offset?: bigint): Omit<ConsumerErrorContext, 'phase'> {
    const { group, memberId } = this.deps;
    return {
      group,
      memberId,
      topic: this.topic,
      partition: this.partition,
      ...(offset === undefined ? {} : { offset }),
    };
  }

  private async loop(): Promise<void> {
    let backoff = 50;
    while (!this.stopping) {
      try {
        if (this.position === undefined) {
          await this.resolveStart();
          this.markReady();
        } else if (this.isPaused()) {
          await this.sleep();
        } else {
          await this.fetchAndDeliver();
        }
        backoff = 50;
      } catch (err) {
        if (this.stopping || isTributaryError(err, 'CLOSED')) break;
        this.deps.report(err, { ...this.where(this.position), phase: 'fetch' });
        this.markReady();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    this.markReady();
    await this.scheduler?.idle(); // concurrent handlers finish before the partition is let go
  }

  /** The committed offset, else the `from` policy. */
  private async resolveStart(): Promise<void> {
    const committed = (await this.deps.log.fetchOffsets(this.deps.group, this.topic)).find(
      (o) => o.partition === this.partition,
    );
    const start = committed?.offset ?? (await this.startFrom());
    this.committed = committed?.offset;
    this.position = start;
    this.delivered = start;
  }

  private async startFrom(): Promise<bigint> {
    const { log, from } = this.deps;
    if (from === 'earliest') return log.earliestOffset(this.topic, this.partition);
    if (from === 'latest') return log.latestOffset(this.topic, this.partition);
    const found = await log.offsetForTimestamp(this.topic, this.partition, from.timestamp);
    return found ?? log.latestOffset(this.topic, this.partition);
  }

  private async fetchAndDeliver(): Promise<void> {
    const position = this.position as bigint;
    this.abort = new AbortController();
    let result: Awaited<ReturnType<Log['fetch']>>;
    try {
      result = await this.deps.log.fetch(this.topic, this.partition, position, {
        maxWaitMs: this.deps.fetchMaxWaitMs,
        maxBytes: this.deps.maxBytesPerFetch,
        signal: this.abort.signal,
      });
    } catch (err) {
      if (isTributaryError(err, 'OFFSET_OUT_OF_RANGE') && !this.stopping)
        return this.resetPosition(position, err);
      throw err;
    }
    if (result.records.length === 0) {
      if (result.nextOffset > position) this.advanceTo(result.nextOffset);
      // An empty answer without waiting (fetchMaxWaitMs 0, aborted): yield before asking again.
      else await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    if (this.deps.processBatch) {
      if (!(await this.deliverBatch(result.records, position, result.highWatermark, this.deps.processBatch)))
        return;
    } else {
      for (const record of result.records) {
        if (this.stopping || this.isPaused()) return;
        if (record.offset < position) continue;
        if (!(await this.deliver(record, result.highWatermark))) return;
        this.advanceTo(record.offset + 1n);
      }
    }
    // Everything delivered: step over any gap the log reports (e.g. control records).
    if (result.nextOffset > (this.position as bigint)) this.advanceTo(result.nextOffset);
  }

  private advanceTo(offset: bigint): void {
    if (this.failed) return; // a concurrent failure moved the position back; it stays there
    this.position = offset;
    this.delivered = offset;
  }

  /** Delivers one record; false when it failed and the partition is now paused at it. */
  private async deliver(record: LogRecord, highWatermark: bigint): Promise<boolean> {
    try {
      if (!this.deps.accepts(record)) return true;
    } catch (err) {
      return this.fail(err, record, 'decode');
    }
    const ctx: EventContext = {
      topic: this.topic,
      partition: this.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key,
      headers: record.headers,
      highWatermark,
      commit: () => this.deps.commit(this, record.offset + 1n),
    };
    if (this.scheduler) return this.deliverConcurrently(record, ctx, this.scheduler);
    this.busy = { since: Date.now(), topic: this.topic, partition: this.partition };
    try {
      await this.deps.process(record, ctx);
    } catch (err) {
      if (err instanceof DecodeFailure) return this.fail(err.error, record, 'decode');
      return this.fail(err, record, 'handler');
    } finally {
      this.busy = undefined;
    }
    return true;
  }

  /** Delivers the accepted records of one fetch as one batch; false when it failed (paused). */
  private async deliverBatch(
    fetched: readonly LogRecord[],
    position: bigint,
    highWatermark: bigint,
    processBatch: (records: readonly LogRecord[], ctx: BatchContext) => Promise<void>,
  ): Promise<boolean> {
    const records: LogRecord[] = [];
    for (const record of fetched) {
      if (record.offset < position) continue;
      try {
        if (this.deps.accepts(record)) records.push(record);
      } catch (err) {
        return this.fail(err, record, 'decode');
      }
    }
    const last = fetched[fetched.length - 1];
    if (records.length > 0) {
      this.busy = { since: Date.now(), topic: this.topic, partition: this.partition };
      try {
        await processBatch(records, {
          topic: this.topic,
          partition: this.partition,
          highWatermark,
          commit: (offset) => this.deps.commit(this, offset),
        });
      } catch (err) {
        return this.fail(err, records[0]!, 'handler');
      } finally {
        this.busy = undefined;
      }
    }
    if (last !== undefined) this.advanceTo(last.offset + 1n);
    return true;
  }

  /**
   * Starts handling a record beside others of different keys (same key: after the earlier ones),
   * waiting first for a free slot of the member's in-flight limit (backpressure). A failure pauses
   * the partition at the failed record; records after it that were already handled are delivered
   * again on resume (at-least-once).
   */
  private async deliverConcurrently(
    record: LogRecord,
    ctx: EventContext,
    scheduler: KeyedScheduler,
  ): Promise<boolean> {
    const limit = this.deps.concurrency!.limit;
    await limit.acquire();
    this.inFlight.add(record.offset);
    this.busy ??= { since: Date.now(), topic: this.topic, partition: this.partition };
    const key = record.key === null ? null : Buffer.from(record.key).toString('latin1');
    // Not awaiting the start: a record waiting behind its key must not hold up other keys.
    void scheduler
      .submit(key, () => this.deps.process(record, ctx))
      .then(({ done }) => done)
      .then(
        () => undefined,
        (err: unknown) => {
          if (!this.failed || record.offset < (this.position as bigint)) {
            const decode = err instanceof DecodeFailure;
            this.fail(decode ? err.error : err, record, decode ? 'decode' : 'handler');
            this.abort.abort(); // stop a waiting fetch: the partition is paused now
          }
        },
      )
      .finally(() => {
        this.inFlight.remove(record.offset);
        // Liveness counts from the last progress, not from the first record of a busy stretch.
        this.busy =
          this.inFlight.size === 0
            ? undefined
            : { since: Date.now(), topic: this.topic, partition: this.partition };
        limit.release();
      });
    return !this.failed;
  }

  /**
   * The failure seam: today a failing record pauses its partition at that record; retry and
   * dead-letter policies will decide here instead.
   */
  private fail(error: unknown, record: LogRecord, phase: 'decode' | 'handler'): false {
    this.failed = true;
    this.position = record.offset;
    // Never commit past the failed record (with concurrency, later records may be done already).
    if (this.delivered === undefined || record.offset < this.delivered) this.delivered = record.offset;
    this.deps.report(error, { ...this.where(record.offset), phase });
    return false;
  }

  /** The position fell out of the log (retention): restart per `from`, and say so. */
  private async resetPosition(position: bigint, cause: unknown): Promise<void> {
    const target = await this.startFrom();
    const from =
      typeof this.deps.from === 'string' ? this.deps.from : `timestamp ${this.deps.from.timestamp}`;
    const error = new LogError(
      'OFFSET_OUT_OF_RANGE',
      `Consumer group "${this.deps.group}" position ${position} on ${this.topic}:${this.partition} is no longer in the log (removed by retention?); resuming at offset ${target} per from=${from}. Records in between were not consumed.`,
      { cause },
    );
    this.position = target;
    this.delivered = target;
    this.deps.report(error, { ...this.where(position), phase: 'offset-reset' });
  }
}
