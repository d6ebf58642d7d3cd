// Writing appends inside the open write transaction: expected-version check, idempotent retries,
// event rows, the stream's new version, outbox rows, then the inline projections.
import {
  type StoreAppendResult as AppendResult,
  type CloudEvent,
  EventStoreError,
  type EventUpcaster,
  type InlineProjection,
  type RecordedEvent,
  streamCategory,
} from '@tributary/core';
import {
  assertExpectedVersion,
  type CheckedAppend,
  fromStoredEvent,
  invalidArgument,
} from '@tributary/core/internal';
import Database from 'better-sqlite3';
import type { SqliteTx, StatementCache } from '../sqlite-tx.js';
import { readStreamRow, streamState } from './rows.js';
import { EventStoreTx } from './store-tx.js';
import type { WriteContext } from './write-context.js';
import type { WriteStatements } from './write-statements.js';

/** An inline projection with its type filter as a set. */
export interface PreparedProjection {
  readonly projection: InlineProjection<SqliteTx>;
  readonly types: ReadonlySet<string> | undefined;
}

/** What appends need besides the open transaction. */
export interface AppendEnvironment {
  readonly db: Database.Database;
  readonly statements: WriteStatements;
  /** Statements of the SqliteTx handed to projections. */
  readonly txStatements: StatementCache;
  readonly upcaster: EventUpcaster;
  readonly projections: readonly PreparedProjection[];
  readonly outboxTopic: ((event: CloudEvent, stream: string) => string | undefined) | undefined;
}

/**
 * Writes `appends` (one job: all or nothing, the caller's savepoint undoes a failure) and runs the
 * inline projections after each. Synchronous unless a projection returns a promise.
 */
export function appendAll(
  env: AppendEnvironment,
  ctx: WriteContext,
  tenant: string,
  appends: readonly CheckedAppend[],
  from = 0,
  results: AppendResult[] = [],
): AppendResult[] | Promise<AppendResult[]> {
  for (let i = from; i < appends.length; i++) {
    const append = appends[i] as CheckedAppend;
    const written = writeAppend(env, ctx, tenant, append);
    results.push(written.result);
    if (written.recorded === undefined) continue;
    const pending = runProjections(env, written.recorded, 0);
    if (pending !== undefined)
      return pending.then(() => appendAll(env, ctx, tenant, appends, i + 1, results));
  }
  return results;
}

interface Written {
  readonly result: AppendResult;
  /** The events as reads return them, when inline projections need them. */
  readonly recorded: RecordedEvent[] | undefined;
}

