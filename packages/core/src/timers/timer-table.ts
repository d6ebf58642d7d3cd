import { invalidArgument } from '../errors/errors.js';
import { estimateRecordBytes } from '../memory/record-size.js';
import { MinHeap } from './min-heap.js';
import { deliverAtMillis } from './schedule-options.js';
import { correlationIdOf, describeTimer, type Timer, type TimerRecord, typeOf } from './timer-records.js';
import type { ScheduledEvent, ScheduledFilter } from './types.js';

/** At most this many events per delivery round (one append per target partition). */
const MAX_ROUND_COUNT = 500;
/** At most about this many record bytes per round, well under a topic's default `maxMessageBytes`. */
const MAX_ROUND_BYTES = 256 * 1024;
/** Retry delays after failed deliveries: 100 ms, doubling, at most 30 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 30_000;

/** Due first, then published first (the schedule record's offset). */
const byDue = (a: Timer, b: Timer): number =>
  a.dueAt - b.dueAt || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0);

/**
 * The timer service's bookkeeping: timers pending (in a min-heap by due time), being delivered
 * (firing), and settled here (fired or cancelled) but whose marker has not been read back yet —
 * so that reading a timer's schedule record late, after it fired, cannot schedule it again.
 */
export class TimerTable {
  private readonly pending = new Map<string, Timer>();
  private readonly queue = new MinHeap<Timer>(byDue);
  private readonly firing = new Map<string, Timer>();
  private readonly settled = new Set<string>();

  /** Adds a timer unless it is already known (pending, firing or settled here). */
  add(timer: Timer): void {
    if (this.pending.has(timer.id) || this.firing.has(timer.id) || this.settled.has(timer.id)) return;
    this.pending.set(timer.id, timer);
    this.queue.push(timer);
  }

  /** Applies a record read back from the timers topic. */
  apply(record: TimerRecord): void {
    if (record.kind === 'scheduled') {
      this.add(record.timer);
      return;
    }
    // Its marker is read: nothing later in the topic refers to it any more.
    this.settled.delete(record.id);
    const timer = this.pending.get(record.id);
    if (timer !== undefined) {
      this.pending.delete(record.id);
      this.queue.remove(timer);
    }
  }

  /** When the earliest pending timer is due (ms since the epoch), if any. */
  nextDueAt(): number | undefined {
    return this.queue.peek()?.dueAt;
  }

  /**
   * Takes the timers due at `now` for one delivery round, earliest first, and marks them firing.
   * A timer that failed before goes alone, so one bad event cannot keep failing a whole round.
   */
  takeDue(now: number): Timer[] {
    const due: Timer[] = [];
    let bytes = 0;
    for (let top = this.queue.peek(); top !== undefined && top.dueAt <= now; top = this.queue.peek()) {
      const alone = top.failedAttempts > 0;
      const size = estimateRecordBytes(top.record);
      const full = due.length >= MAX_ROUND_COUNT || bytes + size > MAX_ROUND_BYTES;
      if (due.length > 0 && (alone || full)) break;
      this.queue.pop();
      this.pending.delete(top.id);
      this.firing.set(top.id, top);
      due.push(top);
      bytes += size;
      if (alone) break;
    }
    return due;
  }

  /** A firing timer was delivered. */
  fired(timer: Timer): void {
    this.firing.delete(timer.id);
    this.settled.add(timer.id);
  }

  /** A firing timer failed to deliver: pending again, due after a backoff. */
  failed(timer: Timer, now: number): void {
    this.firing.delete(timer.id);
    timer.failedAttempts += 1;
    timer.dueAt = now + Math.min(FIRST_RETRY_MS * 2 ** (timer.failedAttempts - 1), MAX_RETRY_MS);
    this.pending.set(timer.id, timer);
    this.queue.push(timer);
  }

  /** Takes a pending timer out (settled here); `undefined` when it is not pending. */
  cancel(id: string): Timer | undefined {
    const timer = this.pending.get(id);
    if (timer === undefined) return undefined;
    this.pending.delete(id);
    this.queue.remove(timer);
    this.settled.add(id);
    return timer;
  }

  /** Puts back a timer whose cancellation could not be recorded. */
  uncancel(timer: Timer): void {
    this.settled.delete(timer.id);
    this.add(timer);
  }

  /** Pending timers matching `filter`, earliest first. */
  list(filter: ScheduledFilter = {}): ScheduledEvent[] {
    if (typeof filter !== 'object' || filter === null) {
      throw invalidArgument('scheduled() expects an optional filter { topic, type, correlationId, dueBy }.');
    }
    const dueBy =
      filter.dueBy === undefined ? undefined : deliverAtMillis(filter.dueBy, 'scheduled() filter ', 'dueBy');
    const matches = (t: Timer): boolean =>
      (filter.topic === undefined || t.topic === filter.topic) &&
      (filter.type === undefined || typeOf(t) === filter.type) &&
      (filter.correlationId === undefined || correlationIdOf(t) === filter.correlationId) &&
      (dueBy === undefined || t.deliverAt <= dueBy);
    return [...this.pending.values()]
      .filter(matches)
      .sort((a, b) => a.deliverAt - b.deliverAt || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))
      .map(describeTimer);
  }

  /**
   * The lowest offset of the timers topic a restart must read again: the earliest schedule record
   * still pending or firing, else `consumedNext` (the next record not read yet).
   */
  neededOffset(consumedNext: bigint): bigint {
    let needed = consumedNext;
    for (const timer of this.pending.values()) if (timer.offset < needed) needed = timer.offset;
    for (const timer of this.firing.values()) if (timer.offset < needed) needed = timer.offset;
    return needed;
  }
}
