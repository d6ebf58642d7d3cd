import { invalidArgument } from '../errors/errors.js';
import type { DeadLetter, DeadLetterFilter } from './types.js';

/** A checked filter, ready for {@link matchesFilter}. */
export interface CheckedFilter {
  readonly at?: { readonly partition: number; readonly offset: bigint };
  readonly type?: string;
  readonly key?: Uint8Array;
  readonly since?: number;
  readonly until?: number;
  readonly error?: string | RegExp;
  readonly limit?: number;
}

const FIELDS = ['at', 'type', 'key', 'since', 'until', 'error', 'limit'] as const;
const encoder = new TextEncoder();

/**
 * Validates a filter for `operation` (`list`, `redrive`, `discard`).
 * @throws ValidationError `INVALID_ARGUMENT` naming the bad or unknown field.
 */
export function checkFilter(filter: DeadLetterFilter | undefined, operation: string): CheckedFilter {
  if (filter === undefined) return {};
  const fail = (field: string, why: string) =>
    invalidArgument(`DeadLetters.${operation}: filter.${field} ${why}.`, [{ path: field, message: why }]);
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw invalidArgument(
      `DeadLetters.${operation}: the filter must be an object, received ${typeof filter}.`,
    );
  }
  for (const field of Object.keys(filter)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw fail(field, `is not a filter field; known fields: ${FIELDS.join(', ')}`);
    }
  }
  const { at, type, key, since, until, error, limit } = filter;
  if (
    at !== undefined &&
    (typeof at !== 'object' ||
      at === null ||
      !Number.isSafeInteger(at.partition) ||
      at.partition < 0 ||
      typeof at.offset !== 'bigint' ||
      at.offset < 0n)
  ) {
    throw fail('at', 'must be { partition: integer >= 0, offset: bigint >= 0 }');
  }
  if (type !== undefined && typeof type !== 'string') throw fail('type', 'must be a string');
  if (key !== undefined && typeof key !== 'string') throw fail('key', 'must be a string');
  for (const [field, value] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw fail(field, `must be a time in milliseconds since the epoch, received ${String(value)}`);
    }
  }
  if (since !== undefined && until !== undefined && since > until) {
    throw fail('since', `(${since}) is after filter.until (${until})`);
  }
  if (error !== undefined && typeof error !== 'string' && !(error instanceof RegExp)) {
    throw fail('error', 'must be a string or a RegExp');
  }
  if (limit !== undefined) {
    if (operation !== 'list') throw fail('limit', `applies to list only, not to ${operation}`);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw fail('limit', `must be an integer >= 1, received ${String(limit)}`);
    }
  }
  return {
    ...(at !== undefined && { at: { partition: at.partition, offset: at.offset } }),
    ...(type !== undefined && { type }),
    ...(key !== undefined && { key: encoder.encode(key) }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    // A global or sticky RegExp keeps state between tests; a plain copy does not.
    ...(error !== undefined && {
      error: typeof error === 'string' ? error : new RegExp(error.source, error.flags.replace(/[gy]/g, '')),
    }),
    ...(limit !== undefined && { limit }),
  };
}

/** Whether a dead letter matches a checked filter (`limit` is not considered). */
export function matchesFilter(letter: DeadLetter, filter: CheckedFilter): boolean {
  const at = filter.at;
  if (at !== undefined && (letter.dlqPartition !== at.partition || letter.dlqOffset !== at.offset))
    return false;
  if (filter.type !== undefined && letter.type !== filter.type) return false;
  if (filter.key !== undefined && (letter.key === null || !sameBytes(letter.key, filter.key))) return false;
  const failedAt = letter.failure.lastFailureAt;
  if (filter.since !== undefined && failedAt < filter.since) return false;
  if (filter.until !== undefined && failedAt >= filter.until) return false;
  const error = filter.error;
  if (error !== undefined) {
    const { errorClass, message } = letter.failure.error;
    if (typeof error === 'string') return errorClass.includes(error) || message.includes(error);
    return error.test(errorClass) || error.test(message);
  }
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
