// Reading and writing an aggregate's snapshot. Snapshots only make loading faster: a problem with
// one is reported through `onSnapshotError` and never fails a load or a command.
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, StorageError } from '../errors/errors.js';
import type { EventStore, Snapshot } from '../ports/event-store.js';
import { findNonJson } from './json-value.js';
import type { Aggregate, SnapshotErrorContext } from './types.js';

/** A snapshot turned back into a state. */
export interface UsableSnapshot<State> {
  readonly state: State;
  readonly version: bigint;
}

/** Where a snapshot belongs. */
export interface SnapshotTarget {
  readonly stream: string;
  readonly tenant: string;
}

/**
 * The state of a stored snapshot, or `undefined` when there is none that fits: one of another
 * schema version or past `maxVersion` is skipped silently; one ahead of the stream, or one the
 * codec cannot read, is reported and skipped (the caller replays the stream instead).
 */
export function decodeSnapshot<Command, State, Event extends CloudEvent>(
  aggregate: Aggregate<Command, State, Event>,
  snapshot: Snapshot | undefined,
  target: SnapshotTarget & { readonly streamVersion: bigint; readonly maxVersion: bigint | undefined },
): UsableSnapshot<State> | undefined {
  if (snapshot === undefined || snapshot.schemaVersion !== aggregate.schemaVersion) return undefined;
  const { version } = snapshot;
  if (target.maxVersion !== undefined && version > target.maxVersion) return undefined;
  const where = `Snapshot of stream "${target.stream}" (tenant "${target.tenant}") at version ${version}`;
  if (version > target.streamVersion) {
    report(
      aggregate,
      new StorageError(
        'CORRUPT_DATA',
        `${where} is ahead of the stream (version ${target.streamVersion}): it was saved for events that are not there. It is ignored and the stream is replayed; the next command saves a new one.`,
      ),
      { phase: 'load', stream: target.stream, tenant: target.tenant, version },
    );
    return undefined;
  }
  try {
    return { state: aggregate.snapshot.fromJSON(snapshot.state), version };
  } catch (err) {
    report(
      aggregate,
      new StorageError(
        'CORRUPT_DATA',
        `${where} could not be decoded by the aggregate's snapshot.fromJSON (${err instanceof Error ? err.message : String(err)}). It is ignored and the stream is replayed; if the state's shape changed, change schemaVersion too.`,
        { cause: err },
      ),
      { phase: 'load', stream: target.stream, tenant: target.tenant, version },
    );
    return undefined;
  }
}

/** What a command knows when deciding whether to save a snapshot. */
export interface SnapshotCandidate<State> extends SnapshotTarget {
  readonly state: State;
  /** The stream's version after the command. */
  readonly version: bigint;
  /** The version the state was loaded at. */
  readonly previousVersion: bigint;
  /** The version of the snapshot loading started from (`undefined`: none). */
  readonly snapshotVersion: bigint | undefined;
}

/**
 * Whether a command moving the stream from `previousVersion` to `version` should save a snapshot:
 * when it reached or passed a multiple of `every`, or when the last usable snapshot is `every` or
 * more events behind (after a schema change, a failed save, or appends in transactions).
 */
export function isSnapshotDue(
  every: number | undefined,
  candidate: Pick<SnapshotCandidate<unknown>, 'version' | 'previousVersion' | 'snapshotVersion'>,
): boolean {
  if (every === undefined) return false;
  const n = BigInt(every);
  const { version, previousVersion, snapshotVersion = 0n } = candidate;
  return version / n > previousVersion / n || version - snapshotVersion >= n;
}

/** Saves a snapshot of the candidate when one is due; reports (never throws) a failure. */
export async function saveSnapshotIfDue<Command, State, Event extends CloudEvent>(
  store: EventStore,
  aggregate: Aggregate<Command, State, Event>,
  candidate: SnapshotCandidate<State>,
): Promise<void> {
  if (!isSnapshotDue(aggregate.snapshotEvery, candidate)) return;
  const { stream, tenant, version } = candidate;
  try {
    const json = aggregate.snapshot.toJSON(candidate.state);
    const problem = findNonJson(json);
    if (problem !== undefined)
      throw invalidArgument(
        `Cannot snapshot stream "${stream}" at version ${version}: ${problem}, which JSON cannot hold. Give defineAggregate a snapshot: { toJSON, fromJSON } codec that turns the state into plain JSON and back.`,
      );
    await store.saveSnapshot(
      stream,
      { version, schemaVersion: aggregate.schemaVersion, state: json },
      { tenant },
    );
  } catch (err) {
    report(aggregate, err, { phase: 'save', stream, tenant, version });
  }
}

function report<Command, State, Event extends CloudEvent>(
  aggregate: Aggregate<Command, State, Event>,
  error: unknown,
  context: SnapshotErrorContext,
): void {
  try {
    aggregate.onSnapshotError(error, context);
  } catch {
    // A failing error callback must not turn a slower load or a missing snapshot into a failure.
  }
}
