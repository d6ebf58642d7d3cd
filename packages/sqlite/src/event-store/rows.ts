// Row shapes of the event store's tables and their conversion to the port's types.
import type { EventUpcaster, RecordedEvent, StreamInfo, StreamMetadata } from '@tributary/core';
import { fromStoredEvent, type StreamState } from '@tributary/core/internal';
import type Database from 'better-sqlite3';

/**
 * What the store knows of a stream. A stream gets a `tributary_es_streams` row only when it gets
 * metadata or is deleted (appends to other streams write nothing but their events); from then on
 * appends keep the row's version current. Integers are numbers: versions never approach 2^53.
 */
export interface StreamRow {
  /** The version of the last event ever appended. */
  readonly version: number;
  /** Whether the stream has a row (which appends must then keep current). */
  readonly recorded: boolean;
  /** 0 live, 1 soft-deleted, 2 hard-deleted. */
  readonly deleted: number;
  /** Versions below this are hidden by a soft delete (0: none). */
  readonly deleted_before: number;
  readonly truncate_before: number | null;
  readonly max_count: number | null;
  readonly max_age_ms: number | null;
}

/** A stream's row (all NULL when it has none) and the version of its last stored event. */
interface StreamStateRow extends Omit<StreamRow, 'version' | 'recorded' | 'deleted' | 'deleted_before'> {
  readonly version: number | null;
  readonly deleted: number | null;
  readonly deleted_before: number | null;
  readonly last: number | null;
}

/** Reads a {@link StreamRow}; parameters: tenant, stream, tenant, stream. */
export const STREAM_STATE_SQL = `SELECT s.version AS version, s.deleted AS deleted,
  s.deleted_before AS deleted_before, s.truncate_before AS truncate_before,
  s.max_count AS max_count, s.max_age_ms AS max_age_ms,
  (SELECT max(e.version) FROM tributary_es_events e WHERE e.tenant = ? AND e.stream = ?) AS last
  FROM (SELECT 1) LEFT JOIN tributary_es_streams s ON s.tenant = ? AND s.stream = ?`;

/** The stream as {@link STREAM_STATE_SQL} reads it; `undefined` when it never existed. */
export function readStreamRow(
  statement: Database.Statement,
  tenant: string,
  stream: string,
): StreamRow | undefined {
  const raw = statement.get(tenant, stream, tenant, stream) as StreamStateRow;
  if (raw.version === null && raw.last === null) return undefined;
  return {
    version: Math.max(raw.version ?? 0, raw.last ?? 0),
    recorded: raw.version !== null,
    deleted: raw.deleted ?? 0,
    deleted_before: raw.deleted_before ?? 0,
    truncate_before: raw.truncate_before,
    max_count: raw.max_count,
    max_age_ms: raw.max_age_ms,
  };
}

/** The columns of {@link EventRow}, in order, for SELECTs (optionally qualified by a table alias). */
export const eventColumns = (alias = ''): string =>
  ['position', 'tenant', 'stream', 'version', 'id', 'type', 'data', 'attributes', 'recorded_at']
    .map((c) => `${alias}${c}`)
    .join(', ');

/**
 * A `tributary_es_events` row as read back, in raw (array) mode: reading arrays instead of objects
 * saves about a third of the cost of fetching rows.
 */
export type EventRow = [
  position: number,
  tenant: string,
  stream: string,
  version: number,
  id: string,
  type: string,
  data: string,
  attributes: string,
  recordedAt: number,
];

const DELETED = [false, 'soft', 'hard'] as const;

/** What the expected-version rule needs to know about a stream. */
export function streamState(row: StreamRow | undefined): StreamState | undefined {
  if (row === undefined) return undefined;
  return { version: BigInt(row.version), deleted: DELETED[row.deleted] ?? false };
}

/** The port's view of a stream row. */
export function streamInfo(tenant: string, stream: string, row: StreamRow): StreamInfo {
  return {
    stream,
    tenant,
    version: BigInt(row.version),
    deleted: DELETED[row.deleted] ?? false,
    metadata: streamMetadata(row),
  };
}

function streamMetadata(row: StreamRow): StreamMetadata {
  const metadata: { maxAgeMs?: number; maxCount?: number; truncateBefore?: bigint } = {};
  if (row.max_age_ms !== null) metadata.maxAgeMs = row.max_age_ms;
  if (row.max_count !== null) metadata.maxCount = row.max_count;
  if (row.truncate_before !== null) metadata.truncateBefore = BigInt(row.truncate_before);
  return metadata;
}

/** The lowest version of the stream that its metadata and soft deletion leave visible. */
export function firstVisibleVersion(row: StreamRow): number {
  let first = Math.max(1, row.deleted_before, row.truncate_before ?? 0);
  if (row.max_count !== null) first = Math.max(first, row.version - row.max_count + 1);
  return first;
}

/** The earliest and latest times a JavaScript Date can hold, as unbounded time filters. */
export const MIN_TIME = -8_640_000_000_000_000;
export const MAX_TIME = 8_640_000_000_000_000;

/** Events recorded before this time (ms) are hidden by the stream's max age. */
export function visibleSince(row: StreamRow, now: number): number {
  return row.max_age_ms === null ? MIN_TIME : now - row.max_age_ms;
}

/** Turns an event row into what reads return, upcast to the newest version of its type. */
export function toRecordedEvent(row: EventRow, upcaster: EventUpcaster): RecordedEvent {
  const [position, tenant, stream, version, id, type, data, attributes, recordedAt] = row;
  return {
    event: upcaster.upcast(fromStoredEvent({ id, type, data, attributes }, tenant)),
    stream,
    tenant,
    version: BigInt(version),
    position: BigInt(position),
    recordedAt: new Date(recordedAt),
  };
}
