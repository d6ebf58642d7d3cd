import type { LogRecordInput } from '../ports/log.js';

/**
 * When a scheduled publish is due: a `Date`, an RFC 3339 string (`2030-01-01T09:00:00Z`) or
 * milliseconds since the epoch.
 */
export type DeliverAt = Date | string | number;

/** The scheduling options of `bus.publish` and of a `publishBatch` entry. */
export interface ScheduleOptions {
  /**
   * Deliver the event at this time, not before. A time that has passed publishes at once. Not
   * together with `delayMs`.
   */
  readonly deliverAt?: DeliverAt;
  /** Deliver the event this many milliseconds from now (>= 0; 0 publishes at once). Not with `deliverAt`. */
  readonly delayMs?: number;
}

/** A pending scheduled publish, as listed by `bus.scheduled()`. */
export interface ScheduledEvent {
  /** The timer id: `PublishResult.scheduledId`, for `bus.cancelScheduled`. */
  readonly id: string;
  /** Where the event goes when due. */
  readonly topic: string;
  /** The record key it will be published with (`null`: keyless). */
  readonly key: string | null;
  /** The explicit partition it was scheduled for, if any. */
  readonly partition?: number;
  /** When it is due. */
  readonly deliverAt: Date;
  /** The event's CloudEvents `type`. */
  readonly type: string;
  /** The event's CloudEvents `id` (kept when it fires: consumers with dedupe see it once). */
  readonly eventId: string;
  /** The event's `subject`, if any. */
  readonly subject?: string;
  /** The event's `correlationid` extension, if any (e.g. a saga's). */
  readonly correlationId?: string;
  /**
   * Failed delivery attempts so far (the target topic was missing, the log failed, …). Failed
   * attempts are retried with backoff; they do not change `deliverAt`.
   */
  readonly failedAttempts: number;
}

/** What `scheduled()` lists; every field is optional and they combine with AND. */
export interface ScheduledFilter {
  readonly topic?: string;
  /** The event type. */
  readonly type?: string;
  /** The event's correlation id (e.g. a saga's). */
  readonly correlationId?: string;
  /** Due at or before this time. */
  readonly dueBy?: DeliverAt;
}

/** Where a timer-service error happened, for `BusOptions.onTimerError`. */
export interface TimerErrorContext {
  /**
   * `start`: the timers topic could not be read or its consumer not started; `consume`: reading the
   * timers topic failed (retried by its consumer); `fire`: delivering a
   * due event failed (it is retried with backoff); `marker`: the event was delivered but its
   * `fired` marker could not be written (it may be delivered again after a restart); `commit`: the
   * timers group offset could not be committed (more is re-read after a restart).
   */
  readonly phase: 'start' | 'consume' | 'fire' | 'marker' | 'commit';
  /** The timer concerned, for `fire` and `marker`. */
  readonly timerId?: string;
  /** Its target topic, for `fire` and `marker`. */
  readonly topic?: string;
}

/** An encoded event and where it goes (its partition is placed as `publishBatch` would). Internal. */
export interface DeliveryItem {
  readonly topic: string;
  readonly record: LogRecordInput;
  /** Explicit partition; else by key, else sticky per topic. */
  readonly partition?: number | undefined;
}

/** Whether one {@link DeliveryItem} was appended. Internal. */
export type DeliveryOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** One event to schedule: already checked and encoded, its topic resolved. Internal. */
export interface ScheduledPublish extends DeliveryItem {
  /** Milliseconds since the epoch, in the future when scheduled. */
  readonly deliverAt: number;
}

/** Where a timer record was written. Internal. */
export interface ScheduledReceipt {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly deliverAt: number;
}

/** What the producer hands scheduled events to. Internal. */
export interface PublishScheduler {
  schedule(items: readonly ScheduledPublish[]): Promise<ScheduledReceipt[]>;
}
