// The prepared statements of reads, one set per connection (the store's, and the read-only one
// used while a transaction is open across an await).
import type Database from 'better-sqlite3';
import { type ReadAllShape, readAllSql, shapeKey } from './read-all-sql.js';
import { eventColumns, STREAM_STATE_SQL } from './rows.js';
import { HIDING_CONDITION } from './schema.js';

const EVENTS = 'tributary_es_events';
const STREAM_EVENTS = `SELECT ${eventColumns()} FROM ${EVENTS} WHERE tenant = ? AND stream = ?`;
const TIME_FILTER = '+recorded_at >= ? AND +recorded_at <= ?';

/** Read statements of one connection, prepared once (readAll shapes on first use). */
export class ReadStatements {
  /** Read with `readStreamRow`. */
  readonly selectStream: Database.Statement;
  readonly forward: Database.Statement;
  readonly backward: Database.Statement;
  readonly head: Database.Statement;
  readonly anyHiding: Database.Statement;
  readonly firstPositionSince: Database.Statement;
  readonly lastPositionUntil: Database.Statement;
  readonly snapshot: Database.Statement;
  readonly checkpoint: Database.Statement;
  readonly outboxPending: Database.Statement;
  readonly outboxCount: Database.Statement;
  private readonly readAllStatements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.selectStream = db.prepare(STREAM_STATE_SQL);
    this.forward = db
      .prepare(`${STREAM_EVENTS} AND version >= ? AND ${TIME_FILTER} ORDER BY version LIMIT ?`)
      .raw();
    this.backward = db
      .prepare(
        `${STREAM_EVENTS} AND version <= ? AND version >= ? AND ${TIME_FILTER} ORDER BY version DESC LIMIT ?`,
      )
      .raw();
    this.head = db
      .prepare(
        `SELECT max(coalesce((SELECT position FROM tributary_es_head), 0),
                    coalesce((SELECT position FROM ${EVENTS} ORDER BY position DESC LIMIT 1), 0))`,
      )
      .pluck();
    this.anyHiding = db
      .prepare(`SELECT 1 FROM tributary_es_streams WHERE ${HIDING_CONDITION} LIMIT 1`)
      .pluck();
    this.firstPositionSince = db
      .prepare(`SELECT position FROM ${EVENTS} WHERE recorded_at >= ? ORDER BY recorded_at, position LIMIT 1`)
      .pluck();
    this.lastPositionUntil = db
      .prepare(
        `SELECT position FROM ${EVENTS} WHERE recorded_at <= ? ORDER BY recorded_at DESC, position DESC LIMIT 1`,
      )
      .pluck();
    this.snapshot = db.prepare(
      'SELECT version, schema_version, state FROM tributary_es_snapshots WHERE tenant = ? AND stream = ?',
    );
    this.checkpoint = db
      .prepare('SELECT position FROM tributary_es_checkpoints WHERE name = ?')
      .pluck()
      .safeIntegers(true);
    // Raw rows: the event's columns, then the topic.
    this.outboxPending = db
      .prepare(
        `SELECT ${eventColumns('e.')}, o.topic FROM tributary_es_outbox o
         JOIN ${EVENTS} e ON e.position = o.position WHERE o.position > ? ORDER BY o.position LIMIT ?`,
      )
      .raw();
    this.outboxCount = db.prepare('SELECT count(*) FROM tributary_es_outbox').pluck();
  }

  /** The statement of a readAll shape, prepared on first use. */
  readAll(shape: ReadAllShape): Database.Statement {
    const key = shapeKey(shape);
    let statement = this.readAllStatements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(readAllSql(shape)).raw();
      this.readAllStatements.set(key, statement);
    }
    return statement;
  }
}
