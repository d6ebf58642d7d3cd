import type { CloudEvent } from '../envelope/types.js';
import type { EventStoreTransaction, ExpectedVersion, TenantOption } from '../ports/event-store.js';

/**
 * The pure heart of an aggregate, in the decider style: `decide` turns a command and the current
 * state into new events (or throws a domain error), `evolve` folds one event into the state,
 * `initialState` is the state of an aggregate without events.
 *
 * `evolve` receives every event of the stream, as the store's upcasters return it (the newest
 * version of its type); give it a default branch that returns the state unchanged for types it
 * does not know.
 */
export interface Decider<Command, State, Event extends CloudEvent = CloudEvent> {
  /** New events for `command` (an empty array: nothing to do). Throw to reject the command. */
  decide(command: Command, state: State): Event | readonly Event[];
  /** The state after `event`. Must not modify `state` in place if states are shared (tests, retries). */
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/**
 * How a state is written into and read back from a snapshot. Snapshots are stored as JSON, so a
 * state holding bigints, Dates, Maps, Sets or class instances needs a codec; the default is the
 * identity, for states that are plain JSON already.
 */
export interface SnapshotCodec<State> {
  /** A JSON value (objects, arrays, strings, finite numbers, booleans, null) for `state`. */
  toJSON(state: State): unknown;
  /** The state back from what {@link toJSON} returned. Throw when `json` is not a valid state. */
  fromJSON(json: unknown): State;
}

/** Where a snapshot problem happened, for {@link AggregateOptions.onSnapshotError}. */
export interface SnapshotErrorContext {
  /** `'save'`: saving after a command failed; `'load'`: a stored snapshot was unusable and was skipped. */
  readonly phase: 'save' | 'load';
  readonly stream: string;
  readonly tenant: string;
  /** The version the snapshot is (or would have been) at. */
  readonly version: bigint;
}

/** Options of {@link defineAggregate}. */
export interface AggregateOptions<Command, State, Event extends CloudEvent> {
  /**
   * The stream category: the aggregate with id `42` lives in stream `${category}-42`. Letters,
   * digits, `_`, `.` and `:`; no `-` (the category is the part of a stream name before the first `-`).
   */
  readonly category: string;
  readonly decider: Decider<Command, State, Event>;
  /**
   * Names the version of `evolve` and of the state's shape (e.g. `'v1'`). Snapshots record it, and a
   * loader ignores snapshots of another schema version: change it whenever `evolve` or the state
   * changes, and old snapshots are rebuilt from the events.
   */
  readonly schemaVersion: string;
  /**
   * Save a snapshot after a command whose events reach or pass a multiple of this many events (and
   * whenever the last usable snapshot is this many events behind). Absent: no snapshots are saved.
   */
  readonly snapshotEvery?: number;
  /** Converts states to and from JSON for snapshots (default: the state is JSON as it is). */
  readonly snapshot?: SnapshotCodec<State>;
  /**
   * Called when a snapshot could not be saved (the command still succeeds) or a stored snapshot
   * could not be used (the stream is replayed instead). Default: `console.error`.
   */
  readonly onSnapshotError?: (error: unknown, context: SnapshotErrorContext) => void;
}

/** An aggregate type, made by {@link defineAggregate}. */
export interface Aggregate<Command, State, Event extends CloudEvent = CloudEvent> {
  readonly category: string;
  readonly decider: Decider<Command, State, Event>;
  readonly schemaVersion: string;
  /** `undefined` when snapshots are not saved. */
  readonly snapshotEvery: number | undefined;
  readonly snapshot: SnapshotCodec<State>;
  readonly onSnapshotError: (error: unknown, context: SnapshotErrorContext) => void;
  /**
   * The stream of the aggregate with this id: `${category}-${id}`.
   * @throws ValidationError `INVALID_ARGUMENT` when `id` is not a non-empty string without
   *   control characters.
   */
  streamOf(id: string): string;
}

/** Options of {@link loadAggregate}. */
export interface LoadAggregateOptions extends TenantOption {
  /** Time travel: the state after the event with this version (`0n`: the initial state). */
  readonly asOfVersion?: bigint;
  /** Time travel: the state from the events recorded at or before this time (snapshots are not used). */
  readonly asOf?: Date;
}

/** An aggregate's state as loaded from its stream. */
export interface LoadedAggregate<State> {
  readonly state: State;
  /**
   * The stream version the state stands for: the expected version of the next append (`0n` for a
   * new aggregate). With time travel, the version of the last event applied.
   */
  readonly version: bigint;
  /** How many events were read from the stream (after the snapshot, when one was used). */
  readonly eventsRead: number;
  /** Whether loading started from a snapshot. */
  readonly fromSnapshot: boolean;
}

/**
 * Options of {@link handleCommand}.
 * @typeParam Tx - the store's transaction handle (`tx.db`), for `inTransaction`.
 */
export interface HandleCommandOptions<State = unknown, Event extends CloudEvent = CloudEvent, Tx = unknown>
  extends TenantOption {
  /**
   * The version the append must find (default: the version the state was loaded at, so a
   * concurrent writer makes the append fail with `WRONG_EXPECTED_VERSION`). Use it to carry a
   * version the user saw (an `If-Match` header); `'any'` turns the check off.
   */
  readonly expectedVersion?: ExpectedVersion;
  /**
   * On `WRONG_EXPECTED_VERSION`, reload the state, decide again and append again, up to this many
   * more times (default 0). Not with `expectedVersion`, which a retry could never satisfy.
   */
  readonly retryOnConflict?: number;
  /** Outbox topic for the new events, or `false` for none (see `AppendOptions.outbox`). */
  readonly outbox?: string | false;
  /**
   * The event the command is handled because of: new events get its correlation id (or its id),
   * its id as causation id and its trace context, unless they have their own; its tenant is the
   * default `tenant`.
   */
  readonly causedBy?: CloudEvent;
  /**
   * Appends the new events inside `store.transaction` and then calls this with the transaction and
   * the outcome, so the user's own writes (`tx.db`, more `tx.appendToStream`) commit together with
   * the events, or nothing does when it throws. It runs also when nothing was decided (`events` is
   * empty), e.g. to record that a message was handled. The state is loaded before the transaction
   * opens, which stays short; a conflict rolls it back and, with `retryOnConflict`, everything runs
   * again.
   */
  readonly inTransaction?: (
    tx: EventStoreTransaction<Tx>,
    outcome: CommandResult<State, Event>,
  ) => unknown | Promise<unknown>;
}

/** What {@link handleCommand} did. */
export interface CommandResult<State, Event extends CloudEvent = CloudEvent> {
  /** The appended events, in order (with causation attributes applied); empty when none were decided. */
  readonly events: readonly Event[];
  /** The loaded state evolved with {@link events}. */
  readonly state: State;
  /** The stream's version after the append (the loaded version when nothing was appended). */
  readonly nextExpectedVersion: bigint;
  /** The global position of the last appended event; `undefined` when nothing was appended. */
  readonly position: bigint | undefined;
}
