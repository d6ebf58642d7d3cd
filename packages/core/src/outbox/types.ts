import type { RetryOptions } from '../reliability/retry-policy.js';

/** Options of `startOutboxRelay`. */
export interface OutboxRelayOptions {
  /** Names this instance in the lease (default: host, pid and a random part). */
  readonly owner?: string;
  /** How long the lease lasts without renewal; renewed every third of it. Default 30000 ms. */
  readonly leaseTtlMs?: number;
  /** Outbox entries read and published per pass. Default 100. */
  readonly batchSize?: number;
  /**
   * How often the outbox is polled for entries written by other processes (appends in this
   * process wake the relay at once), and how often a standby relay tries to take over. Default 1000 ms.
   */
  readonly pollIntervalMs?: number;
  /**
   * Backoff between retries of a failed publish or store call; retries never end (an entry is
   * never skipped). Default 100 ms doubling up to 30 s, with full jitter.
   */
  readonly retry?: Omit<RetryOptions, 'maxAttempts' | 'isRetryable'>;
  /** Called with each failed publish or store call before it is retried. Default: a line on stderr. */
  readonly onError?: (error: unknown) => void;
}

export type OutboxRelayState = 'starting' | 'active' | 'standby' | 'stopped';

export interface OutboxRelayStatus {
  readonly state: OutboxRelayState;
  /** Entries this instance published (re-publishes after a failed mark count again). */
  readonly published: number;
  /** Entries waiting, when this instance knows (active and its last read was not a full page). */
  readonly pending?: number;
  /** The last error while it is being retried (cleared by the next success). */
  readonly error?: unknown;
}

/** A running outbox relay, from `startOutboxRelay`. */
export interface OutboxRelay {
  status(): OutboxRelayStatus;
  /**
   * Resolves once the outbox has no pending entries (published by this relay or another
   * instance). Rejects with `CLOSED` when the relay stops first, `REQUEST_TIMEOUT` after
   * `timeoutMs` (default 30000).
   */
  whenIdle(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Finishes the publish in progress, releases the lease. Idempotent. */
  stop(): Promise<void>;
}
