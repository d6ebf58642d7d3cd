// Argument checks shared by every EventStore adapter, so they all reject the same input the same way.
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import type {
  AppendOptions,
  EventStoreOptions,
  EventUpcaster,
  ExpectedVersion,
  InlineProjection,
  ReadAllOptions,
  ReadStreamOptions,
  Snapshot,
  StreamAppend,
  StreamMetadata,
} from '../ports/event-store.js';
import { checkExpectedVersion } from './expected-version.js';
import { type StoredEvent, toStoredEvent } from './stored-event.js';
import { checkStreamName, tenantOf } from './stream-names.js';
import { NO_UPCASTING } from './upcasters.js';

/** One append, checked: its events in row form. */
export interface CheckedAppend {
  readonly stream: string;
  readonly events: readonly CloudEvent[];
  readonly stored: readonly StoredEvent[];
  readonly expectedVersion: ExpectedVersion;
  /** The outbox option as given (`undefined`: use the store's `outboxTopic`). */
  readonly outbox: string | false | undefined;
}

/** Checks the arguments of `appendToStream`; returns the tenant and the append in row form. */
export function checkAppend(
  stream: unknown,
  events: unknown,
  options: AppendOptions | undefined,
): { tenant: string; append: CheckedAppend } {
  const tenant = tenantOf(options);
  return { tenant, append: checkOne(stream, events, options?.expectedVersion, options?.outbox, tenant) };
}

/** Checks the arguments of `appendToStreams`: at least one append, no stream twice. */
export function checkAppends(
  appends: unknown,
  options: { readonly tenant?: string } | undefined,
): { tenant: string; appends: CheckedAppend[] } {
  const tenant = tenantOf(options);
  if (!Array.isArray(appends) || appends.length === 0)
    throw invalidArgument('appendToStreams needs a non-empty array of { stream, events, expectedVersion }.');
  const seen = new Set<string>();
  const checked = (appends as StreamAppend[]).map((a) => {
    const one = checkOne(a?.stream, a?.events, a?.expectedVersion, a?.outbox, tenant);
    if (seen.has(one.stream))
      throw invalidArgument(
        `appendToStreams got stream "${one.stream}" twice: put all of a stream's events in one entry.`,
      );
    seen.add(one.stream);
    return one;
  });
  const ids = new Set<string>();
  for (const a of checked)
    for (const e of a.stored) {
      if (ids.has(e.id))
        throw invalidArgument(`Event id ${e.id} appears twice in one append: event ids are unique.`);
      ids.add(e.id);
    }
  return { tenant, appends: checked };
}

function checkOne(
  stream: unknown,
  events: unknown,
  expectedVersion: unknown,
  outbox: unknown,
  tenant: string,
): CheckedAppend {
  checkStreamName(stream);
  checkExpectedVersion(expectedVersion);
  if (outbox !== undefined && outbox !== false && (typeof outbox !== 'string' || outbox.length === 0))
    throw invalidArgument(`Invalid outbox option ${JSON.stringify(outbox)}: expected a topic name or false.`);
  if (!Array.isArray(events) || events.length === 0)
    throw invalidArgument(`Cannot append to "${stream}": expected a non-empty array of events.`);
  const stored = (events as unknown[]).map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e))
      throw invalidArgument(`Cannot append to "${stream}": events[${i}] is not an event object.`);
    return toStoredEvent(e as CloudEvent, tenant);
  });
  const ids = new Set<string>();
  for (const { id } of stored) {
    if (ids.has(id))
      throw invalidArgument(`Cannot append to "${stream}": event id ${id} appears twice in one append.`);
    ids.add(id);
  }
  return {
    stream,
    events: events as CloudEvent[],
    stored,
    expectedVersion: expectedVersion ?? 'any',
    outbox: outbox as string | false | undefined,
  };
}

/** `readStream` options with defaults applied. */
export interface ResolvedReadStream {
  readonly tenant: string;
  readonly direction: 'forward' | 'backward';
  /** `undefined`: from the start (forward) or the end (backward). */
  readonly fromVersion: bigint | undefined;
  /** `Infinity` when unlimited. */
  readonly maxCount: number;
  readonly until: Date | undefined;
}

export function resolveReadStream(stream: unknown, options: ReadStreamOptions = {}): ResolvedReadStream {
  checkStreamName(stream);
  const { direction = 'forward', fromVersion, maxCount, until } = options;
  if (direction !== 'forward' && direction !== 'backward')
    throw invalidArgument(
      `Invalid direction ${JSON.stringify(direction)}: expected 'forward' or 'backward'.`,
    );
  if (fromVersion !== undefined && (typeof fromVersion !== 'bigint' || fromVersion < 0n))
    throw invalidArgument(`Invalid fromVersion ${String(fromVersion)}: expected a bigint >= 0n.`);
  return {
    tenant: tenantOf(options),
    direction,
    fromVersion,
    maxCount: maxCount === undefined ? Number.POSITIVE_INFINITY : checkCount('maxCount', maxCount),
    until: checkDate('until', until),
  };
}

/** The default page size of `readAll`. */
export const DEFAULT_READ_ALL_COUNT = 1000;

/** `readAll` options with defaults applied; `tenant` stays `undefined` for every tenant. */
export interface ResolvedReadAll {
  readonly tenant: string | undefined;
  readonly after: bigint;
  readonly maxCount: number;
  readonly types: readonly string[] | undefined;
  readonly categories: readonly string[] | undefined;
  readonly since: Date | undefined;
  readonly until: Date | undefined;
}

