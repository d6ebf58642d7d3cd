// The event store's tables. Every index is paid for by every append, so there is one per read path
// and no more: by stream (the UNIQUE key), by id (uniqueness), by type, by category, by time.

/**
 * True for a stream whose metadata or soft deletion hides some of its events. Written the same in
 * the partial index and in the query asking whether any stream hides events, so SQLite answers
 * that query from the (tiny) index.
 */
export const HIDING_CONDITION =
  '(deleted_before > 0 OR truncate_before IS NOT NULL OR max_count IS NOT NULL OR max_age_ms IS NOT NULL)';

/**
 * Creates the `tributary_es_*` tables if missing.
 *
 * - `streams`: one row per stream ever written (a hard-deleted one stays as a tombstone).
 *   `deleted` is 0 (live), 1 (soft) or 2 (hard); `deleted_before` hides the versions below it
 *   after a soft delete; `truncate_before`, `max_count` and `max_age_ms` are the metadata.
 * - `events`: the global log; `position` is the rowid, assigned by the store and never reused,
 *   even when the newest events are deleted (`head` remembers the highest position given).
 * - `outbox`: one row per event to publish, keyed by the event's position; published rows are
 *   deleted, so the table holds exactly the pending entries, in order.
 */
export const EVENT_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS tributary_es_streams (
  tenant TEXT NOT NULL,
  stream TEXT NOT NULL,
  version INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  deleted_before INTEGER NOT NULL DEFAULT 0,
  truncate_before INTEGER,
  max_count INTEGER,
  max_age_ms INTEGER,
  PRIMARY KEY (tenant, stream)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tributary_es_streams_hiding ON tributary_es_streams (tenant)
  WHERE ${HIDING_CONDITION};
CREATE TABLE IF NOT EXISTS tributary_es_events (
  position INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  stream TEXT NOT NULL,
  version INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  schema_version INTEGER,
  data TEXT NOT NULL,
  attributes TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (tenant, stream, version)
);
CREATE INDEX IF NOT EXISTS tributary_es_events_by_type ON tributary_es_events (type);
CREATE INDEX IF NOT EXISTS tributary_es_events_by_category ON tributary_es_events (category);
CREATE INDEX IF NOT EXISTS tributary_es_events_by_time ON tributary_es_events (recorded_at);
CREATE TABLE IF NOT EXISTS tributary_es_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tributary_es_outbox (
  position INTEGER PRIMARY KEY,
  topic TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tributary_es_snapshots (
  tenant TEXT NOT NULL,
  stream TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_version TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (tenant, stream)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tributary_es_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tributary_es_leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;
