import type { Consumer } from '../bus/consumer.js';
import { SerialQueue } from '../bus/serial-queue.js';
import type { BatchContext, ConsumerOptions } from '../bus/types.js';
import { uuidv7 } from '../events/uuid-v7.js';
import type { Log, LogRecord } from '../ports/log.js';
import { closed } from './timer-errors.js';
import {
  appendTimerRecords,
  decodeTimerRecord,
  ensureTimersTopic,
  markerRecord,
  scheduleRecord,
  TIMERS_GROUP,
  TIMERS_TOPIC,
  type Timer,
} from './timer-records.js';
import { TimerTable } from './timer-table.js';
import type {
  DeliveryItem,
  DeliveryOutcome,
  PublishScheduler,
  ScheduledEvent,
  ScheduledFilter,
  ScheduledPublish,
  ScheduledReceipt,
  TimerErrorContext,
} from './types.js';

/** Longest single sleep: long delays never overflow `setTimeout`, and wall-clock jumps are noticed. */
const MAX_SLEEP_MS = 60_000;

/** What the timer service needs from its bus. */
export interface TimerServiceDeps {
  readonly log: Log;
  /** A consumer group member (`bus.consumer`). */
  readonly createConsumer: (options: ConsumerOptions) => Pick<Consumer, 'run' | 'stop'>;
  /** Appends due events to their topics, placed as `publishBatch` would; one outcome per item. */
  readonly deliver: (items: readonly DeliveryItem[]) => Promise<DeliveryOutcome[]>;
  readonly onError: (error: unknown, ctx: TimerErrorContext) => void;
}

/**
 * Durable timers over the Log port. A scheduled publish is one record in the timers topic; the
 * service reads that topic in the `tributary.timers` group, keeps pending timers in a min-heap and
 * fires each when due: it appends the stored event record to its topic, then a `fired` marker.
 * Cancelling appends a `cancelled` marker.
 *
 * At start the topic is read to its end before anything fires, so a timer fired (or cancelled)
 * before a restart is not fired again. One exception: a crash after delivering and before the
 * marker is durable delivers the event again after the restart, with the same CloudEvent id —
 * consumers with dedupe see it once. The group's committed offset stays at the earliest schedule
 * record still pending, so a restart re-reads only from there.
 */
