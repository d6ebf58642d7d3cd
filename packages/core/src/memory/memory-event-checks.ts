// Input checks of the in-memory event store on top of the shared ones in ../event-store/checks.ts.
import { invalidArgument } from '../errors/errors.js';
import { checkSnapshot } from '../event-store/checks.js';
import type { EventStoreOptions, Snapshot } from '../ports/event-store.js';

/** Checks `options` and returns them (`{}` when absent). @throws ValidationError `INVALID_ARGUMENT`. */
export function checkEventStoreOptions<Tx>(
  options: EventStoreOptions<Tx> | undefined,
): EventStoreOptions<Tx> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('Invalid event store options: expected an object.');
  const known = ['upcasters', 'inlineProjections', 'outboxTopic'];
  for (const key of Object.keys(options))
    if (!known.includes(key))
      throw invalidArgument(`Unknown event store option "${key}"; known: ${known.join(', ')}.`);
  const { upcasters, inlineProjections, outboxTopic } = options;
  if (upcasters !== undefined && typeof upcasters?.upcast !== 'function')
    throw invalidArgument('Invalid upcasters: expected an object with upcast(event), like new Upcasters().');
  if (outboxTopic !== undefined && typeof outboxTopic !== 'function')
    throw invalidArgument('Invalid outboxTopic: expected a function (event, stream) => topic | undefined.');
  if (inlineProjections !== undefined) {
    if (!Array.isArray(inlineProjections))
      throw invalidArgument('Invalid inlineProjections: expected an array of { name, apply }.');
    for (const projection of inlineProjections) {
      if (typeof projection?.name !== 'string' || projection.name.length === 0)
        throw invalidArgument('Invalid inline projection: expected a non-empty name.');
      if (typeof projection.apply !== 'function')
        throw invalidArgument(`Invalid inline projection "${projection.name}": apply must be a function.`);
      const types: unknown = projection.types;
      if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string')))
        throw invalidArgument(
          `Invalid inline projection "${projection.name}": types must be an array of strings.`,
        );
    }
  }
  return options;
}

/**
 * Rejects events that are not objects (the shared envelope check crashes on `null`), in the
 * `events` of `appendToStream` or of each entry of `appendToStreams`.
 */
export function checkEventObjects(events: unknown): void {
  if (!Array.isArray(events)) return;
  events.forEach((event, i) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      throw invalidArgument(`Cannot append event #${i}: expected a CloudEvent object, got ${String(event)}.`);
  });
}

/** {@link checkEventObjects} for every entry of an `appendToStreams` call. */
export function checkAppendsEventObjects(appends: unknown): void {
  if (!Array.isArray(appends)) return;
  for (const append of appends)
    if (typeof append === 'object' && append !== null)
      checkEventObjects((append as { events?: unknown }).events);
}

/** {@link checkSnapshot}, reporting state that JSON.stringify throws on (a BigInt) as bad input too. */
export function checkSnapshotState(snapshot: Snapshot): ReturnType<typeof checkSnapshot> {
  try {
    return checkSnapshot(snapshot);
  } catch (error) {
    if (error instanceof TypeError)
      throw invalidArgument(`Invalid snapshot state: it is not JSON (${error.message}).`);
    throw error;
  }
}
