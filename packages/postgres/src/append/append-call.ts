// One call of the append function: the appends' rows as parameter arrays in, one status per append out.
import type {
  StoreAppendResult as AppendResult,
  CloudEvent,
  EventUpcaster,
  RecordedEvent,
  TributaryError,
} from '@tributary/core';
import { ConcurrencyError, EventStoreError } from '@tributary/core';
import { type CheckedAppend, fromStoredEvent, streamDeleted } from '@tributary/core/internal';
import type { Database, Queryable } from '../database.js';
import { groupParameters, oneParameters } from './append-parameters.js';

/** One append of a call, with its tenant (a group may mix tenants) and each event's outbox topic. */
export interface AppendUnit {
  readonly tenant: string;
  readonly append: CheckedAppend;
  readonly topics: readonly (string | null)[];
}

/**
 * Builds the unit of a checked append, picking the outbox topic of each event now, so a throwing
 * `outboxTopic` fails this append before anything is sent.
 */
export function appendUnit(
  tenant: string,
  append: CheckedAppend,
  topicOf: OutboxTopicOf | undefined,
): AppendUnit {
  const { outbox, events, stream } = append;
  const topics = events.map((event) =>
    outbox === false ? null : outbox !== undefined ? outbox : (topicOf?.(event, stream) ?? null),
  );
  return { tenant, append, topics };
}

/** What happened to one append. `written` is false for an idempotent retry. */
export type AppendOutcome =
  | { readonly ok: true; readonly result: AppendResult; readonly written: boolean; readonly recordedAt: Date }
  | { readonly ok: false; readonly error: TributaryError; readonly skipped?: boolean };

/** Picks each event's outbox topic (`undefined`: none) for appends without an explicit one. */
export type OutboxTopicOf = (event: CloudEvent, stream: string) => string | undefined;

/** Where to announce a committed append to other processes (LISTEN/NOTIFY). */
export interface AppendNotice {
  readonly channel: string;
  readonly origin: string;
}

interface StatusRow {
  status: string | null;
  version: string | null;
  last_position: string | null;
  recorded_at: Date | null;
}

/**
 * Calls the append function once for `units`. `atomic`: all or nothing (appendToStreams); else
 * each unit succeeds or fails on its own (group commit). Rejects only when the statement itself
 * failed (a unique violation on an event id appended twice in one group, a lost connection).
 */
export async function callAppend(
  db: Database,
  on: Queryable,
  units: readonly AppendUnit[],
  options: { atomic: boolean; notice: AppendNotice | undefined },
): Promise<AppendOutcome[]> {
  const t = db.tables;
  const unit = units[0];
  const statement =
    units.length === 1 && unit !== undefined
      ? {
          name: db.statementName('append_one'),
          text: `SELECT * FROM ${t.appendOne}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          values: oneParameters(unit, options.notice),
        }
      : {
          name: db.statementName('append_group'),
          text: `SELECT * FROM ${t.appendGroup}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
          values: groupParameters(units, options.atomic, options.notice),
        };
  const rows = await db.query<StatusRow>(describe(units), statement, on);
  return units.map((unit, i) => outcomeOf(unit, rows[i]));
}

/** What the messages of a failed call say the store was doing. */
export function describe(units: readonly AppendUnit[]): string {
  const first = units[0]?.append.stream ?? '';
  return units.length === 1 ? `append to stream "${first}"` : `append to ${units.length} streams`;
}

function outcomeOf(unit: AppendUnit, row: StatusRow | undefined): AppendOutcome {
  const { stream, expectedVersion } = unit.append;
  switch (row?.status) {
    case 'ok':
    case 'idempotent':
      return {
        ok: true,
        written: row.status === 'ok',
        recordedAt: row.recorded_at ?? new Date(0),
        result: { nextExpectedVersion: BigInt(row.version ?? 0), position: BigInt(row.last_position ?? 0) },
      };
    case 'wrong_version':
      return {
        ok: false,
        error: new ConcurrencyError(
          stream,
          expectedVersion === 'any' ? 'stream_exists' : expectedVersion,
          BigInt(row.version ?? 0),
        ),
      };
    case 'deleted':
      return { ok: false, error: streamDeleted(stream) };
    case 'duplicate':
      return { ok: false, error: duplicateEventId(stream, unit.append.stored[0]?.id ?? '') };
    default:
      return {
        ok: false,
        skipped: true,
        error: new EventStoreError(
          'WRONG_EXPECTED_VERSION',
          `Append to "${stream}" was not written because another append of the same appendToStreams call failed.`,
        ),
      };
  }
}

/** The error of an append whose event id `id` is stored already. */
export function duplicateEventId(stream: string, id: string): TributaryError {
  return new EventStoreError(
    'DUPLICATE_EVENT_ID',
    `Cannot append to "${stream}": event id ${id} is already stored (in another stream, or not all of this append's events are). Give every new event a new id (uuidv7()).`,
  );
}

/**
 * The event id of a unique violation of the events' id (`Key (id)=(…) already exists.`), or
 * `undefined` for any other error.
 */
export function duplicateIdOf(err: unknown): string | undefined {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (typeof cause !== 'object' || cause === null) return undefined;
  if (!('code' in cause) || cause.code !== '23505') return undefined;
  if (!('constraint' in cause) || cause.constraint !== 'events_id_key') return undefined;
  const detail = 'detail' in cause && typeof cause.detail === 'string' ? cause.detail : '';
  return /^Key \(id\)=\((.*)\) already exists\.?$/s.exec(detail)?.[1] ?? '';
}

/** The events an append wrote, as readers will see them (for inline projections). */
export function recordedEventsOf(
  unit: AppendUnit,
  outcome: { readonly result: AppendResult; readonly recordedAt: Date },
  upcaster: EventUpcaster,
): RecordedEvent[] {
  const { tenant, append } = unit;
  const count = BigInt(append.events.length);
  const firstVersion = outcome.result.nextExpectedVersion - count + 1n;
  const firstPosition = outcome.result.position - count + 1n;
  return append.stored.map((row, k) => ({
    event: upcaster.upcast(fromStoredEvent(row, tenant)),
    stream: append.stream,
    tenant,
    version: firstVersion + BigInt(k),
    position: firstPosition + BigInt(k),
    recordedAt: outcome.recordedAt,
  }));
}
