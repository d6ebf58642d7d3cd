// Appends of the in-memory event store: idempotency, expected versions, inline projections, outbox.

import { EventStoreError, invalidArgument } from '../errors/errors.js';
import type { CheckedAppend } from '../event-store/checks.js';
import { assertExpectedVersion, streamDeleted } from '../event-store/expected-version.js';
import type { AppendResult, EventStoreOptions, EventUpcaster } from '../ports/event-store.js';
import { toRecorded } from './memory-event-reads.js';
import { type MemoryEventState, streamKey } from './memory-event-state.js';

/** What an append needs from the store's options. */
export interface AppendConfig {
  readonly upcaster: EventUpcaster;
  readonly options: EventStoreOptions<undefined>;
}

/** The results of some appends, and whether any of them wrote events (idempotent repeats do not). */
export interface AppendOutcome {
  readonly results: AppendResult[];
  readonly wrote: boolean;
}

/**
 * Writes `appends` of `tenant` in one savepoint: all of them or, when any check, inline projection
 * or outbox topic function throws, none. Must run while no other write runs.
 */
export async function writeAppends(
  state: MemoryEventState,
  tenant: string,
  appends: readonly CheckedAppend[],
  config: AppendConfig,
): Promise<AppendOutcome> {
  const savepoint = state.begin();
  try {
    const results: AppendResult[] = [];
    let wrote = false;
    for (const append of appends) {
      const repeat = earlierResult(state, tenant, append);
      if (repeat !== undefined) {
        results.push(repeat);
        continue;
      }
      results.push(await writeOne(state, tenant, append, config));
      wrote = true;
    }
    state.commit(savepoint);
    return { results, wrote };
  } catch (error) {
    state.rollback(savepoint);
    throw error;
  }
}

async function writeOne(
  state: MemoryEventState,
  tenant: string,
  append: CheckedAppend,
  config: AppendConfig,
): Promise<AppendResult> {
  assertExpectedVersion(
    append.stream,
    append.expectedVersion,
    state.streams.get(streamKey(tenant, append.stream)),
  );
  const stream = state.streamForAppend(tenant, append.stream);
  const recordedAt = new Date();
  const rows = append.stored.map((stored) => state.addEvent(stream, stored, recordedAt));
  const recorded = rows.map((row) => toRecorded(row, config.upcaster));
  rows.forEach((row, i) => {
    const event = recorded[i]?.event;
    const topic = event === undefined ? undefined : outboxTopic(append, event, config.options);
    if (topic !== undefined) state.addOutboxRow(topic, row);
  });
  for (const projection of config.options.inlineProjections ?? []) {
    const types = projection.types;
    const handled = types === undefined ? recorded : recorded.filter((r) => types.includes(r.event.type));
    if (handled.length > 0) await projection.apply(handled, undefined);
  }
  const last = rows.at(-1);
  return { nextExpectedVersion: stream.version, position: last?.position ?? 0n };
}

function outboxTopic(
  append: CheckedAppend,
  event: Parameters<NonNullable<EventStoreOptions<undefined>['outboxTopic']>>[0],
  options: EventStoreOptions<undefined>,
): string | undefined {
  if (append.outbox === false) return undefined;
  if (append.outbox !== undefined) return append.outbox;
  const topic = options.outboxTopic?.(event, append.stream);
  if (topic !== undefined && (typeof topic !== 'string' || topic.length === 0))
    throw invalidArgument(
      `The store's outboxTopic returned ${JSON.stringify(topic)} for event ${event.id}: expected a topic name or undefined.`,
    );
  return topic;
}

/**
 * The original result when every event of `append` is already stored in its stream at consecutive
 * versions in the same order; `undefined` when none is stored.
 * @throws EventStoreError `STREAM_DELETED` for a hard-deleted stream; `DUPLICATE_EVENT_ID` when
 *   only some are stored, or stored elsewhere.
 */
function earlierResult(
  state: MemoryEventState,
  tenant: string,
  append: CheckedAppend,
): AppendResult | undefined {
  if (state.streams.get(streamKey(tenant, append.stream))?.deleted === 'hard')
    throw streamDeleted(append.stream);
  const found = append.stored.map((stored) => state.byId.get(stored.id));
  if (found.every((event) => event === undefined)) return undefined;
  const first = found[0];
  const repeated =
    first !== undefined &&
    found.every(
      (event, i) =>
        event !== undefined &&
        event.tenant === tenant &&
        event.stream === append.stream &&
        event.version === first.version + BigInt(i),
    );
  const last = found.at(-1);
  if (repeated && last !== undefined) return { nextExpectedVersion: last.version, position: last.position };
  const index = found.findIndex((event) => event !== undefined);
  const clash = found[index];
  throw new EventStoreError(
    'DUPLICATE_EVENT_ID',
    `Cannot append to "${append.stream}": event id ${append.stored[index]?.id} is already stored in stream "${clash?.stream}"${
      clash?.stream === append.stream && clash.tenant === tenant ? ' (not as this same append)' : ''
    }. Event ids are unique across the store: give new events new ids, and repeat an append only with exactly the same events.`,
  );
}
