import { invalidArgument } from '../errors/errors.js';

/**
 * How a subscription retries a failing handler before dead-lettering the event. Every field is
 * optional; {@link resolveRetryPolicy} fills the defaults and validates the ranges.
 *
 * The delay before attempt `n + 1` is `min(maxDelayMs, initialDelayMs * multiplier^(n - 1))`, then
 * jittered (see `jitter`), so with the defaults the waits are about 100, 200, 400, 800 ms.
 */
export interface RetryOptions {
  /** Total attempts including the first; `1` means no retries. Integer from 1 to 1000. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry, before jitter. 0 to 86 400 000 ms (one day). Default 100. */
  initialDelayMs?: number;
  /**
   * Cap on any delay, before jitter. From `initialDelayMs` to 86 400 000 ms. Default 30 000, or
   * `initialDelayMs` when that is larger.
   */
  maxDelayMs?: number;
  /** Growth factor between consecutive delays. 1 (constant delay) to 100. Default 2. */
  multiplier?: number;
  /**
   * Spreads retries of many consumers apart so they do not hit a recovering dependency together
   * (terms from the AWS Architecture Blog, "Exponential Backoff And Jitter"):
   * - `'full'` (default): a random delay in `[0, d)`;
   * - `'equal'`: `d / 2` plus a random delay in `[0, d / 2)`;
   * - `'none'`: exactly `d`.
   */
  jitter?: 'full' | 'equal' | 'none';
  /**
   * Classifies errors the built-in rules do not: return `false` to dead-letter at once (no retries).
   * Any other return value leaves the error transient. See `isPermanentFailure`.
   */
  isRetryable?: (error: unknown) => boolean;
}

/** A validated {@link RetryOptions} with every default filled in. Frozen. */
export interface RetryPolicy extends Required<Omit<RetryOptions, 'isRetryable'>> {
  isRetryable?: (error: unknown) => boolean;
}

const DAY_MS = 86_400_000;
const JITTERS: readonly string[] = ['full', 'equal', 'none'];
const KNOWN_FIELDS: readonly string[] = [
  'maxAttempts',
  'initialDelayMs',
  'maxDelayMs',
  'multiplier',
  'jitter',
  'isRetryable',
];

/**
 * Validates retry options and fills the defaults. `false` turns retries off (`maxAttempts: 1`);
 * `undefined` gives the defaults.
 *
 * @throws ValidationError `INVALID_ARGUMENT` naming the field and its allowed range, for a value out
 * of range, of the wrong type, or an unknown field (a typo such as `maxRetries`).
 */
export function resolveRetryPolicy(options?: RetryOptions | false): RetryPolicy {
  if (options === false) return resolveRetryPolicy({ maxAttempts: 1 });
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(`retry options must be an object or false, got ${String(options)}`, [
      { path: 'retry', message: 'must be an object or false' },
    ]);
  }
  for (const field of Object.keys(options)) {
    if (!KNOWN_FIELDS.includes(field)) {
      throw invalidArgument(`unknown retry option ${field}; known options: ${KNOWN_FIELDS.join(', ')}`, [
        { path: field, message: 'is not a retry option' },
      ]);
    }
  }
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000) {
    throw fieldError('maxAttempts', 'must be an integer from 1 to 1000', maxAttempts);
  }
  const initialDelayMs = options.initialDelayMs ?? 100;
  checkRange('initialDelayMs', initialDelayMs, 0, DAY_MS, 'ms');
  const maxDelayMs = options.maxDelayMs ?? Math.max(30_000, initialDelayMs);
  checkRange('maxDelayMs', maxDelayMs, initialDelayMs, DAY_MS, 'ms (at least initialDelayMs)');
  const multiplier = options.multiplier ?? 2;
  checkRange('multiplier', multiplier, 1, 100, '');
  const jitter = options.jitter ?? 'full';
  if (!JITTERS.includes(jitter)) {
    throw fieldError('jitter', "must be 'full', 'equal' or 'none'", jitter);
  }
  const { isRetryable } = options;
  if (isRetryable !== undefined && typeof isRetryable !== 'function') {
    throw fieldError('isRetryable', 'must be a function (error) => boolean', isRetryable);
  }
  const policy: RetryPolicy = { maxAttempts, initialDelayMs, maxDelayMs, multiplier, jitter };
  if (isRetryable !== undefined) policy.isRetryable = isRetryable;
  return Object.freeze(policy);
}

/**
 * The delay in whole ms before attempt `attempt + 1`, after attempt `attempt` (1-based) failed:
 * `min(maxDelayMs, initialDelayMs * multiplier^(attempt - 1))` with the policy's jitter applied.
 * `random` must return a number in `[0, 1)` (default `Math.random`); inject a fixed one in tests.
 *
 * @throws ValidationError `INVALID_ARGUMENT` when `attempt` is not an integer of at least 1.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw invalidArgument(`backoff attempt must be an integer of at least 1, got ${String(attempt)}`, [
      { path: 'attempt', message: 'must be an integer of at least 1' },
    ]);
  }
  const { initialDelayMs, maxDelayMs, multiplier } = policy;
  // 0 * Infinity is NaN: a zero initial delay stays zero however large the exponent gets.
  const base = initialDelayMs === 0 ? 0 : Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
  // Clamp a misbehaving random source so the result stays inside [0, base].
  const r = Math.min(Math.max(random(), 0), 1);
  switch (policy.jitter) {
    case 'none':
      return Math.round(base);
    case 'equal':
      return Math.round(base / 2 + (r * base) / 2);
    default:
      return Math.round(r * base);
  }
}

function checkRange(field: string, value: unknown, min: number, max: number, unit: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const suffix = unit === '' ? '' : ` ${unit}`;
    throw fieldError(field, `must be a number from ${min} to ${max}${suffix}`, value);
  }
}

function fieldError(field: string, rule: string, value: unknown) {
  const got = value === undefined ? '' : `, got ${typeof value === 'string' ? `'${value}'` : String(value)}`;
  return invalidArgument(`retry option ${field} ${rule}${got}`, [{ path: field, message: rule }]);
}
