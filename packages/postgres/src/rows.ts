// Rows of the events table back to RecordedEvents.
import type { EventUpcaster, RecordedEvent } from '@tributary/core';
import { fromStoredEvent } from '@tributary/core/internal';

/** The columns readers select (`position` and `version` arrive as strings: int8). */
export interface EventRow {
  position: string;
  tenant: string;
  stream: string;
  version: string;
  id: string;
  type: string;
  data: string;
  attributes: string;
  recorded_at: Date;
}

/** The select list matching {@link EventRow}, for events aliased `e`. */
export const EVENT_COLUMNS =
  'e.position, e.tenant, e.stream, e.version, e.id, e.type, e.data, e.attributes, e.recorded_at';

export function toRecordedEvent(row: EventRow, upcaster: EventUpcaster): RecordedEvent {
  return {
    event: upcaster.upcast(fromStoredEvent(row, row.tenant)),
    stream: row.stream,
    tenant: row.tenant,
    version: BigInt(row.version),
    position: BigInt(row.position),
    recordedAt: row.recorded_at,
  };
}

/**
 * SQL that is true when event `e` of stream row `s` is visible under the stream's metadata and
 * soft deletion (`restricted` is false for the common stream without any, so it costs nothing).
 */
export const VISIBLE = `(NOT s.restricted OR (
  e.version > s.deleted_through
  AND (s.truncate_before IS NULL OR e.version >= s.truncate_before)
  AND (s.max_count IS NULL OR e.version > s.version - s.max_count)
  AND (s.max_age_ms IS NULL OR e.recorded_at >= statement_timestamp() - s.max_age_ms * interval '1 millisecond')))`;