export function resolveReadAll(options: ReadAllOptions = {}): ResolvedReadAll {
  const { after = 0n, maxCount = DEFAULT_READ_ALL_COUNT, types, categories } = options;
  if (typeof after !== 'bigint' || after < 0n)
    throw invalidArgument(`Invalid after ${String(after)}: expected a bigint position >= 0n.`);
  return {
    tenant: options.tenant === undefined ? undefined : tenantOf(options),
    after,
    maxCount: checkCount('maxCount', maxCount),
    types: checkStrings('types', types),
    categories: checkStrings('categories', categories),
    since: checkDate('since', options.since),
    until: checkDate('until', options.until),
  };
}

/** Checks stream metadata: positive integers, a bigint `truncateBefore`, no unknown keys. */
export function checkStreamMetadata(metadata: unknown): StreamMetadata {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalidArgument('Invalid stream metadata: expected an object like { maxCount: 100 }.');
  const known = ['maxAgeMs', 'maxCount', 'truncateBefore'];
  for (const key of Object.keys(metadata))
    if (!known.includes(key))
      throw invalidArgument(`Unknown stream metadata "${key}"; known: ${known.join(', ')}.`);
  const { maxAgeMs, maxCount, truncateBefore } = metadata as StreamMetadata;
  if (maxAgeMs !== undefined) checkCount('maxAgeMs', maxAgeMs);
  if (maxCount !== undefined) checkCount('maxCount', maxCount);
  if (truncateBefore !== undefined && (typeof truncateBefore !== 'bigint' || truncateBefore < 0n))
    throw invalidArgument(`Invalid truncateBefore ${String(truncateBefore)}: expected a bigint >= 0n.`);
  return metadata as StreamMetadata;
}

/** Checks a snapshot: a bigint version >= 1n, a non-empty schemaVersion, JSON state. Returns the state's JSON. */
export function checkSnapshot(snapshot: unknown): { snapshot: Snapshot; stateJson: string } {
  const s = snapshot as Partial<Snapshot> | null;
  if (typeof s !== 'object' || s === null)
    throw invalidArgument('Invalid snapshot: expected { version, schemaVersion, state }.');
  if (typeof s.version !== 'bigint' || s.version < 1n)
    throw invalidArgument(`Invalid snapshot version ${String(s.version)}: expected a bigint >= 1n.`);
  if (typeof s.schemaVersion !== 'string' || s.schemaVersion.length === 0)
    throw invalidArgument('Invalid snapshot schemaVersion: expected a non-empty string.');
  let stateJson: string | undefined;
  try {
    stateJson = JSON.stringify(s.state);
  } catch (err) {
    throw invalidArgument(
      `Invalid snapshot state: it is not JSON (${String(err)}). Encode bigints, Maps and the like first.`,
    );
  }
  if (stateJson === undefined) throw invalidArgument('Invalid snapshot state: it is not JSON.');
  return { snapshot: s as Snapshot, stateJson };
}

/** Checks a checkpoint or lease name: a non-empty string. */
export function checkCheckpointName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0)
    throw invalidArgument(`Invalid checkpoint name ${JSON.stringify(name)}: expected a non-empty string.`);
}

function checkCount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw invalidArgument(`Invalid ${what} ${String(value)}: expected a positive integer.`);
  return value;
}

function checkStrings(what: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0))
    throw invalidArgument(`Invalid ${what}: expected an array of non-empty strings.`);
  return value as string[];
}

function checkDate(what: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw invalidArgument(`Invalid ${what} ${String(value)}: expected a valid Date.`);
  return value;
}

/** The options every adapter takes, checked, with defaults applied. */
export interface ResolvedEventStoreOptions<Tx> {
  readonly upcaster: EventUpcaster;
  readonly inlineProjections: readonly InlineProjection<Tx>[];
  readonly outboxTopic: EventStoreOptions<Tx>['outboxTopic'];
}

/**
 * Checks the options every adapter takes (`upcasters`, `inlineProjections`, `outboxTopic`); an
 * adapter checks its own (connection) options itself.
 * @throws ValidationError `INVALID_ARGUMENT` naming the bad option.
 */
export function resolveEventStoreOptions<Tx>(
  options: EventStoreOptions<Tx> | undefined,
): ResolvedEventStoreOptions<Tx> {
  if (options === undefined) return { upcaster: NO_UPCASTING, inlineProjections: [], outboxTopic: undefined };
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('Invalid event store options: expected an object like { inlineProjections: [] }.');
  const { upcasters, inlineProjections = [], outboxTopic } = options;
  if (upcasters !== undefined && typeof upcasters?.upcast !== 'function')
    throw invalidArgument('Invalid upcasters: expected an object with upcast(event), like new Upcasters().');
  if (outboxTopic !== undefined && typeof outboxTopic !== 'function')
    throw invalidArgument('Invalid outboxTopic: expected a function (event, stream) => topic | undefined.');
  if (!Array.isArray(inlineProjections))
    throw invalidArgument('Invalid inlineProjections: expected an array of { name, apply }.');
  for (const projection of inlineProjections as unknown[]) {
    const p = projection as Partial<InlineProjection<Tx>> | null;
    if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || p.name.length === 0)
      throw invalidArgument(
        'Invalid inline projection: expected { name, apply(events, tx), types? } with a non-empty name.',
      );
    if (typeof p.apply !== 'function')
      throw invalidArgument(`Invalid inline projection "${p.name}": apply must be a function.`);
    const types: unknown = p.types;
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string')))
      throw invalidArgument(`Invalid inline projection "${p.name}": types must be an array of event types.`);
  }
  return { upcaster: upcasters ?? NO_UPCASTING, inlineProjections, outboxTopic };
}
