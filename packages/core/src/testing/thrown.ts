import { isTributaryError, type TributaryError, ValidationError } from '../errors/errors.js';

/** Runs `fn` and returns the TributaryError it throws; fails when it throws nothing or something else. */
export function thrown(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (err) {
    if (isTributaryError(err)) return err;
    throw err;
  }
  throw new Error('expected a TributaryError, nothing was thrown');
}

/** The field paths a validation error names (empty for other errors). */
export const issuePaths = (err: TributaryError): string[] =>
  err instanceof ValidationError ? err.issues.map((issue) => issue.path) : [];

/** Awaits `promise` and returns the TributaryError it rejects with; fails when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<TributaryError> {
  try {
    await promise;
  } catch (err) {
    if (isTributaryError(err)) return err;
    throw err;
  }
  throw new Error('expected the promise to reject with a TributaryError');
}
