import type { RecordHeader } from '../ports/log.js';
import type { FailureInfo } from './dead-letter-record.js';

/** A pending dead letter as read back from a group's dead-letter topic. Byte arrays are copies. */
export interface DeadLetter {
  /** Where the letter sits in the dead-letter topic: the handle for `DeadLetters.get`. */
  readonly dlqPartition: number;
  readonly dlqOffset: bigint;
  /** The original record's key and value, byte for byte. */
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** The original record's headers, in order (the DLQ headers stripped). */
  readonly headers: readonly RecordHeader[];
  /** The original record's timestamp (ms since the epoch). */
  readonly timestamp: number;
  /** The event type (`ce_type` header), when the record has one. */
  readonly type?: string;
  /** The event id (`ce_id` header), when the record has one. */
  readonly eventId?: string;
  /** Why, where and when it failed, parsed back from the DLQ headers. */
  readonly failure: FailureInfo;
}

/**
 * Which dead letters an operation applies to. Every given field must match (AND); no filter (or
 * `{}`) matches every pending dead letter.
 */
export interface DeadLetterFilter {
  /** One letter by its place in the dead-letter topic (as `list` reports it). */
  at?: { partition: number; offset: bigint };
  /** Exact event type (the `ce_type` header). Records without one never match. */
  type?: string;
  /** Exact record key, compared as UTF-8 bytes. Keyless records never match. */
  key?: string;
  /** Only letters whose last failure is at or after this time (ms since the epoch, inclusive). */
  since?: number;
  /** Only letters whose last failure is before this time (ms since the epoch, exclusive). */
  until?: number;
  /** Matches the error class or the message: as a substring when a string, by `test` when a RegExp. */
  error?: string | RegExp;
  /** `list` only: return at most this many (the oldest). */
  limit?: number;
}