export class TimerService implements PublishScheduler {
  private readonly table = new TimerTable();
  private readonly commits = new SerialQueue();
  private opening: Promise<void> | undefined;
  private consumer: Pick<Consumer, 'run' | 'stop'> | undefined;
  private batchContext: BatchContext | undefined;
  private maxMessageBytes = 0;
  /** The next offset of the timers topic not applied yet (only moves forward). */
  private consumedNext = 0n;
  private committed: bigint | undefined;
  /** The topic's end when the service opened: nothing fires before it has been read. */
  private openingEnd = 0n;
  private caughtUp = false;
  private signalCaughtUp: () => void = () => {};
  private readonly caughtUpSignal = new Promise<void>((resolve) => {
    this.signalCaughtUp = resolve;
  });
  private alarm: ReturnType<typeof setTimeout> | undefined;
  private round: Promise<void> | undefined;
  /** Schedules being appended: a round waits for them, so timers published together fire in order. */
  private readonly recording = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: TimerServiceDeps) {}

  /** Creates the timers topic if needed and starts consuming it. Idempotent; retried after a failure. */
  start(): Promise<void> {
    if (this.stopping !== undefined) return Promise.reject(closed());
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  /** Durably records timers for `items`; resolves once their records are appended. */
  async schedule(items: readonly ScheduledPublish[]): Promise<ScheduledReceipt[]> {
    await this.start();
    const work = this.record(items);
    this.recording.add(work);
    try {
      return await work;
    } finally {
      this.recording.delete(work);
    }
  }

  private async record(items: readonly ScheduledPublish[]): Promise<ScheduledReceipt[]> {
    const ids = items.map(() => uuidv7());
    const offsets = await appendTimerRecords(
      this.deps.log,
      this.maxMessageBytes,
      items.map((item, i) => scheduleRecord(ids[i] as string, item)),
    );
    const receipts = items.map((item, i): ScheduledReceipt => {
      const id = ids[i] as string;
      const offset = offsets[i] as bigint;
      const { topic, partition, record, deliverAt } = item;
      // Known at once, without waiting for the consumer to read the record back.
      this.table.add({
        id,
        offset,
        topic,
        partition,
        record,
        deliverAt,
        dueAt: deliverAt,
        failedAttempts: 0,
      });
      return { id, topic: TIMERS_TOPIC, partition: 0, offset, deliverAt };
    });
    this.arm();
    return receipts;
  }

  /** Cancels a pending timer; false when none is pending under `id` (unknown, fired, cancelled). */
  async cancel(id: string): Promise<boolean> {
    await this.ready();
    const timer = this.table.cancel(id);
    if (timer === undefined) return false;
    this.arm();
    try {
      await appendTimerRecords(this.deps.log, this.maxMessageBytes, [markerRecord(id, 'cancelled')]);
    } catch (err) {
      this.table.uncancel(timer);
      this.arm();
      throw err;
    }
    await this.commit();
    return true;
  }

  /** Pending timers, earliest first, once the timers topic has been read. */
  async list(filter?: ScheduledFilter): Promise<ScheduledEvent[]> {
    await this.ready();
    return this.table.list(filter);
  }

  /** Stops firing and consuming; commits what is settled. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.alarm !== undefined) clearTimeout(this.alarm);
    this.signalCaughtUp(); // waiters wake up and see the service stopping
    await this.opening?.catch(() => {});
    await this.round;
    await this.commit();
    await this.consumer?.stop();
  }

  private async open(): Promise<void> {
    const { log } = this.deps;
    this.maxMessageBytes = await ensureTimersTopic(log);
    const [earliest, end, offsets] = await Promise.all([
      log.earliestOffset(TIMERS_TOPIC, 0),
      log.latestOffset(TIMERS_TOPIC, 0),
      log.fetchOffsets(TIMERS_GROUP, TIMERS_TOPIC),
    ]);
    const committed = offsets.find((o) => o.partition === 0)?.offset;
    // Where the consumer will start: the committed offset, or the earliest when there is none or it is out of range.
    const start = committed !== undefined && committed >= earliest && committed <= end ? committed : earliest;
    this.committed = committed;
    if (start > this.consumedNext) this.consumedNext = start;
    this.openingEnd = end;
    if (start >= end) this.markCaughtUp();
    if (this.stopping !== undefined) return;
    const consumer = this.deps.createConsumer({
      group: TIMERS_GROUP,
      topics: [TIMERS_TOPIC],
      from: 'earliest',
      autoCommit: false,
      onError: (error) => this.deps.onError(error, { phase: 'consume' }),
    });
    this.consumer = consumer;
    try {
      await consumer.run({ eachRecordBatch: (records, ctx) => this.applyBatch(records, ctx) });
    } catch (err) {
      this.consumer = undefined;
      await consumer.stop().catch(() => {});
      throw err;
    }
  }

  private async applyBatch(records: readonly LogRecord[], ctx: BatchContext): Promise<void> {
    this.batchContext = ctx;
    for (const record of records) {
      // Read again after a rejoin: already applied.
      if (record.offset < this.consumedNext) continue;
      const decoded = decodeTimerRecord(record);
      if (decoded !== undefined) this.table.apply(decoded);
      this.consumedNext = record.offset + 1n;
    }
    if (!this.caughtUp && this.consumedNext >= this.openingEnd) this.markCaughtUp();
    this.arm();
    await this.commit();
  }

  private markCaughtUp(): void {
    this.caughtUp = true;
    this.signalCaughtUp();
    this.arm();
  }

  /** Started and caught up with the timers topic; rejects with `CLOSED` once stopping. */
  private async ready(): Promise<void> {
    await this.start();
    await this.caughtUpSignal;
    if (this.stopping !== undefined) throw closed();
  }

  /** Sets one timeout for the earliest due timer (none while a round runs: it re-arms when done). */
  private arm(): void {
    if (!this.caughtUp || this.stopping !== undefined || this.round !== undefined) return;
    if (this.alarm !== undefined) clearTimeout(this.alarm);
    this.alarm = undefined;
    const next = this.table.nextDueAt();
    if (next === undefined) return;
    const delay = Math.min(Math.max(0, next - Date.now()), MAX_SLEEP_MS);
    this.alarm = setTimeout(() => {
      this.alarm = undefined;
      this.fireRound();
    }, delay);
    // Timers are durable: a pending one need not keep the process alive.
    this.alarm.unref();
  }

  private fireRound(): void {
    if (this.round !== undefined || this.stopping !== undefined) return;
    this.round = this.fireDue()
      .catch((error: unknown) => this.deps.onError(error, { phase: 'fire' }))
      .finally(() => {
        this.round = undefined;
        this.arm();
      });
  }

  /** Delivers due timers in rounds (one append per target partition), then writes their markers. */
  private async fireDue(): Promise<void> {
    while (this.stopping === undefined) {
      // The consumer may have read part of an append not yet acknowledged: wait until all of it is known.
      if (this.recording.size > 0) await Promise.allSettled([...this.recording]);
      const due = this.table.takeDue(Date.now());
      if (due.length === 0) return;
      let outcomes: readonly DeliveryOutcome[];
      try {
        outcomes = await this.deps.deliver(due);
      } catch (error) {
        outcomes = due.map(() => ({ ok: false, error }));
      }
      const fired: Timer[] = [];
      const now = Date.now();
      for (const [i, timer] of due.entries()) {
        const outcome = outcomes[i] ?? { ok: false, error: new Error('no delivery outcome') };
        if (outcome.ok) {
          this.table.fired(timer);
          fired.push(timer);
        } else {
          this.table.failed(timer, now);
          this.deps.onError(outcome.error, { phase: 'fire', timerId: timer.id, topic: timer.topic });
        }
      }
      if (fired.length > 0) {
        try {
          await appendTimerRecords(
            this.deps.log,
            this.maxMessageBytes,
            fired.map((t) => markerRecord(t.id, 'fired')),
          );
        } catch (error) {
          for (const t of fired) this.deps.onError(error, { phase: 'marker', timerId: t.id, topic: t.topic });
        }
      }
      await this.commit();
    }
  }

  /** Commits the timers group up to the lowest offset still needed, when that moved forward. */
  private commit(): Promise<void> {
    return this.commits.run(async () => {
      const ctx = this.batchContext;
      if (ctx === undefined) return; // nothing read yet: nothing to move past
      const needed = this.table.neededOffset(this.consumedNext);
      if (this.committed !== undefined && needed <= this.committed) return;
      try {
        await ctx.commit(needed);
        this.committed = needed;
      } catch (error) {
        this.deps.onError(error, { phase: 'commit' });
      }
    });
  }
}
