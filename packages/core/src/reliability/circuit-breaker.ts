import { invalidArgument } from '../errors/errors.js';

/** When a {@link CircuitBreaker} opens and how long it stays open. */
export interface CircuitBreakerOptions {
  /** Open after this many failures inside `windowMs`. Integer from 1 to 1 000 000. */
  failureThreshold: number;
  /** The sliding window failures are counted in. Over 0, at most 86 400 000 ms (one day). */
  windowMs: number;
  /** How long to stay open before one half-open trial call. Over 0, at most 86 400 000 ms. */
  cooldownMs: number;
}

/**
 * - `closed`: calls go ahead, failures are counted;
 * - `open`: calls wait for the cool-down to end;
 * - `half-open`: one trial call goes ahead; its outcome closes or re-opens the circuit.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

const DAY_MS = 86_400_000;

/**
 * Pauses a subscription after `failureThreshold` handler failures within `windowMs`, instead of
 * burning retries against a dependency that is down; after `cooldownMs` it lets one trial call
 * through (half-open) and closes again if that succeeds.
 *
 * Every call let through (by {@link waitMs} returning 0 or {@link admit} resolving) must be reported
 * with {@link onSuccess} or {@link onFailure}. If a half-open trial is never reported, its slot is
 * reclaimed after another `cooldownMs` so the circuit cannot stay stuck.
 *
 * Time comes from the injected `now()` (default `Date.now`), so tests drive it with a fake clock.
 */
export class CircuitBreaker {
  private readonly options: CircuitBreakerOptions;
  private readonly now: () => number;
  private current: CircuitState = 'closed';
  /** Failure times inside the window, oldest first (closed state only). */
  private failures: number[] = [];
  /** When the cool-down ends (open) or the trial slot is reclaimed (half-open). */
  private until = 0;
  private trialInFlight = false;
  /** Wakes sleeping `admit()` callers so they re-check the state after it changed. */
  private readonly wakers = new Set<() => void>();

  /** @throws ValidationError `INVALID_ARGUMENT` naming the option and its allowed range. */
  constructor(options: CircuitBreakerOptions, now: () => number = Date.now) {
    this.options = validate(options);
    this.now = now;
  }

  /** The state as of the last call; `open` turns `half-open` only when a caller asks to go ahead. */
  get state(): CircuitState {
    return this.current;
  }

  /**
   * 0 when a call may go ahead now (closed, or the half-open trial); otherwise the ms until the
   * cool-down ends (open) or until the in-flight trial's slot is reclaimed (half-open: only one trial
   * runs at a time). When open and the cool-down has passed, moves to half-open and admits the trial.
   */
  waitMs(): number {
    if (this.current === 'closed') return 0;
    const remaining = this.until - this.now();
    if (remaining > 0 && (this.current === 'open' || this.trialInFlight)) return remaining;
    this.current = 'half-open';
    this.trialInFlight = true;
    this.until = this.now() + this.options.cooldownMs;
    return 0;
  }

  /** Reports a call that succeeded. A half-open trial's success closes the circuit and clears the history. */
  onSuccess(): void {
    if (this.current !== 'half-open') return; // closed: nothing to do; open: a late call from before opening
    this.current = 'closed';
    this.failures = [];
    this.trialInFlight = false;
    this.wake();
  }

  /**
   * Reports a call that failed. Closed: records it; `failureThreshold` failures within `windowMs`
   * open the circuit. Half-open: the trial failed, so it opens again with a new cool-down. Open: a
   * late call from before opening; ignored so it does not extend the cool-down.
   */
  onFailure(): void {
    const at = this.now();
    if (this.current === 'open') return;
    if (this.current === 'half-open') {
      this.open(at);
      return;
    }
    this.failures.push(at);
    const windowStart = at - this.options.windowMs;
    while ((this.failures[0] ?? at) <= windowStart) this.failures.shift();
    if (this.failures.length >= this.options.failureThreshold) this.open(at);
  }

  /**
   * Resolves when a call may go ahead, sleeping with the given `sleep` (which must resolve early when
   * its signal aborts, like the package's `sleep`) while the circuit is open or a trial is in flight.
   * Rejects with `signal.reason` when `signal` aborts first.
   */
  async admit(
    sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = this.waitMs();
      if (wait === 0) return;
      // One controller per wait: aborted by the caller's signal or by a state change.
      const wake = new AbortController();
      const stop = (): void => wake.abort();
      signal?.addEventListener('abort', stop, { once: true });
      this.wakers.add(stop);
      try {
        await sleep(wait, wake.signal);
      } finally {
        signal?.removeEventListener('abort', stop);
        this.wakers.delete(stop);
      }
    }
  }

  private open(at: number): void {
    this.current = 'open';
    this.until = at + this.options.cooldownMs;
    this.failures = [];
    this.trialInFlight = false;
    this.wake();
  }

  private wake(): void {
    for (const stop of [...this.wakers]) stop();
  }
}

function validate(options: CircuitBreakerOptions): CircuitBreakerOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(
      'circuit breaker options must be an object with failureThreshold, windowMs, cooldownMs',
    );
  }
  const { failureThreshold, windowMs, cooldownMs } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 1_000_000) {
    throw optionError('failureThreshold', 'must be an integer from 1 to 1000000', failureThreshold);
  }
  if (!isFiniteNumber(windowMs) || windowMs <= 0 || windowMs > DAY_MS) {
    throw optionError('windowMs', `must be a number over 0 and at most ${DAY_MS} ms`, windowMs);
  }
  if (!isFiniteNumber(cooldownMs) || cooldownMs <= 0 || cooldownMs > DAY_MS) {
    throw optionError('cooldownMs', `must be a number over 0 and at most ${DAY_MS} ms`, cooldownMs);
  }
  return { failureThreshold, windowMs, cooldownMs };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function optionError(field: string, rule: string, value: unknown) {
  return invalidArgument(`circuit breaker ${field} ${rule}, got ${String(value)}`, [
    { path: field, message: rule },
  ]);
}
