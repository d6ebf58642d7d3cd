/**
 * Every error Tributary raises is a {@link TributaryError} with a stable string `code` from a closed
 * set, so callers branch on `err.code` rather than on message text. Subclasses group the codes by
 * family; `cause` is preserved; messages say what was wrong and how to fix it.
 */

/** The closed set of error codes. Adding one is an API change. */
export const ErrorCodes = [
  // input / schema
  'INVALID_ARGUMENT',
  'SCHEMA_MISMATCH',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_ENVELOPE',
  // topics and partitions
  'INVALID_TOPIC_NAME',
  'INVALID_TOPIC_CONFIG',
  'UNKNOWN_TOPIC',
  'TOPIC_EXISTS',
  'PARTITION_OUT_OF_RANGE',
  'OFFSET_OUT_OF_RANGE',
  'RECORD_TOO_LARGE',
  // storage
  'DATA_DIR_LOCKED',
  'CORRUPT_DATA',
  'STORAGE_FAILURE',
  // lifecycle and connection
  'CLOSED',
  'UNSUPPORTED_CONNECTION',
  // consumer groups
  'REBALANCE_IN_PROGRESS',
  'NOT_ASSIGNED',
  // event handling
  'PERMANENT_FAILURE',
  // request-reply
  'REQUEST_TIMEOUT',
  // event store
  'WRONG_EXPECTED_VERSION',
  'STREAM_DELETED',
  'DUPLICATE_EVENT_ID',
  'LEASE_LOST',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface TributaryErrorOptions {
  cause?: unknown;
  /** Whether retrying the same operation may succeed (a transient condition). */
  retryable?: boolean;
}

export class TributaryError extends Error {
  override readonly name: string = 'TributaryError';
  readonly code: ErrorCode;
  /** True when the same call may succeed later without changing its input. */
  readonly isRetryable: boolean;

  constructor(code: ErrorCode, message: string, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.retryable ?? false;
  }
}

/** One failing field of a schema check: `path` is dotted (`items.0.price`), `message` says why. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Bad input from the caller: an argument, a schema mismatch, an unknown event type. */
export class ValidationError extends TributaryError {
  override readonly name: string = 'ValidationError';
  /** Every failing field, in schema order (empty when the problem is not field-specific). */
  readonly issues: readonly FieldIssue[];

  constructor(
    code: 'INVALID_ARGUMENT' | 'SCHEMA_MISMATCH' | 'UNKNOWN_EVENT_TYPE' | 'INVALID_ENVELOPE',
    message: string,
    issues: readonly FieldIssue[] = [],
    options: TributaryErrorOptions = {},
  ) {
    super(code, message, options);
    this.issues = issues;
  }
}

/** Topic, partition, offset and record-size errors raised by a log. */
export class LogError extends TributaryError {
  override readonly name: string = 'LogError';
}

/** Disk, lock and corruption errors raised by a storage engine. */
export class StorageError extends TributaryError {
  override readonly name: string = 'StorageError';
}

/** Consumer-group coordination errors. */
export class GroupError extends TributaryError {
  override readonly name: string = 'GroupError';
}

/**
 * Event-store errors: `STREAM_DELETED` (a hard-deleted stream was read or appended to),
 * `DUPLICATE_EVENT_ID` (an event id is already stored elsewhere), `LEASE_LOST` (another instance
 * took over a projection or relay). Conflicts are {@link ConcurrencyError}s.
 */
export class EventStoreError extends TributaryError {
  override readonly name: string = 'EventStoreError';
}

/**
 * `WRONG_EXPECTED_VERSION`: an append's expected version did not match the stream. Retryable:
 * reload the stream, decide again, append with the new version.
 */
export class ConcurrencyError extends EventStoreError {
  override readonly name: string = 'ConcurrencyError';

  constructor(
    /** The stream whose version did not match. */
    readonly stream: string,
    /** What the append expected: `'no_stream'`, `'stream_exists'` or an exact version. */
    readonly expected: 'no_stream' | 'stream_exists' | bigint,
    /** The stream's version when the append ran (`0n`: the stream has no events). */
    readonly actual: bigint,
    options: TributaryErrorOptions = {},
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `Stream "${stream}" is at version ${actual}, but the append expected ${String(expected)}: another writer appended first. Reload the stream and retry.`,
      { retryable: true, ...options },
    );
  }
}

/** Type guard usable across package copies (checks shape, not `instanceof`). */
export function isTributaryError(err: unknown, code?: ErrorCode): err is TributaryError {
  if (!(err instanceof Error) || !('code' in err) || typeof err.code !== 'string') return false;
  const known = (ErrorCodes as readonly string[]).includes(err.code);
  return known && (code === undefined || err.code === code);
}

/** Shorthand for the most common input error. */
export function invalidArgument(message: string, issues: readonly FieldIssue[] = []): ValidationError {
  return new ValidationError('INVALID_ARGUMENT', message, issues);
}
