// readStream, readAll and headPosition.
import type { EventUpcaster, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '@tributary/core';
import { resolveReadAll, resolveReadStream, streamDeleted } from '@tributary/core/internal';
import type { Database } from './database.js';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent, VISIBLE } from './rows.js';

const MAX_VERSION = '9223372036854775807';

export async function readStream(
  db: Database,
  upcaster: EventUpcaster,
  stream: string,
  options: ReadStreamOptions | undefined,
): Promise<RecordedEvent[]> {
  const r = resolveReadStream(stream, options);
  const doing = `read stream "${stream}"`;
  db.checkOpen(doing);
  const forward = r.direction === 'forward';
  const t = db.tables;
  const rows = await db.query<EventRow>(doing, {
    name: db.statementName(forward ? 'read_stream_fw' : 'read_stream_bw'),
    text: `SELECT ${EVENT_COLUMNS}
             FROM ${t.events} e JOIN ${t.streams} s ON s.tenant = e.tenant AND s.stream = e.stream
            WHERE e.tenant = $1 AND e.stream = $2 AND e.version ${forward ? '>=' : '<='} $3
              AND ($4::timestamptz IS NULL OR e.recorded_at <= $4) AND ${VISIBLE}
            ORDER BY e.version ${forward ? 'ASC' : 'DESC'} LIMIT $5`,
    values: [
      r.tenant,
      stream,
      (r.fromVersion ?? (forward ? 1n : MAX_VERSION)).toString(),
      r.until ?? null,
      Number.isFinite(r.maxCount) ? r.maxCount : null,
    ],
  });
  if (rows.length === 0) {
    // a hard-deleted stream has no events left: tell it apart from an empty one
    const state = await db.query<{ deleted: string | null }>(doing, {
      text: `SELECT deleted FROM ${t.streams} WHERE tenant = $1 AND stream = $2`,
      values: [r.tenant, stream],
    });
    if (state[0]?.deleted === 'hard') throw streamDeleted(stream);
  }
  return rows.map((row) => toRecordedEvent(row, upcaster));
}

export async function readAll(
  db: Database,
  upcaster: EventUpcaster,
  options: ReadAllOptions | undefined,
): Promise<RecordedEvent[]> {
  const r = resolveReadAll(options);
  const doing = 'read the global log (readAll)';
  db.checkOpen(doing);
  const t = db.tables;
  const values: unknown[] = [r.after.toString(), r.maxCount];
  const filters: string[] = [];
  let key = '';
  const add = (flag: string, sql: (param: string) => string, value: unknown) => {
    values.push(value);
    filters.push(sql(`$${values.length}`));
    key += flag;
  };
  if (r.tenant !== undefined) add('t', (p) => `e.tenant = ${p}`, r.tenant);
  if (r.types !== undefined) add('y', (p) => `e.type = ANY (${p}::text[])`, r.types);
  if (r.categories !== undefined) add('c', (p) => `e.category = ANY (${p}::text[])`, r.categories);
  if (r.since !== undefined) add('s', (p) => `e.recorded_at >= ${p}`, r.since);
  if (r.until !== undefined) add('u', (p) => `e.recorded_at <= ${p}`, r.until);
  // Positions become visible in order (see schema/append-function.ts), so a plain
  // `position > after` page never skips an event that commits later.
  const rows = await db.query<EventRow>(doing, {
    name: db.statementName(`read_all_${key}`),
    text: `SELECT ${EVENT_COLUMNS} FROM ${t.events} e
            WHERE e.position > $1 ${filters.map((f) => `AND ${f}`).join(' ')}
              AND NOT EXISTS (SELECT 1 FROM ${t.streams} s
                               WHERE s.restricted AND s.tenant = e.tenant AND s.stream = e.stream
                                 AND NOT ${VISIBLE})
            ORDER BY e.position LIMIT $2`,
    values,
  });
  return rows.map((row) => toRecordedEvent(row, upcaster));
}

export async function headPosition(db: Database): Promise<bigint> {
  // the last committed event's (a rolled-back append leaves no trace here, unlike the sequence)
  const rows = await db.query<{ position: string | null }>('read the head position', {
    name: db.statementName('head'),
    text: `SELECT max(position) AS position FROM ${db.tables.events}`,
  });
  return BigInt(rows[0]?.position ?? 0);
}
