// Several appends as one PL/pgSQL function: a group commit or an appendToStreams, one round trip.
import { allocatePositions, appendLock, expectedVersionHolds, idempotencyCheck } from './append-sql.js';
import type { Tables } from './tables.js';

/**
 * `append_events(...)` appends a group of appends (each to one stream) and returns one row per
 * append: `status` ('ok', 'idempotent', 'wrong_version', 'deleted', 'duplicate', or 'skipped'
 * when an atomic call failed on another append), `version` (the stream's version after the
 * append, or its actual version for 'wrong_version'), `last_position`, `recorded_at`.
 *
 * Per append: the idempotency check (is its first event id stored?), then the expected-version
 * check and the stream update. A failing append writes nothing, so in a group (`p_atomic` false)
 * every other append still goes through; there the check and the update are one upsert whose
 * WHERE is the check. An atomic call (`appendToStreams`) locks and checks first, and undoes its
 * earlier stream updates when a later append fails, writing no events.
 *
 * Positions and the lock: see append-sql.ts.
 */
export function appendGroupDdl(t: Tables, schema: string): string {
  const expected = expectedVersionHolds('a_kinds[i]', 'a_expected[i]');
  return `
CREATE FUNCTION ${t.appendGroup}(
  p_atomic boolean, p_channel text, p_origin text,
  a_tenants text[], a_streams text[], a_categories text[], a_kinds text[], a_expected bigint[],
  a_first integer[], a_counts integer[],
  e_ids text[], e_types text[], e_schema_versions integer[], e_data text, e_attributes text,
  e_topics text[], e_appends integer[], e_offsets integer[]
) RETURNS TABLE (status text, version bigint, last_position bigint, recorded_at timestamptz)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  n integer := cardinality(a_streams);
  v_status text[] := array_fill(NULL::text, ARRAY[n]);
  v_version bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  v_position bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  v_start bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  v_base bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  v_old_deleted text[] := array_fill(NULL::text, ARRAY[n]);
  v_created boolean[] := array_fill(false, ARRAY[n]);
  v_ids text[];
  v_found record;
  v_new bigint;
  v_actual bigint;
  v_deleted text;
  v_exists boolean;
  v_ok boolean;
  v_failed integer := 0;
  v_total integer := 0;
  v_head bigint;
  v_now timestamptz;
  v_done integer[];
  v_hashjoin text := current_setting('enable_hashjoin');
  v_mergejoin text := current_setting('enable_mergejoin');
  v_seqscan text := current_setting('enable_seqscan');
  v_versions bigint[];
BEGIN
  -- the lock that orders appends (see append-sql.ts), taken first
  ${appendLock(schema)}

  IF NOT p_atomic AND n > 1 THEN
    -- Its joins must stay index lookups: plans are cached per connection and may be made while
    -- the tables are small, so planning happens without the join methods that scan a table.
    PERFORM set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
            set_config('enable_seqscan', 'off', true);
${groupPrepass(t)}
    PERFORM set_config('enable_hashjoin', v_hashjoin, true), set_config('enable_mergejoin', v_mergejoin, true),
            set_config('enable_seqscan', v_seqscan, true);
  END IF;

  FOR i IN 1 .. n LOOP
    CONTINUE WHEN v_status[i] IS NOT NULL; -- done by the group pre-pass
    v_ids := e_ids[a_first[i] : a_first[i] + a_counts[i] - 1];
    SELECT e.tenant, e.stream INTO v_found FROM ${t.events} e WHERE e.id = v_ids[1];
    IF FOUND THEN
      -- the first event is stored: a retry when all of them are, in order, at consecutive versions
      ${idempotencyCheck(t, { tenant: 'a_tenants[i]', stream: 'a_streams[i]', ids: 'v_ids', count: 'a_counts[i]', status: 'v_status[i]', version: 'v_version[i]', position: 'v_position[i]' })}
    ELSIF NOT p_atomic THEN
      -- check and update in one statement: no row back means the check failed (or no stream)
      v_new := NULL;
      IF a_kinds[i] IN ('any', 'no_stream') OR a_expected[i] = 0 THEN
        INSERT INTO ${t.streams} AS s (tenant, stream, version) VALUES (a_tenants[i], a_streams[i], a_counts[i])
        ON CONFLICT (tenant, stream) DO UPDATE SET version = s.version + a_counts[i], deleted = NULL
         WHERE ${expected}
        RETURNING s.version INTO v_new;
      ELSE
        UPDATE ${t.streams} s SET version = s.version + a_counts[i], deleted = NULL
         WHERE s.tenant = a_tenants[i] AND s.stream = a_streams[i] AND ${expected}
        RETURNING s.version INTO v_new;
      END IF;
      IF v_new IS NOT NULL THEN
        v_status[i] := 'ok';
        v_start[i] := v_new - a_counts[i];
        v_total := v_total + a_counts[i];
      ELSE
        SELECT s.version, s.deleted INTO v_actual, v_deleted
          FROM ${t.streams} s WHERE s.tenant = a_tenants[i] AND s.stream = a_streams[i];
        v_status[i] := CASE WHEN v_deleted = 'hard' THEN 'deleted' ELSE 'wrong_version' END;
        v_version[i] := coalesce(v_actual, 0);
      END IF;
    ELSE
      LOOP
        SELECT s.version, s.deleted INTO v_actual, v_deleted
          FROM ${t.streams} s WHERE s.tenant = a_tenants[i] AND s.stream = a_streams[i] FOR UPDATE;
        v_exists := FOUND;
        IF NOT v_exists THEN
          v_actual := 0;
          v_deleted := NULL;
        END IF;
        IF v_deleted = 'hard' THEN
          v_status[i] := 'deleted';
          EXIT;
        END IF;
        v_ok := CASE a_kinds[i]
                  WHEN 'any' THEN true
                  WHEN 'no_stream' THEN v_actual = 0 OR v_deleted IS NOT DISTINCT FROM 'soft'
                  WHEN 'stream_exists' THEN v_actual > 0 AND v_deleted IS NULL
                  ELSE v_actual = a_expected[i]
                END;
        IF NOT v_ok THEN
          v_status[i] := 'wrong_version';
          v_version[i] := v_actual;
          EXIT;
        END IF;
        IF v_exists THEN
          UPDATE ${t.streams} s SET version = s.version + a_counts[i], deleted = NULL
           WHERE s.tenant = a_tenants[i] AND s.stream = a_streams[i];
          v_old_deleted[i] := v_deleted;
        ELSE
          INSERT INTO ${t.streams} (tenant, stream, version) VALUES (a_tenants[i], a_streams[i], a_counts[i])
          ON CONFLICT DO NOTHING;
          -- created meanwhile by setStreamMetadata or deleteStream: lock it and check again
          CONTINUE WHEN NOT FOUND;
          v_created[i] := true;
        END IF;
        v_status[i] := 'ok';
        v_start[i] := v_actual;
        v_total := v_total + a_counts[i];
        EXIT;
      END LOOP;
      IF v_status[i] NOT IN ('ok', 'idempotent') THEN
        v_failed := i;
        EXIT;
      END IF;
    END IF;
  END LOOP;

  IF v_failed > 0 THEN
    -- an atomic call writes all or nothing: undo the stream updates of the appends before
    FOR j IN 1 .. v_failed - 1 LOOP
      IF v_created[j] THEN
        DELETE FROM ${t.streams} s WHERE s.tenant = a_tenants[j] AND s.stream = a_streams[j];
      ELSIF v_status[j] = 'ok' THEN
        UPDATE ${t.streams} s SET version = v_start[j], deleted = v_old_deleted[j]
         WHERE s.tenant = a_tenants[j] AND s.stream = a_streams[j];
      END IF;
      v_status[j] := 'skipped';
    END LOOP;
    v_total := 0;
  END IF;
  IF v_total > 0 THEN
    ${allocatePositions(t, 'v_total')}
    -- milliseconds, as a JavaScript Date holds them, so recordedAt filters match exactly
    v_now := date_trunc('milliseconds', clock_timestamp());
    FOR i IN 1 .. n LOOP
      IF v_status[i] = 'ok' THEN
        v_base[i] := v_head;
        v_head := v_head + a_counts[i];
        v_position[i] := v_head;
        v_version[i] := v_start[i] + a_counts[i];
      END IF;
    END LOOP;
    -- data and attributes arrive as JSON texts joined by U+001E, which JSON text never contains
    INSERT INTO ${t.events}
      (position, tenant, stream, version, id, type, category, schema_version, data, attributes, recorded_at)
    SELECT v_base[x.a] + x.off + 1, a_tenants[x.a], a_streams[x.a], v_start[x.a] + x.off + 1, x.id, x.type,
           a_categories[x.a], x.schema_version, x.data, x.attributes, v_now
      FROM unnest(e_appends, e_offsets, e_ids, e_types, e_schema_versions,
                  string_to_array(e_data, chr(30)), string_to_array(e_attributes, chr(30)))
           AS x(a, off, id, type, schema_version, data, attributes)
     WHERE v_status[x.a] = 'ok';
    IF e_topics IS NOT NULL THEN
      INSERT INTO ${t.outbox} (id, topic)
      SELECT v_base[x.a] + x.off + 1, x.topic
        FROM unnest(e_appends, e_offsets, e_topics) AS x(a, off, topic)
       WHERE x.topic IS NOT NULL AND v_status[x.a] = 'ok';
    END IF;
    IF p_channel IS NOT NULL THEN
      PERFORM pg_notify(p_channel, p_origin);
    END IF;
  END IF;

  RETURN QUERY
    SELECT u.s, u.v, u.p, CASE WHEN u.s = 'ok' THEN v_now END
      FROM unnest(v_status, v_version, v_position) AS u(s, v, p);
END
$fn$;
`;
}

