// The expected-version rule of appends, one implementation for every adapter that checks in code.
import { ConcurrencyError, EventStoreError, invalidArgument } from '../errors/errors.js';
import type { ExpectedVersion } from '../ports/event-store.js';

/** What an adapter knows about a stream when it checks an append against it. */
export interface StreamState {
  /** Version of the last event ever appended (`0n`: none). */
  readonly version: bigint;
  readonly deleted: false | 'soft' | 'hard';
}

/** Checks an `expectedVersion` argument's form. */
export function checkExpectedVersion(expected: unknown): asserts expected is ExpectedVersion | undefined {
  if (
    expected === undefined ||
    expected === 'any' ||
    expected === 'no_stream' ||
    expected === 'stream_exists'
  )
    return;
  if (typeof expected === 'bigint' && expected >= 0n) return;
  throw invalidArgument(
    `Invalid expectedVersion ${typeof expected === 'bigint' ? `${expected}n` : JSON.stringify(expected)}: expected 'any', 'no_stream', 'stream_exists' or a bigint >= 0n (like 3n).`,
  );
}

/**
 * Throws when `state` (undefined: the stream never existed) does not satisfy `expected`:
 * `STREAM_DELETED` for a hard-deleted stream, else `WRONG_EXPECTED_VERSION`.
 */
export function assertExpectedVersion(
  stream: string,
  expected: ExpectedVersion | undefined,
  state: StreamState | undefined,
): void {
  if (state?.deleted === 'hard') throw streamDeleted(stream);
  if (expected === undefined || expected === 'any') return;
  const actual = state?.version ?? 0n;
  const softDeleted = state?.deleted === 'soft';
  const ok =
    expected === 'no_stream'
      ? actual === 0n || softDeleted
      : expected === 'stream_exists'
        ? actual > 0n && !softDeleted
        : expected === actual;
  if (!ok) throw new ConcurrencyError(stream, expected, actual);
}

/** The error for any read of or append to a hard-deleted stream. */
export function streamDeleted(stream: string): EventStoreError {
  return new EventStoreError(
    'STREAM_DELETED',
    `Stream "${stream}" was hard-deleted: it cannot be read or appended to again. Use a new stream name.`,
  );
}
