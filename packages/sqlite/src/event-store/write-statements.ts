// The prepared statements of the write side, prepared once per store.
import type Database from 'better-sqlite3';
import { STREAM_STATE_SQL } from './rows.js';

const EVENTS = 'tributary_es_events';
const STREAMS = 'tributary_es_streams';
const NOT_PENDING_IN_OUTBOX = `NOT EXISTS (SELECT 1 FROM tributary_es_outbox o WHERE o.position = ${EVENTS}.position)`;

/** Every statement appends, deletions and metadata changes run, prepared once. */
export class WriteStatements {
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
  readonly savepoint: Database.Statement;
  readonly release: Database.Statement;
  readonly rollbackToSavepoint: Database.Statement;
  /** The highest position ever given and the time of the newest event. */
  readonly head: Database.Statement;
  /** Remembers the highest position given before events are deleted, so it is never reused. */
  readonly keepHead: Database.Statement;
  /** Read with `readStreamRow`. */
  readonly selectStream: Database.Statement;
  readonly updateStreamVersion: Database.Statement;
  readonly insertEvent: Database.Statement;
  readonly insertOutbox: Database.Statement;
  readonly eventById: Database.Statement;
  /** Deletes a stream's events below a version, except those the outbox still has to publish. */
  readonly reclaimBelow: Database.Statement;
  readonly deleteStreamOutbox: Database.Statement;
  readonly deleteStreamEvents: Database.Statement;
  readonly softDelete: Database.Statement;
  readonly hardDelete: Database.Statement;
  readonly setMetadata: Database.Statement;
  readonly saveSnapshot: Database.Statement;
  readonly deleteSnapshot: Database.Statement;
  readonly createCheckpoint: Database.Statement;
  readonly moveCheckpoint: Database.Statement;
  readonly deleteCheckpoint: Database.Statement;
  /** Takes or renews a lease in one statement; returns the row only when granted. */
  readonly acquireLease: Database.Statement;
  readonly releaseLease: Database.Statement;
  readonly markPublished: Database.Statement;

  constructor(db: Database.Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT tributary_es_job');
    this.release = db.prepare('RELEASE tributary_es_job');
    this.rollbackToSavepoint = db.prepare('ROLLBACK TO tributary_es_job');
    this.head = db.prepare(
      `SELECT max(coalesce((SELECT position FROM tributary_es_head), 0),
                  coalesce((SELECT position FROM ${EVENTS} ORDER BY position DESC LIMIT 1), 0)) AS position,
              coalesce((SELECT recorded_at FROM ${EVENTS} ORDER BY position DESC LIMIT 1), 0) AS recorded_at`,
    );
    this.keepHead = db.prepare(
      `INSERT INTO tributary_es_head (id, position)
       VALUES (1, coalesce((SELECT position FROM ${EVENTS} ORDER BY position DESC LIMIT 1), 0))
       ON CONFLICT (id) DO UPDATE SET position = max(position, excluded.position)`,
    );
    this.selectStream = db.prepare(STREAM_STATE_SQL);
    this.updateStreamVersion = db.prepare(
      `UPDATE ${STREAMS} SET version = ?, deleted = 0 WHERE tenant = ? AND stream = ?`,
    );
    this.insertEvent = db.prepare(
      `INSERT INTO ${EVENTS} (position, tenant, stream, version, id, type, category, schema_version, data, attributes, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertOutbox = db.prepare('INSERT INTO tributary_es_outbox (position, topic) VALUES (?, ?)');
    this.eventById = db.prepare(`SELECT tenant, stream, version, position FROM ${EVENTS} WHERE id = ?`);
    this.reclaimBelow = db.prepare(
      `DELETE FROM ${EVENTS} WHERE tenant = ? AND stream = ? AND version < ? AND ${NOT_PENDING_IN_OUTBOX}`,
    );
    this.deleteStreamOutbox = db.prepare(
      `DELETE FROM tributary_es_outbox WHERE position IN
       (SELECT position FROM ${EVENTS} WHERE tenant = ? AND stream = ?)`,
    );
    this.deleteStreamEvents = db.prepare(`DELETE FROM ${EVENTS} WHERE tenant = ? AND stream = ?`);
    // Parameters: tenant, stream, the stream's current version (soft delete: and that + 1).
    this.softDelete = db.prepare(
      `INSERT INTO ${STREAMS} (tenant, stream, version, deleted, deleted_before) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (tenant, stream) DO UPDATE SET version = excluded.version, deleted = 1,
         deleted_before = excluded.deleted_before`,
    );
    this.hardDelete = db.prepare(
      `INSERT INTO ${STREAMS} (tenant, stream, version, deleted) VALUES (?, ?, ?, 2)
       ON CONFLICT (tenant, stream) DO UPDATE SET version = excluded.version, deleted = 2`,
    );
    this.setMetadata = db.prepare(
      `INSERT INTO ${STREAMS} (tenant, stream, version, truncate_before, max_count, max_age_ms)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, stream) DO UPDATE SET version = excluded.version,
         truncate_before = excluded.truncate_before, max_count = excluded.max_count,
         max_age_ms = excluded.max_age_ms`,
    );
    this.saveSnapshot = db.prepare(
      `INSERT INTO tributary_es_snapshots (tenant, stream, version, schema_version, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, stream) DO UPDATE SET version = excluded.version,
         schema_version = excluded.schema_version, state = excluded.state`,
    );
    this.deleteSnapshot = db.prepare('DELETE FROM tributary_es_snapshots WHERE tenant = ? AND stream = ?');
    this.createCheckpoint = db.prepare(
      'INSERT INTO tributary_es_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    );
    this.moveCheckpoint = db.prepare(
      'UPDATE tributary_es_checkpoints SET position = ? WHERE name = ? AND position = ?',
    );
    this.deleteCheckpoint = db.prepare('DELETE FROM tributary_es_checkpoints WHERE name = ?');
    this.acquireLease = db.prepare(
      `INSERT INTO tributary_es_leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE tributary_es_leases.owner = excluded.owner OR tributary_es_leases.expires_at <= @now
       RETURNING expires_at`,
    );
    this.releaseLease = db.prepare('DELETE FROM tributary_es_leases WHERE name = ? AND owner = ?');
    this.markPublished = db.prepare('DELETE FROM tributary_es_outbox WHERE position = ?');
  }
}
