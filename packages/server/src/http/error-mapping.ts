/**
 * Maps what a handler threw to a problem response. Bad input (a `ValidationError`, a bad topic
 * name or config, an unknown topic, …) is always a 4xx; only unexpected failures are 500s.
 */
import { ConcurrencyError, type ErrorCode, isTributaryError, ValidationError } from '@tributary/core';
import { HttpProblem, type Problem, problem } from './problem.js';

/** The HTTP status of each Tributary error code. */
const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  SCHEMA_MISMATCH: 400,
  UNKNOWN_EVENT_TYPE: 400,
  INVALID_ENVELOPE: 400,
  INVALID_TOPIC_NAME: 400,
  INVALID_TOPIC_CONFIG: 400,
  UNKNOWN_TOPIC: 404,
  TOPIC_EXISTS: 409,
  PARTITION_OUT_OF_RANGE: 404,
  OFFSET_OUT_OF_RANGE: 400,
  RECORD_TOO_LARGE: 413,
  DATA_DIR_LOCKED: 503,
  CORRUPT_DATA: 500,
  STORAGE_FAILURE: 500,
  CLOSED: 503,
  UNSUPPORTED_CONNECTION: 500,
  REBALANCE_IN_PROGRESS: 409,
  NOT_ASSIGNED: 409,
  PERMANENT_FAILURE: 500,
  REQUEST_TIMEOUT: 504,
  WRONG_EXPECTED_VERSION: 409,
  STREAM_DELETED: 410,
  DUPLICATE_EVENT_ID: 409,
  LEASE_LOST: 409,
};

/** What a thrown error becomes. `fault` is true for server-side failures worth logging. */
export interface MappedError {
  readonly body: Problem;
  readonly headers?: Readonly<Record<string, string>>;
  readonly fault: boolean;
}

/** Maps any thrown value to a problem. */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpProblem) {
    return {
      body: problem(error.status, error.code, error.message, error.issues, error.extensions),
      ...(error.headers === undefined ? {} : { headers: error.headers }),
      fault: error.status >= 500,
    };
  }
  if (error instanceof ConcurrencyError) {
    return {
      body: problem(409, error.code, error.message, undefined, {
        stream: error.stream,
        expected: String(error.expected),
        actual: error.actual.toString(),
      }),
      fault: false,
    };
  }
  if (isTributaryError(error)) {
    const status = STATUS_OF_CODE[error.code];
    const issues = error instanceof ValidationError ? error.issues : undefined;
    return { body: problem(status, error.code, error.message, issues), fault: status >= 500 };
  }
  return {
    body: problem(500, 'INTERNAL', 'The server failed to handle the request; the failure is logged.'),
    fault: true,
  };
}
