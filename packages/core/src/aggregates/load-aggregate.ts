import type { CloudEvent } from '../envelope/types.js';
import { StorageError } from '../errors/errors.js';
import { streamDeleted } from '../event-store/expected-version.js';
import type { EventStore } from '../ports/event-store.js';
import { type ResolvedLoadOptions, resolveLoadOptions } from './options.js';
import { decodeSnapshot } from './snapshots.js';
import type { Aggregate, LoadAggregateOptions, LoadedAggregate } from './types.js';

/** Events read per `readStream` call, so a long stream is never read in one piece. */
export const LOAD_PAGE_SIZE = 500;

/**
 * Loads an aggregate: its latest usable snapshot (same `schemaVersion`, not past `asOfVersion`)
 * plus the events after it, read in pages and folded with `evolve`. Without options this is the
 * current state and the version to expect on the next append.
 *
 * Time travel: `asOfVersion` gives the state after that event (a snapshot is used when it is not
 * past it); `asOf` gives the state from the events recorded at or before that time (snapshots are
 * not used). Both may be given.
 *
 * When the stream's events before the snapshot's successor are hidden (stream metadata, soft
 * deletion), the snapshot is dropped and the visible events are replayed from the initial state,
 * exactly as without a snapshot.
 *
 * @throws ValidationError `INVALID_ARGUMENT` for a bad id or options.
 * @throws EventStoreError `STREAM_DELETED` when the stream was hard-deleted.
 */
export async function loadAggregate<Command, State, Event extends CloudEvent>(
  store: EventStore,
  aggregate: Aggregate<Command, State, Event>,
  id: string,
  options?: LoadAggregateOptions,
): Promise<LoadedAggregate<State>> {
  const stream = aggregate.streamOf(id);
  const { state, version, eventsRead, fromSnapshot } = await loadState(
    store,
    aggregate,
    stream,
    resolveLoadOptions(options),
  );
  return { state, version, eventsRead, fromSnapshot };
}

/** A loaded aggregate plus the version of the snapshot it started from. */
export interface LoadedState<State> extends LoadedAggregate<State> {
  readonly snapshotVersion: bigint | undefined;
}

/** {@link loadAggregate} for a checked stream name and options. */
export async function loadState<Command, State, Event extends CloudEvent>(
  store: EventStore,
  aggregate: Aggregate<Command, State, Event>,
  stream: string,
  options: ResolvedLoadOptions,
): Promise<LoadedState<State>> {
  const { tenant, asOfVersion, asOf } = options;
  const { decider } = aggregate;
  const timeTravel = asOfVersion !== undefined || asOf !== undefined;
  const [info, stored] = await Promise.all([
    store.getStream(stream, { tenant }),
    asOf === undefined ? store.loadSnapshot(stream, { tenant }) : undefined,
  ]);
  if (info?.deleted === 'hard') throw streamDeleted(stream);
  if (info === undefined || info.deleted === 'soft' || asOfVersion === 0n)
    return {
      state: decider.initialState(),
      version: timeTravel ? 0n : (info?.version ?? 0n),
      eventsRead: 0,
      fromSnapshot: false,
      snapshotVersion: undefined,
    };

  const snapshot = decodeSnapshot(aggregate, stored, {
    stream,
    tenant,
    streamVersion: info.version,
    maxVersion: asOfVersion,
  });
  // The last version to read: the stream's version when it was looked at, or asOfVersion if lower.
  const end = asOfVersion !== undefined && asOfVersion < info.version ? asOfVersion : info.version;
  let state = snapshot === undefined ? decider.initialState() : snapshot.state;
  let applied = snapshot?.version ?? 0n;
  let usesSnapshot = snapshot !== undefined;
  let eventsRead = 0;
  let next = applied + 1n;
  reading: while (next <= end) {
    const left = end - next + 1n;
    const maxCount = left < BigInt(LOAD_PAGE_SIZE) ? Number(left) : LOAD_PAGE_SIZE;
    const page = await store.readStream(stream, { tenant, fromVersion: next, maxCount, until: asOf });
    for (const recorded of page) {
      if (asOfVersion !== undefined && recorded.version > asOfVersion) break reading;
      if (usesSnapshot && eventsRead === 0 && recorded.version !== applied + 1n) {
        // Events right after the snapshot are hidden, so every earlier one is too: replay what is visible.
        state = decider.initialState();
        usesSnapshot = false;
      }
      state = decider.evolve(state, recorded.event as Event);
      applied = recorded.version;
      eventsRead++;
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < maxCount) break;
    if (last.version < next)
      throw new StorageError(
        'CORRUPT_DATA',
        `readStream("${stream}", { fromVersion: ${next}n }) returned version ${last.version}: the store returned events out of order.`,
      );
    next = last.version + 1n;
  }
  if (usesSnapshot && eventsRead === 0 && applied < end && asOf === undefined) {
    // Every event after the snapshot is hidden: the snapshot's history is gone too.
    state = decider.initialState();
    usesSnapshot = false;
    applied = 0n;
  }
  return {
    state,
    // Normally the stream's version, even when its last events are hidden, so the next append fits.
    version: timeTravel || applied > info.version ? applied : info.version,
    eventsRead,
    fromSnapshot: usesSnapshot,
    snapshotVersion: usesSnapshot ? snapshot?.version : undefined,
  };
}
