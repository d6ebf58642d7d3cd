// The SQL of readAll pages. Each shape drives the scan by one index so a page costs about what it
// returns: the log itself (rowid order), or the by-type / by-category index (whose entries are in
// position order within one value, so one query per type or category and a merge, no sorting).
import { eventColumns } from './rows.js';

/** Which index a readAll query walks. */
export type ReadAllDriver = 'log' | 'type' | 'category';

/** A readAll query's shape: what decides its SQL (values are bound as named parameters). */
export interface ReadAllShape {
  readonly driver: ReadAllDriver;
  /** Some stream hides events: join the streams and apply their metadata. */
  readonly hiding: boolean;
  /** Filter categories too (a `type`-driven query with both filters). */
  readonly categoryFilter: boolean;
}

/** The events a stream's row hides (streams without a row hide nothing), for the `s`/`e` aliases. */
const VISIBLE = `(s.tenant IS NULL OR (s.deleted <> 2
  AND e.version >= s.deleted_before
  AND e.version >= coalesce(s.truncate_before, 0)
  AND (s.max_count IS NULL OR e.version > s.version - s.max_count)
  AND (s.max_age_ms IS NULL OR e.recorded_at >= @now - s.max_age_ms)))`;

export const shapeKey = (shape: ReadAllShape): string =>
  `${shape.driver}|${shape.hiding ? 1 : 0}|${shape.categoryFilter ? 1 : 0}`;

/**
 * The SQL for one shape. Parameters: `@after`, `@upto` (position bounds), `@tenant` (NULL: every
 * tenant), `@since`/`@until` (ms), `@limit`, plus `@key` (the type or category walked),
 * `@categories` (a JSON array) and `@now` (ms) as the shape needs. Unary `+` keeps SQLite off
 * the indexes of filtered columns, so it walks the one chosen.
 */
export function readAllSql(shape: ReadAllShape): string {
  const where = [
    'e.position > @after',
    'e.position <= @upto',
    '(@tenant IS NULL OR e.tenant = @tenant)',
    '+e.recorded_at >= @since',
    '+e.recorded_at <= @until',
  ];
  if (shape.driver === 'type') where.unshift('e.type = @key');
  if (shape.driver === 'category') where.unshift('e.category = @key');
  if (shape.categoryFilter) where.push('+e.category IN (SELECT value FROM json_each(@categories))');
  if (shape.hiding) where.push(VISIBLE);
  const join = shape.hiding
    ? 'LEFT JOIN tributary_es_streams s ON s.tenant = e.tenant AND s.stream = e.stream'
    : '';
  return `SELECT ${eventColumns('e.')} FROM tributary_es_events e ${join}
    WHERE ${where.join(' AND ')} ORDER BY e.position LIMIT @limit`;
}