/**
 * For a group of appends to distinct streams where no first event id is stored yet (the common
 * case): the stream updates of all appends in two statements instead of two per append. What it
 * leaves undecided (a failed check, a stream created meanwhile) the per-append loop decides.
 */
function groupPrepass(t: Tables): string {
  const expected = `s.deleted IS DISTINCT FROM 'hard' AND CASE i.kind
                WHEN 'any' THEN true
                WHEN 'no_stream' THEN s.version = 0 OR s.deleted = 'soft'
                WHEN 'stream_exists' THEN s.version > 0 AND s.deleted IS NULL
                ELSE s.version = i.expected END`;
  const input = `unnest(a_tenants, a_streams, a_kinds, a_expected, a_counts) WITH ORDINALITY
                 AS i(tenant, stream, kind, expected, cnt, idx)`;
  return `
    IF (SELECT count(DISTINCT (u.t, u.s)) FROM unnest(a_tenants, a_streams) AS u(t, s)) = n
       AND NOT EXISTS (
         SELECT 1 FROM unnest(e_ids) WITH ORDINALITY AS u(id, o)
           JOIN unnest(a_first) AS f(first) ON u.o = f.first
           JOIN ${t.events} e ON e.id = u.id) THEN
      WITH updated AS (
        UPDATE ${t.streams} s SET version = s.version + i.cnt, deleted = NULL
          FROM ${input}
         WHERE s.tenant = i.tenant AND s.stream = i.stream AND ${expected}
        RETURNING i.idx, s.version
      )
      SELECT array_agg(u.idx), array_agg(u.version) INTO v_done, v_versions FROM updated u;
      FOR k IN 1 .. coalesce(cardinality(v_done), 0) LOOP
        v_status[v_done[k]] := 'ok';
        v_start[v_done[k]] := v_versions[k] - a_counts[v_done[k]];
        v_total := v_total + a_counts[v_done[k]];
      END LOOP;
      WITH created AS (
        INSERT INTO ${t.streams} (tenant, stream, version)
        SELECT i.tenant, i.stream, i.cnt FROM ${input}
         WHERE v_status[i.idx] IS NULL AND (i.kind IN ('any', 'no_stream') OR i.expected = 0)
        ON CONFLICT DO NOTHING
        RETURNING tenant, stream
      )
      SELECT array_agg(i.idx) INTO v_done
        FROM created c JOIN ${input} ON i.tenant = c.tenant AND i.stream = c.stream;
      FOR k IN 1 .. coalesce(cardinality(v_done), 0) LOOP
        v_status[v_done[k]] := 'ok';
        v_start[v_done[k]] := 0;
        v_total := v_total + a_counts[v_done[k]];
      END LOOP;
    END IF;`;
}
