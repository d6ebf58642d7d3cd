import { type CloudEvent, type ErrorCode, isTributaryError, uuidv7 } from '@tributary/core';
import { expect } from 'vitest';

/** A small `order.placed` event for `order`. */
export function placed(order: string, total = 10): CloudEvent {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: 'test',
    type: 'order.placed',
    time: new Date().toISOString(),
    data: { order, total },
  };
}

/** Asserts `call` rejects with a TributaryError of `code` whose message names each of `mentions`. */
export async function expectRejects(
  call: () => Promise<unknown>,
  code: ErrorCode,
  ...mentions: string[]
): Promise<Error> {
  let error: unknown;
  try {
    await call();
  } catch (err) {
    error = err;
  }
  if (!isTributaryError(error)) throw new Error(`expected a ${code} rejection, got: ${String(error)}`);
  expect(error.code, error.message).toBe(code);
  for (const mention of mentions) expect(error.message).toContain(mention);
  return error;
}
