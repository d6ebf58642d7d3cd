import type { ResultRow } from './results.js';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function num(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return digits === 0 ? int.format(value) : value.toFixed(digits);
}

const COLUMNS: readonly [string, (r: ResultRow) => string, 'left' | 'right'][] = [
  ['suite', (r) => r.suite, 'left'],
  ['system', (r) => r.system, 'left'],
  ['batch', (r) => num(r.batch, 0), 'right'],
  ['conc', (r) => num(r.concurrency, 0), 'right'],
  ['events/s', (r) => num(r.events_per_s, 0), 'right'],
  ['MB/s', (r) => num(r.mb_per_s, 1), 'right'],
  ['p50 ms', (r) => num(r.p50_ms, 2), 'right'],
  ['p99 ms', (r) => num(r.p99_ms, 2), 'right'],
  ['rss MB', (r) => num(r.rss_mb, 0), 'right'],
  ['trib ×', (r) => num(r.tributary_advantage, 2), 'right'],
  ['note', (r) => (r.skipped ? `SKIPPED: ${r.note ?? ''}` : (r.note ?? '')), 'left'],
];

/** The results as an aligned plain-text table, one line per row. */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((r) => COLUMNS.map(([, get]) => get(r)));
  const widths = COLUMNS.map(([title], i) =>
    Math.max(title.length, ...cells.map((c) => (c[i] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const col = COLUMNS[i];
        if (!col || i === COLUMNS.length - 1) return v;
        return col[2] === 'left' ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd();
  const header = line(COLUMNS.map(([title]) => title));
  return [header, '-'.repeat(header.length), ...cells.map(line)].join('\n');
}
