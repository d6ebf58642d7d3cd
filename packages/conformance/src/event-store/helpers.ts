import { type ErrorCode, type EventStore, isTributaryError } from '@tributary/core';
import { expect } from 'vitest';
import { expectLogError } from '../log/helpers.js';

export { nextTurns } from '../log/helpers.js';

/** Passes a wrongly typed value through a typed parameter, as untyped JavaScript callers can. */
export const untyped = <T>(value: unknown): T => value as T;

/**
 * Asserts that `call` rejects (not throws synchronously) with a TributaryError of `code` whose
 * message contains each of `mentions`. Returns the error.
 */
export const expectError = (call: () => Promise<unknown>, code: ErrorCode, ...mentions: string[]) =>
  expectLogError(call, code, ...mentions);

/** Asserts a ConcurrencyError with the given fields. */
export async function expectConflict(
  call: () => Promise<unknown>,
  stream: string,
  expected: 'no_stream' | 'stream_exists' | bigint,
  actual: bigint,
): Promise<void> {
  const error = await expectError(call, 'WRONG_EXPECTED_VERSION', stream);
  expect(error).toMatchObject({ stream, expected, actual });
  expect(error.isRetryable).toBe(true);
}

/** The error code of a settled promise's rejection (or `'fulfilled'`). */
export function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'fulfilled';
  return isTributaryError(result.reason) ? result.reason.code : `other: ${String(result.reason)}`;
}

/** Asserts the store holds no events at all. */
export async function expectEmpty(store: EventStore): Promise<void> {
  expect(await store.readAll()).toEqual([]);
  expect(await store.headPosition()).toBe(0n);
}

/** Asserts that `call` rejects with a ValidationError of one of `codes`. */
export async function expectValidationError(
  call: () => Promise<unknown>,
  codes: readonly ErrorCode[] = ['INVALID_ARGUMENT', 'INVALID_ENVELOPE'],
): Promise<void> {
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isTributaryError(error))
    throw new Error(`expected a rejection with ${codes.join(' or ')}, got: ${String(error)}`);
  expect(codes, error.message).toContain(error.code);
}