function writeAppend(
  env: AppendEnvironment,
  ctx: WriteContext,
  tenant: string,
  append: CheckedAppend,
): Written {
  const s = env.statements;
  const { stream, stored } = append;
  const row = readStreamRow(s.selectStream, tenant, stream);
  try {
    assertExpectedVersion(stream, append.expectedVersion, streamState(row));
  } catch (err) {
    // A retry of an append that did commit is answered with its original result.
    const original = row?.deleted === 2 ? undefined : findStored(s, tenant, append);
    if (original !== undefined) return { result: original, recorded: undefined };
    throw err;
  }
  const topics = outboxTopics(env, append);
  const first = (row?.version ?? 0) + 1;
  const category = streamCategory(stream);
  const recordedAt = ctx.recordedAt();
  let position = ctx.nextPosition;
  for (let i = 0; i < stored.length; i++) {
    const e = stored[i] as (typeof stored)[number];
    try {
      s.insertEvent.run(
        position,
        tenant,
        stream,
        first + i,
        e.id,
        e.type,
        category,
        e.schemaVersion,
        e.data,
        e.attributes,
        recordedAt,
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Past the first event, the rows this append wrote would confuse findStored: it is a partial duplicate.
      if (i > 0) throw duplicateEventId(append, e.id, findAt(s, e.id), tenant);
      const original = findStored(s, tenant, append);
      if (original !== undefined) return { result: original, recorded: undefined };
      throw err;
    }
    const topic = topics?.[i];
    if (topic !== undefined) s.insertOutbox.run(position, topic);
    position++;
  }
  const version = first + stored.length - 1;
  if (row?.recorded === true) s.updateStreamVersion.run(version, tenant, stream);
  if (row?.max_count != null) {
    // Reclaim what maxCount now hides (reads hide it anyway; this keeps the table from growing).
    s.keepHead.run();
    s.reclaimBelow.run(tenant, stream, version - row.max_count + 1);
  }
  const firstPosition = ctx.nextPosition;
  ctx.nextPosition = position;
  ctx.appended += stored.length;
  const result = { nextExpectedVersion: BigInt(version), position: BigInt(position - 1) };
  if (env.projections.length === 0) return { result, recorded: undefined };
  const at = new Date(recordedAt);
  const recorded = stored.map(
    (e, i): RecordedEvent => ({
      event: env.upcaster.upcast(fromStoredEvent(e, tenant)),
      stream,
      tenant,
      version: BigInt(first + i),
      position: BigInt(firstPosition + i),
      recordedAt: at,
    }),
  );
  return { result, recorded };
}

/** The outbox topic of each event (computed before writing: `outboxTopic` is user code and may throw). */
function outboxTopics(env: AppendEnvironment, append: CheckedAppend): (string | undefined)[] | undefined {
  if (append.outbox === false) return undefined;
  const fixed = append.outbox;
  if (fixed !== undefined) return append.events.map(() => fixed);
  const choose = env.outboxTopic;
  if (choose === undefined) return undefined;
  return append.events.map((event) => {
    const topic = choose(event, append.stream);
    if (topic !== undefined && (typeof topic !== 'string' || topic.length === 0))
      throw invalidArgument(
        `The store's outboxTopic returned ${JSON.stringify(topic)} for event ${event.id}: expected a topic name or undefined.`,
      );
    return topic;
  });
}

interface StoredAt {
  readonly tenant: string;
  readonly stream: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The original result when every event of `append` is already stored in its stream, at
 * consecutive versions, in order; `undefined` when none is stored.
 * @throws EventStoreError `DUPLICATE_EVENT_ID` when only some are, or elsewhere.
 */
function findStored(s: WriteStatements, tenant: string, append: CheckedAppend): AppendResult | undefined {
  const found = append.stored.map((e) => findAt(s, e.id));
  const firstFound = found.findIndex((f) => f !== undefined);
  if (firstFound < 0) return undefined;
  const head = found[0];
  const same =
    head !== undefined &&
    found.every(
      (f, i) =>
        f !== undefined &&
        f.tenant === tenant &&
        f.stream === append.stream &&
        f.version === head.version + i,
    );
  const last = found[found.length - 1];
  if (same && last !== undefined)
    return { nextExpectedVersion: BigInt(last.version), position: BigInt(last.position) };
  throw duplicateEventId(append, append.stored[firstFound]?.id ?? '', found[firstFound], tenant);
}

const findAt = (s: WriteStatements, id: string): StoredAt | undefined =>
  s.eventById.get(id) as StoredAt | undefined;

function duplicateEventId(
  append: CheckedAppend,
  id: string,
  storedAt: StoredAt | undefined,
  tenant: string,
): EventStoreError {
  const where =
    storedAt?.tenant === tenant && storedAt.stream === append.stream
      ? `in "${append.stream}" at version ${storedAt.version}, but not as part of this very append`
      : 'in another stream';
  return new EventStoreError(
    'DUPLICATE_EVENT_ID',
    `Cannot append to "${append.stream}": event id ${id} is already stored ${where}. Event ids are unique across the store: give new events new ids (retrying the same append with the same events is fine).`,
  );
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs the projections from index `from`; a promise only when one of them returns one. */
function runProjections(
  env: AppendEnvironment,
  recorded: readonly RecordedEvent[],
  from: number,
): Promise<void> | undefined {
  for (let i = from; i < env.projections.length; i++) {
    const { projection, types } = env.projections[i] as PreparedProjection;
    const events = types === undefined ? recorded : recorded.filter((r) => types.has(r.event.type));
    if (events.length === 0) continue;
    const tx = new EventStoreTx(env.db, env.txStatements, `inline projection "${projection.name}"`);
    let outcome: unknown;
    try {
      outcome = projection.apply(events, tx);
    } catch (err) {
      tx.end();
      throw err;
    }
    if (isPromiseLike(outcome))
      return Promise.resolve(outcome)
        .finally(() => tx.end())
        .then(() => runProjections(env, recorded, i + 1));
    tx.end();
  }
  return undefined;
}

/** True for a promise or any thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'then' in value &&
    typeof value.then === 'function'
  );
}
