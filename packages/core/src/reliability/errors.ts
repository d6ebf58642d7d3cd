import { invalidArgument, isTributaryError, TributaryError } from '../errors/errors.js';

/**
 * Thrown by a handler to send the event straight to the dead letters, without retrying: the input
 * itself is wrong (a refund for an unknown order, a malformed field the schema allowed), so another
 * attempt would fail the same way. Code `PERMANENT_FAILURE`, never retryable.
 *
 * @example
 * ```ts
 * if (!order) throw new PermanentError(`order ${id} does not exist`);
 * ```
 */
export class PermanentError extends TributaryError {
  override readonly name: string = 'PermanentError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('PERMANENT_FAILURE', message, { cause: options.cause, retryable: false });
  }
}

/** Validation codes that mean the record itself is bad: re-reading it cannot succeed. */
const PERMANENT_CODES = [
  'PERMANENT_FAILURE',
  'SCHEMA_MISMATCH',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_ENVELOPE',
] as const;

/**
 * True when a failure must not be retried and should go straight to the dead letters:
 * - a {@link PermanentError} (recognised by its code, so copies of the package from another install
 *   count too);
 * - a `ValidationError` with code `SCHEMA_MISMATCH`, `UNKNOWN_EVENT_TYPE` or `INVALID_ENVELOPE`;
 * - any error for which the subscription's `isRetryable(error)` hook returns exactly `false`.
 *
 * Everything else is transient. A hook that throws is treated as "no opinion" (transient): the attempt
 * limit still bounds the retries, and a bug in a classifier must not crash the consumer.
 */
export function isPermanentFailure(error: unknown, isRetryable?: (error: unknown) => boolean): boolean {
  for (const code of PERMANENT_CODES) if (isTributaryError(error, code)) return true;
  if (isRetryable === undefined) return false;
  try {
    return isRetryable(error) === false;
  } catch {
    return false;
  }
}

/** A short, header-safe description of a thrown value. See {@link describeFailure}. */
export interface FailureDescription {
  /** The error's class (`TypeError`, `PermanentError`, a custom class name), or `string`/`number`/… for non-Errors. */
  errorClass: string;
  /** The error's message (at most 2000 characters). */
  message: string;
  /** The stack trace cut to `maxStackLines` lines and 2000 characters; empty when there is none. */
  stack: string;
}

const MAX_TEXT_CHARS = 2000;

/**
 * Describes any thrown value as `{ errorClass, message, stack }` for dead-letter headers and logs.
 * Works for non-Error throws (strings, plain objects, `undefined`, objects whose getters throw) and
 * never throws on the value itself. The stack is trimmed to at most `maxStackLines` lines (default
 * 10) and 2000 characters; the message to 2000 characters.
 *
 * @throws ValidationError `INVALID_ARGUMENT` when `maxStackLines` is not an integer from 0 to 1000.
 */
export function describeFailure(error: unknown, maxStackLines = 10): FailureDescription {
  if (!Number.isInteger(maxStackLines) || maxStackLines < 0 || maxStackLines > 1000) {
    throw invalidArgument(`maxStackLines must be an integer from 0 to 1000, got ${String(maxStackLines)}`, [
      { path: 'maxStackLines', message: 'must be an integer from 0 to 1000' },
    ]);
  }
  const errorClass = safely(() => classOf(error), 'unknown');
  const message = clip(safely(() => messageOf(error), ''));
  const rawStack = safely(() => stackOf(error), '');
  const stack = clip(rawStack.split('\n').slice(0, maxStackLines).join('\n'));
  return { errorClass, message, stack };
}

function classOf(error: unknown): string {
  if (error === null) return 'null';
  if (typeof error !== 'object') return typeof error;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : '';
  const ctor = constructorName(error);
  // `class MyError extends Error {}` keeps name 'Error'; its constructor says more.
  if (name !== '' && !(name === 'Error' && ctor !== '')) return name;
  return ctor !== '' ? ctor : 'Object';
}

function constructorName(value: object): string {
  const ctor: unknown = Object.getPrototypeOf(value)?.constructor;
  return typeof ctor === 'function' && ctor.name !== 'Object' ? ctor.name : '';
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object') {
    if ('message' in error && typeof error.message === 'string') return error.message;
    try {
      return JSON.stringify(error) ?? '';
    } catch {
      return Object.prototype.toString.call(error); // cyclic or holds a bigint
    }
  }
  return String(error);
}

function stackOf(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'stack' in error && typeof error.stack === 'string') {
    return error.stack;
  }
  return '';
}

function clip(text: string): string {
  return text.length <= MAX_TEXT_CHARS ? text : `${text.slice(0, MAX_TEXT_CHARS - 1)}…`;
}

/** Reading a hostile value (throwing getter, revoked proxy, cyclic object) must not throw. */
function safely(read: () => string, fallback: string): string {
  try {
    return read();
  } catch {
    return fallback;
  }
}
