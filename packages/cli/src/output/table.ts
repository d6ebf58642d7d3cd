/** A cell: `null`/`undefined` print as `-`, as kafka-consumer-groups does. */
export type Cell = string | number | bigint | null | undefined;

function text(cell: Cell): string {
  return cell === null || cell === undefined ? '-' : String(cell);
}

/**
 * An aligned text table: a header row, then one line per row, columns left-aligned and separated by
 * at least two spaces; no trailing spaces. Ends with a newline.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = [headers.map(String), ...rows.map((row) => headers.map((_, i) => text(row[i])))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] as number) + 2)))
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
