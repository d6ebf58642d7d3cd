// Input checks on top of the shared ones in @tributary/core/internal, covering inputs they crash on.
import type { Snapshot } from '@tributary/core';
import { checkSnapshot, invalidArgument } from '@tributary/core/internal';
import type { PostgresEventStoreOptions } from './options.js';

/**
 * Rejects events that are not objects in `appendToStream`'s `events` (the shared envelope check
 * throws a TypeError on `null`), and ids or types holding a NUL character, which PostgreSQL text
 * cannot store (data and other attributes are stored as JSON, where it is escaped).
 */
export function checkEventObjects(events: unknown): void {
  if (!Array.isArray(events)) return;
  events.forEach((event, i) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      throw invalidArgument(`Cannot append event #${i}: expected a CloudEvent object, got ${String(event)}.`);
    const { id, type } = event as { id?: unknown; type?: unknown };
    for (const [name, value] of [
      ['id', id],
      ['type', type],
    ] as const)
      if (typeof value === 'string' && value.includes('\u0000'))
        throw invalidArgument(
          `Cannot append event #${i}: its ${name} ${JSON.stringify(value)} holds a NUL character, which PostgreSQL cannot store.`,
        );
  });
}

/** {@link checkEventObjects} for each entry of an `appendToStreams` call. */
export function checkAppendsEventObjects(appends: unknown): void {
  if (!Array.isArray(appends)) return;
  for (const append of appends)
    if (typeof append === 'object' && append !== null)
      checkEventObjects((append as { events?: unknown }).events);
}

/** `checkSnapshot`, reporting state JSON.stringify throws on (a BigInt) as bad input too. */
export function checkSnapshotState(snapshot: Snapshot): ReturnType<typeof checkSnapshot> {
  try {
    return checkSnapshot(snapshot);
  } catch (err) {
    if (err instanceof TypeError)
      throw invalidArgument(`Invalid snapshot state: it is not JSON (${err.message}).`);
    throw err;
  }
}

/** Checks the options every adapter takes (upcasters, inline projections, outbox topic). */
export function checkStoreOptions(options: PostgresEventStoreOptions): void {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('Invalid options: expected { connectionString } or { pool }.');
  const { upcasters, inlineProjections, outboxTopic } = options;
  if (upcasters !== undefined && typeof upcasters?.upcast !== 'function')
    throw invalidArgument('Invalid upcasters: expected an object with upcast(event), like new Upcasters().');
  if (outboxTopic !== undefined && typeof outboxTopic !== 'function')
    throw invalidArgument('Invalid outboxTopic: expected a function (event, stream) => topic | undefined.');
  if (inlineProjections === undefined) return;
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
