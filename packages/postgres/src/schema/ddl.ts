// The tables of version 1 of the schema. Later versions add migrations; they never edit this one.
import type { Tables } from './tables.js';

export function tablesDdl(t: Tables): string {
  return `
CREATE TABLE ${t.streams} (
  tenant text NOT NULL,
  stream text NOT NULL,
  -- version of the last event ever appended (0: none)
  version bigint NOT NULL DEFAULT 0,
  deleted text CHECK (deleted IN ('soft', 'hard')),
  -- events up to this version were soft-deleted (hidden, kept)
  deleted_through bigint NOT NULL DEFAULT 0,
  -- stream metadata, as columns so readers filter in SQL
  truncate_before bigint,
  max_count bigint,
  max_age_ms bigint,
  -- true when some events of the stream may be hidden: readers check only these streams
  restricted boolean GENERATED ALWAYS AS (
    deleted_through > 0 OR truncate_before IS NOT NULL OR max_count IS NOT NULL OR max_age_ms IS NOT NULL
  ) STORED,
  PRIMARY KEY (tenant, stream)
);
CREATE INDEX streams_restricted ON ${t.streams} (tenant, stream) WHERE restricted;

CREATE TABLE ${t.events} (
  position bigint PRIMARY KEY,
  tenant text NOT NULL,
  stream text NOT NULL,
  version bigint NOT NULL,
  id text NOT NULL UNIQUE,
  type text NOT NULL,
  category text NOT NULL,
  schema_version integer,
  -- JSON text exactly as written (see measure.speed.ts for text against jsonb)
  data text NOT NULL,
  attributes text NOT NULL,
  recorded_at timestamptz NOT NULL,
  UNIQUE (tenant, stream, version)
);

-- taken only under the append lock, and CACHE 1, so values come out in commit order
CREATE SEQUENCE ${t.positions} AS bigint MINVALUE 1 CACHE 1;

-- one row per event to publish; id = the event's position, so ids follow commit order too
CREATE TABLE ${t.outbox} (
  id bigint PRIMARY KEY,
  topic text NOT NULL
);

CREATE TABLE ${t.snapshots} (
  tenant text NOT NULL,
  stream text NOT NULL,
  version bigint NOT NULL,
  schema_version text NOT NULL,
  state text NOT NULL,
  PRIMARY KEY (tenant, stream)
);

CREATE TABLE ${t.checkpoints} (
  name text PRIMARY KEY,
  position bigint NOT NULL
);

CREATE TABLE ${t.leases} (
  name text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);
`;
}
