import type { DedupeStore } from './dedupe.js';

/** Identifies one consumed event in an exactly-once transaction. */
export interface ExactlyOnceKey {
  readonly group: string;
  readonly eventId: string;
  readonly topic: string;
  readonly partition: number;
  /** The offset to resume from after this event (its offset + 1). */
  readonly nextOffset: bigint;
}

/**
 * The ExactlyOnce port: a transactional store in which a handler's own writes, the dedupe mark of
 * the event and the consumed offset commit together, all or nothing. Implemented on SQLite by
 * `SqliteExactlyOnce` (`@tributary/sqlite`), whose transactions are synchronous, so the effect is
 * a synchronous function of the transaction handle `Tx`.
 */
export interface ExactlyOnceStore<Tx> {
  /**
   * Runs `effect(tx)` in one transaction with marking `key.eventId` as handled by `key.group` and
   * recording `key.nextOffset`. When the event was already handled, nothing runs and
   * `{ applied: false }` is returned. When `effect` throws, nothing is written and it rethrows.
   */
  apply<T>(key: ExactlyOnceKey, effect: (tx: Tx) => T): { applied: true; result: T } | { applied: false };
  /**
   * Runs `fn` in one transaction: `apply` calls inside it commit together (one durable write for
   * many events), each still all-or-nothing on its own when its effect throws.
   */
  transaction<T>(fn: () => T): T;
  /** The same dedupe records, for checks outside a transaction. */
  readonly dedupe: DedupeStore;
}
