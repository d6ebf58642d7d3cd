import type { CloudEvent } from '../envelope/types.js';
import { isTributaryError } from '../errors/errors.js';
import type { AppendOptions, AppendResult, EventStore } from '../ports/event-store.js';
import { decidedEvents, withCausation } from './decided-events.js';
import { type LoadedState, loadState } from './load-aggregate.js';
import { type ResolvedHandleOptions, resolveHandleOptions } from './options.js';
import { saveSnapshotIfDue } from './snapshots.js';
import type { Aggregate, CommandResult, HandleCommandOptions } from './types.js';

/**
 * Handles a command: loads the aggregate, lets `decide` turn the command into events, appends them
 * with optimistic concurrency (expecting the version the state was loaded at), and returns the new
 * state. An empty decision appends nothing. A domain error thrown by `decide` is rethrown unchanged.
 *
 * With `retryOnConflict: n`, a `WRONG_EXPECTED_VERSION` (another writer appended first) reloads,
 * decides again and appends again, up to `n` more times. With `inTransaction`, the events are
 * appended in a `store.transaction` that also runs the user's own writes.
 *
 * When the aggregate has `snapshotEvery`, a snapshot of the new state is saved after the append
 * when one is due; a failed save is reported to `onSnapshotError` and does not fail the command.
 *
 * ```ts
 * const { state, nextExpectedVersion } = await handleCommand(store, Order, 'o-1', { type: 'ship' });
 * await handleCommand(store, Order, 'o-1', { type: 'pay' }, {
 *   inTransaction: (tx, { state }) => tx.db.prepare('update orders set paid = 1 where id = ?').run('o-1'),
 * });
 * ```
 *
 * @throws whatever `decide` throws (domain errors), unchanged; whatever `inTransaction` throws.
 * @throws ConcurrencyError `WRONG_EXPECTED_VERSION` when the stream moved on (after the retries).
 * @throws ValidationError `INVALID_ARGUMENT` for a bad id or options, or when `decide` returns
 *   something other than events.
 */
export async function handleCommand<Command, State, Event extends CloudEvent, Tx = unknown>(
  store: EventStore<Tx>,
  aggregate: Aggregate<Command, State, Event>,
  id: string,
  command: Command,
  options?: HandleCommandOptions<State, Event, Tx>,
): Promise<CommandResult<State, Event>> {
  const stream = aggregate.streamOf(id);
  const resolved = resolveHandleOptions(options);
  for (let attempt = 0; ; attempt++) {
    try {
      return await decideAndAppend(store, aggregate, stream, command, resolved);
    } catch (err) {
      if (attempt >= resolved.retries || !isTributaryError(err, 'WRONG_EXPECTED_VERSION')) throw err;
    }
  }
}

async function decideAndAppend<Command, State, Event extends CloudEvent, Tx>(
  store: EventStore<Tx>,
  aggregate: Aggregate<Command, State, Event>,
  stream: string,
  command: Command,
  options: ResolvedHandleOptions<State, Event, Tx>,
): Promise<CommandResult<State, Event>> {
  const { tenant, causedBy, inTransaction } = options;
  const loaded = await loadState(store, aggregate, stream, {
    tenant,
    asOfVersion: undefined,
    asOf: undefined,
  });
  const { decider } = aggregate;
  const decided = decidedEvents(decider.decide(command, loaded.state), aggregate.category);
  const events = decided.map((event) => withCausation(event, causedBy));
  let state = loaded.state;
  for (const event of events) state = decider.evolve(state, event);
  const appendOptions: AppendOptions = {
    tenant,
    expectedVersion: options.expectedVersion ?? loaded.version,
    outbox: options.outbox,
  };
  const outcome = (result: AppendResult | undefined): CommandResult<State, Event> => ({
    events,
    state,
    nextExpectedVersion: result?.nextExpectedVersion ?? loaded.version,
    position: result?.position,
  });

  let result: CommandResult<State, Event>;
  if (inTransaction !== undefined) {
    result = await store.transaction(async (tx) => {
      const inTx = outcome(
        events.length === 0 ? undefined : await tx.appendToStream(stream, events, appendOptions),
      );
      await inTransaction(tx, inTx);
      return inTx;
    });
  } else if (events.length === 0) {
    return outcome(undefined);
  } else {
    result = outcome(await store.appendToStream(stream, events, appendOptions));
  }
  if (events.length > 0) await snapshotAfter(store, aggregate, stream, tenant, loaded, result);
  return result;
}

/** Saves a snapshot of the command's new state when one is due and the state is the stream's. */
async function snapshotAfter<Command, State, Event extends CloudEvent, Tx>(
  store: EventStore<Tx>,
  aggregate: Aggregate<Command, State, Event>,
  stream: string,
  tenant: string,
  loaded: LoadedState<State>,
  result: CommandResult<State, Event>,
): Promise<void> {
  // Only when the append came right after the loaded version: with 'any', another writer's events
  // may sit between, and the evolved state would miss them.
  if (result.nextExpectedVersion !== loaded.version + BigInt(result.events.length)) return;
  await saveSnapshotIfDue(store, aggregate, {
    stream,
    tenant,
    state: result.state,
    version: result.nextExpectedVersion,
    previousVersion: loaded.version,
    snapshotVersion: loaded.snapshotVersion,
  });
}
