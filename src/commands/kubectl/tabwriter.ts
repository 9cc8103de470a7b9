/**
 * Go's text/tabwriter as kubectl configures it (minwidth 6, padding 3, spaces): each column is as
 * wide as its widest cell plus three, at least six; the last cell of a line is not padded.
 */
export function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.slice(0, -1).forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Math.max(c.length + 3, 6));
    });
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('') + '\n').join('');
}
