// The single append as one PL/pgSQL function: one round trip, one statement, no per-append arrays.
import { allocatePositions, appendLock, expectedVersionHolds, idempotencyCheck } from './append-sql.js';
import type { Tables } from './tables.js';

/**
 * `append_one(...)` appends events to one stream and returns `status` ('ok', 'idempotent',
 * 'wrong_version', 'deleted' or 'duplicate'), `version` (the stream's version after the append,
 * or its actual version for 'wrong_version'), `last_position` and `recorded_at`. The
 * expected-version check and the stream update are one upsert whose WHERE is the check: a failing
 * append writes nothing. Positions: see append-sql.ts.
 */
export function appendOneDdl(t: Tables, schema: string): string {
  const holds = expectedVersionHolds('p_kind', 'p_expected');
  return `
CREATE FUNCTION ${t.appendOne}(
  p_channel text, p_origin text, p_tenant text, p_stream text, p_category text, p_kind text, p_expected bigint,
  e_ids text[], e_types text[], e_schema_versions integer[], e_data text, e_attributes text, e_topics text[],
  OUT status text, OUT version bigint, OUT last_position bigint, OUT recorded_at timestamptz
)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_count integer := cardinality(e_ids);
  v_found record;
  v_new bigint;
  v_deleted text;
  v_head bigint;
  v_now timestamptz;
BEGIN
  ${appendLock(schema)}
  SELECT e.tenant, e.stream INTO v_found FROM ${t.events} e WHERE e.id = e_ids[1];
  IF FOUND THEN
    ${idempotencyCheck(t, { tenant: 'p_tenant', stream: 'p_stream', ids: 'e_ids', count: 'v_count', status: 'status', version: 'version', position: 'last_position' })}
    RETURN;
  END IF;
  -- check and update in one statement: no row back means the check failed (or no stream)
  IF p_kind IN ('any', 'no_stream') OR p_expected = 0 THEN
    INSERT INTO ${t.streams} AS s (tenant, stream, version) VALUES (p_tenant, p_stream, v_count)
    ON CONFLICT (tenant, stream) DO UPDATE SET version = s.version + v_count, deleted = NULL
     WHERE ${holds}
    RETURNING s.version INTO v_new;
  ELSE
    UPDATE ${t.streams} s SET version = s.version + v_count, deleted = NULL
     WHERE s.tenant = p_tenant AND s.stream = p_stream AND ${holds}
    RETURNING s.version INTO v_new;
  END IF;
  IF v_new IS NULL THEN
    SELECT s.version, s.deleted INTO v_new, v_deleted FROM ${t.streams} s
     WHERE s.tenant = p_tenant AND s.stream = p_stream;
    status := CASE WHEN v_deleted = 'hard' THEN 'deleted' ELSE 'wrong_version' END;
    version := coalesce(v_new, 0);
    RETURN;
  END IF;

  ${allocatePositions(t, 'v_count')}
  -- milliseconds, as a JavaScript Date holds them, so recordedAt filters match exactly
  v_now := date_trunc('milliseconds', clock_timestamp());
  -- data and attributes arrive as JSON texts joined by U+001E, which JSON text never contains
  INSERT INTO ${t.events}
    (position, tenant, stream, version, id, type, category, schema_version, data, attributes, recorded_at)
  SELECT v_head + x.o, p_tenant, p_stream, v_new - v_count + x.o, x.id, x.type, p_category, x.schema_version,
         x.data, x.attributes, v_now
    FROM unnest(e_ids, e_types, e_schema_versions,
                string_to_array(e_data, chr(30)), string_to_array(e_attributes, chr(30)))
         WITH ORDINALITY AS x(id, type, schema_version, data, attributes, o);
  IF e_topics IS NOT NULL THEN
    INSERT INTO ${t.outbox} (id, topic)
    SELECT v_head + x.o, x.topic FROM unnest(e_topics) WITH ORDINALITY AS x(topic, o) WHERE x.topic IS NOT NULL;
  END IF;
  IF p_channel IS NOT NULL THEN
    PERFORM pg_notify(p_channel, p_origin);
  END IF;
  status := 'ok';
  version := v_new;
  last_position := v_head + v_count;
  recorded_at := v_now;
END
$fn$;
`;
}
