// SQL shared by the append functions: the append lock, the expected-version rule, idempotency.
import { createHash } from 'node:crypto';
import type { Tables } from './tables.js';

/*
 * WHY THE GLOBAL LOG HAS NO GAPS. Readers select `position > after ORDER BY position`. A
 * sequence-based design fails there: txn A takes position 5, txn B takes 6 and commits first, a
 * reader sees 6 and moves on; A commits 5 behind it, and the reader never sees it. Here every
 * append first takes a transaction-scoped advisory lock (one per schema), and positions are taken
 * from the sequence only under it, so from allocation until COMMIT no other append can allocate.
 * PostgreSQL makes a committing transaction visible (ProcArrayEndTransaction) before it releases
 * its locks, so when B gets the lock, A is already visible (or rolled back), and B's positions
 * are all higher than A's. Hence: when a reader's snapshot sees position p, it sees every
 * position below p, which is the promise of `readAll`. (A rolled-back append leaves a hole,
 * which readers simply never see.) Taking the lock first, before any stream row, also means
 * appends never deadlock each other. The price: appends commit one transaction at a time per
 * schema, which group commit (many appends per call, see group-commit.ts) offsets. A lock rather
 * than a counter row: a row updated by every append would pile up dead versions.
 */

/** The first key of the append lock: "trib" (the second one is per schema). */
const APPEND_LOCK_CLASS = 0x74726962;

/** The statement taking the append lock of `schema` (its name unquoted). */
export function appendLock(schema: string): string {
  const key = createHash('sha256').update(schema).digest().readInt32BE(0);
  return `PERFORM pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, ${key});`;
}

/**
 * The expected-version rule on stream row `s`, as SQL: `kind` ('any', 'no_stream',
 * 'stream_exists' or 'exact') and `expected` (the exact version) are SQL expressions.
 */
export function expectedVersionHolds(kind: string, expected: string): string {
  return `s.deleted IS DISTINCT FROM 'hard' AND CASE ${kind}
              WHEN 'any' THEN true
              WHEN 'no_stream' THEN s.version = 0 OR s.deleted = 'soft'
              WHEN 'stream_exists' THEN s.version > 0 AND s.deleted IS NULL
              ELSE s.version = ${expected} END`;
}

/**
 * Statements setting `status` to 'idempotent' (with `version` and `position`) when every id of
 * `ids` is stored in the stream, in order, at consecutive versions, else to 'duplicate'; to run
 * when the first id is found (in `v_found`, with its tenant and stream). Arguments are SQL.
 */
export function idempotencyCheck(
  t: Tables,
  a: {
    tenant: string;
    stream: string;
    ids: string;
    count: string;
    status: string;
    version: string;
    position: string;
  },
): string {
  return `${a.status} := 'duplicate';
      IF v_found.tenant = ${a.tenant} AND v_found.stream = ${a.stream} THEN
        SELECT array_agg(e.id ORDER BY e.version) AS ids, min(e.version) AS first_version,
               max(e.version) AS last_version, max(e.position) AS last_position
          INTO v_found
          FROM ${t.events} e
         WHERE e.tenant = ${a.tenant} AND e.stream = ${a.stream} AND e.id = ANY (${a.ids});
        IF v_found.ids = ${a.ids} AND v_found.last_version - v_found.first_version + 1 = ${a.count} THEN
          ${a.status} := 'idempotent';
          ${a.version} := v_found.last_version;
          ${a.position} := v_found.last_position;
        END IF;
      END IF;`;
}

/** Statements taking `count` positions: the last one before them lands in `v_head`. */
export function allocatePositions(t: Tables, count: string): string {
  return `v_head := setval('${t.positions}', nextval('${t.positions}') + ${count} - 1) - ${count};`;
}
