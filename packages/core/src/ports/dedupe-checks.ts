// Argument checks shared by every DedupeStore adapter, so they all reject the same input the same way.
import { invalidArgument } from '../errors/errors.js';
import { validateGroupName } from '../topics/topic-config.js';
import { DEFAULT_DEDUPE_OPTIONS, type DedupeOptions } from './dedupe.js';

/** Merges `options` over the defaults; throws `INVALID_ARGUMENT` naming an unknown or bad option. */
export function resolveDedupeOptions(options: DedupeOptions = {}): Required<DedupeOptions> {
  const known = Object.keys(DEFAULT_DEDUPE_OPTIONS);
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw invalidArgument(`Unknown dedupe option "${key}"; known options: ${known.join(', ')}.`);
  }
  const merged = { ...DEFAULT_DEDUPE_OPTIONS, ...stripUndefined(options) };
  for (const key of ['ttlMs', 'maxEntriesPerGroup'] as const) {
    const value: unknown = merged[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      throw invalidArgument(`Invalid dedupe option ${key}=${String(value)}: expected a positive integer.`);
  }
  return merged;
}

function stripUndefined(options: DedupeOptions): DedupeOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** Checks a `(group, id)` pair: a valid group name and a non-empty string id. */
export function checkDedupeKey(group: unknown, id: unknown): asserts id is string {
  validateGroupName(group);
  if (typeof id !== 'string' || id.length === 0)
    throw invalidArgument(`Invalid event id ${JSON.stringify(id)}: expected a non-empty string.`);
}

/** Resolves an optional `now` argument: a finite number of milliseconds, default `Date.now()`. */
export function checkNow(now: unknown, operation: string): number {
  if (now === undefined) return Date.now();
  if (typeof now !== 'number' || !Number.isFinite(now))
    throw invalidArgument(
      `Invalid "now" for ${operation}: ${String(now)}; expected milliseconds since the epoch (a finite number).`,
    );
  return now;
}
