// Checks of ids and options at the edge, so bad input fails with INVALID_ARGUMENT before any I/O.
import { describeType } from '../envelope/issues.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import { checkExpectedVersion } from '../event-store/expected-version.js';
import { tenantOf } from '../event-store/stream-names.js';
import type { ExpectedVersion } from '../ports/event-store.js';
import type { HandleCommandOptions, LoadAggregateOptions } from './types.js';

const MAX_ID_LENGTH = 400;
const LOAD_OPTIONS = ['tenant', 'asOfVersion', 'asOf'];
const HANDLE_OPTIONS = [
  'tenant',
  'expectedVersion',
  'retryOnConflict',
  'outbox',
  'causedBy',
  'inTransaction',
];

/** Checks an aggregate id: a non-empty string of at most 400 characters without control characters. */
export function checkAggregateId(category: string, id: unknown): asserts id is string {
  const problem =
    typeof id !== 'string'
      ? `expected a string, received ${describeType(id)}`
      : id.length === 0
        ? 'expected a non-empty string'
        : id.length > MAX_ID_LENGTH
          ? `${id.length} characters, the limit is ${MAX_ID_LENGTH}`
          : // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
            /[\u0000-\u001f\u007f]/.test(id)
            ? 'control characters are not allowed'
            : undefined;
  if (problem !== undefined)
    throw invalidArgument(`Invalid ${category} id ${describeValue(id)}: ${problem}.`, [
      { path: 'id', message: problem },
    ]);
}

/** {@link LoadAggregateOptions}, checked, with the tenant resolved. */
export interface ResolvedLoadOptions {
  readonly tenant: string;
  readonly asOfVersion: bigint | undefined;
  readonly asOf: Date | undefined;
}

export function resolveLoadOptions(options: LoadAggregateOptions | undefined): ResolvedLoadOptions {
  checkKnownKeys('loadAggregate', options, LOAD_OPTIONS);
  const { asOfVersion, asOf } = options ?? {};
  if (asOfVersion !== undefined && (typeof asOfVersion !== 'bigint' || asOfVersion < 0n))
    throw invalidArgument(
      `Invalid asOfVersion ${describeValue(asOfVersion)}: expected a bigint >= 0n (like 3n).`,
    );
  if (asOf !== undefined && (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())))
    throw invalidArgument(`Invalid asOf ${describeValue(asOf)}: expected a valid Date.`);
  return { tenant: tenantOf(options), asOfVersion, asOf };
}

/** {@link HandleCommandOptions}, checked, with defaults applied. */
export interface ResolvedHandleOptions<State, Event extends CloudEvent, Tx> {
  readonly tenant: string;
  readonly expectedVersion: ExpectedVersion | undefined;
  /** How many more times to decide after a conflict. */
  readonly retries: number;
  readonly outbox: string | false | undefined;
  readonly causedBy: CloudEvent | undefined;
  readonly inTransaction: HandleCommandOptions<State, Event, Tx>['inTransaction'];
}

export function resolveHandleOptions<State, Event extends CloudEvent, Tx>(
  options: HandleCommandOptions<State, Event, Tx> | undefined,
): ResolvedHandleOptions<State, Event, Tx> {
  checkKnownKeys('handleCommand', options, HANDLE_OPTIONS);
  const { expectedVersion, retryOnConflict = 0, outbox, causedBy, inTransaction } = options ?? {};
  checkExpectedVersion(expectedVersion);
  if (typeof retryOnConflict !== 'number' || !Number.isSafeInteger(retryOnConflict) || retryOnConflict < 0)
    throw invalidArgument(
      `Invalid retryOnConflict ${describeValue(retryOnConflict)}: expected an integer >= 0 (how many times to retry).`,
    );
  if (retryOnConflict > 0 && expectedVersion !== undefined)
    throw invalidArgument(
      'retryOnConflict cannot be combined with expectedVersion: a retry decides again at the new version, which a fixed expectedVersion would reject. Drop one of them.',
    );
  if (outbox !== undefined && outbox !== false && (typeof outbox !== 'string' || outbox.length === 0))
    throw invalidArgument(`Invalid outbox ${describeValue(outbox)}: expected a topic name or false.`);
  if (
    causedBy !== undefined &&
    (typeof causedBy !== 'object' || causedBy === null || typeof causedBy.id !== 'string')
  )
    throw invalidArgument(
      `Invalid causedBy ${describeValue(causedBy)}: expected the CloudEvent that caused the command.`,
    );
  if (inTransaction !== undefined && typeof inTransaction !== 'function')
    throw invalidArgument(
      `Invalid inTransaction ${describeValue(inTransaction)}: expected a function (tx, outcome) => ... run in the transaction.`,
    );
  const tenant = tenantOf({ tenant: options?.tenant ?? causedBy?.tenantid });
  return { tenant, expectedVersion, retries: retryOnConflict, outbox, causedBy, inTransaction };
}

function checkKnownKeys(what: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidArgument(`${what} options must be an object, received ${describeType(options)}.`);
  for (const key of Object.keys(options))
    if (!known.includes(key))
      throw invalidArgument(`Unknown ${what} option "${key}"; known: ${known.join(', ')}.`);
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object' && value !== null) return describeType(value);
  return String(value);
}
