import { type ErrorCode, isTributaryError } from '@tributary/core';
import { expect } from 'vitest';

/** Asserts `call` throws synchronously a TributaryError of `code` whose message names each of `mentions`. */
export function expectThrowsCode(call: () => unknown, code: ErrorCode, ...mentions: string[]): void {
  let error: unknown;
  try {
    call();
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new Error(`expected a ${code} error, but the call returned`);
  if (!isTributaryError(error))
    throw new Error(`expected a TributaryError with ${code}, got: ${String(error)}`);
  expect(error.code, error.message).toBe(code);
  for (const mention of mentions) expect(error.message).toContain(mention);
}
