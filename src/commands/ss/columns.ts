/**
 * ss's output buffer (iproute2 misc/ss.c: out(), field_next(), render_calc_width(), render()):
 * every field of every line, the header included, is buffered, then each column is as wide as
 * its longest field plus its left delimiter, and fields are padded to that width: addresses to
 * the right, everything else to the left. Output that is not a terminal (a pipe, a file, Hoplab's
 * terminal as a script sees it) is "compact": no extra spacing is spread over the line.
 */

export type SsColumn = 'netid' | 'state' | 'recvq' | 'sendq' | 'addr' | 'serv' | 'raddr' | 'rserv' | 'ext' | 'proc';

interface ColumnDef {
  id: SsColumn;
  right: boolean;
  header: string;
  ldelim: string;
}

/** columns[] in ss.c, in order */
const COLUMNS: readonly ColumnDef[] = [
  { id: 'netid', right: false, header: 'Netid', ldelim: '' },
  { id: 'state', right: false, header: 'State', ldelim: ' ' },
  { id: 'recvq', right: false, header: 'Recv-Q', ldelim: ' ' },
  { id: 'sendq', right: false, header: 'Send-Q', ldelim: ' ' },
  { id: 'addr', right: true, header: 'Local Address:', ldelim: ' ' },
  { id: 'serv', right: false, header: 'Port', ldelim: '' },
  { id: 'raddr', right: true, header: 'Peer Address:', ldelim: ' ' },
  { id: 'rserv', right: false, header: 'Port', ldelim: '' },
  { id: 'ext', right: false, header: 'Process', ldelim: '' },
  { id: 'proc', right: false, header: '', ldelim: '' },
];

/** One line: a text per column (a disabled column's text is ignored, a missing one is empty). */
export type SsRow = Partial<Record<SsColumn, string>>;

/** Render the header (unless `noHeader`) and the rows as ss does on a pipe. */
export function renderColumns(rows: readonly SsRow[], disabled: ReadonlySet<SsColumn>, noHeader: boolean): string {
  const cols = COLUMNS.filter((c) => !disabled.has(c.id));
  const lines: string[][] = [];
  if (!noHeader) lines.push(cols.map((c) => c.header));
  for (const r of rows) lines.push(cols.map((c) => r[c.id] ?? ''));
  if (lines.length === 0) return '';
  // render_calc_width(): the measured width, plus the delimiter for every column after the first non-empty one
  const widths: number[] = [];
  let first = true;
  cols.forEach((c, i) => {
    const max = Math.max(...lines.map((l) => l[i].length));
    widths.push(!first && max > 0 ? max + c.ldelim.length : max);
    if (widths[i] > 0) first = false;
  });
  let out = '';
  for (const l of lines) {
    let line = '';
    let started = false;
    cols.forEach((c, i) => {
      let printed = 0;
      if (started) {
        line += c.ldelim;
        printed = c.ldelim.length;
      }
      started = true;
      const w = widths[i];
      const text = l[i];
      if (w > 0 && c.right) {
        const s = w - text.length - printed;
        if (s > 0) {
          line += ' '.repeat(s);
          printed += s;
        }
      }
      line += text;
      printed += text.length;
      if (w > 0 && !c.right && w - printed > 0) line += ' '.repeat(w - printed);
    });
    out += `${line}\n`;
  }
  return out;
}
