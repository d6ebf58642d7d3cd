// The transactional outbox: rows written by the append function, read in id (= position) order.
import type { EventUpcaster, OutboxEntry, OutboxStore } from '@tributary/core';
import { invalidArgument } from '@tributary/core/internal';
import type { Database } from './database.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './rows.js';

const DEFAULT_LIMIT = 100;

/** The outbox of a store. Published rows are deleted, so the table holds only pending ones. */
export class PostgresOutbox implements OutboxStore {
  constructor(
    private readonly db: Database,
    private readonly upcaster: EventUpcaster,
  ) {}

  async pending(options: { after?: bigint; limit?: number } = {}): Promise<OutboxEntry[]> {
    const { after = 0n, limit = DEFAULT_LIMIT } = options;
    if (typeof after !== 'bigint' || after < 0n)
      throw invalidArgument(`Invalid after ${String(after)}: expected a bigint outbox id >= 0n.`);
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
      throw invalidArgument(`Invalid limit ${String(limit)}: expected a positive integer.`);
    const t = this.db.tables;
    // Ids are event positions, allocated in commit order (see schema/append-function.ts), so a
    // relay paging with `after` never skips an entry that commits later.
    const rows = await this.db.query<EventRow & { topic: string }>('read the outbox', {
      name: this.db.statementName('outbox_pending'),
      text: `SELECT o.topic, ${EVENT_COLUMNS} FROM ${t.outbox} o JOIN ${t.events} e ON e.position = o.id
              WHERE o.id > $1 ORDER BY o.id LIMIT $2`,
      values: [after.toString(), limit],
    });
    return rows.map((row) => ({
      id: BigInt(row.position),
      topic: row.topic,
      recorded: toRecordedEvent(row, this.upcaster),
    }));
  }

  async markPublished(ids: readonly bigint[]): Promise<void> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'bigint'))
      throw invalidArgument('Invalid outbox ids: expected an array of bigints (OutboxEntry.id).');
    if (ids.length === 0) return;
    await this.db.query('mark outbox entries published', {
      name: this.db.statementName('outbox_published'),
      text: `DELETE FROM ${this.db.tables.outbox} WHERE id = ANY ($1::bigint[])`,
      values: [ids.map(String)],
    });
  }

  async countPending(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('count the outbox', {
      text: `SELECT count(*)::integer AS n FROM ${this.db.tables.outbox}`,
    });
    return rows[0]?.n ?? 0;
  }
}
