/**
 * Go's text/tabwriter (the elastic tabstops kubectl describe aligns with): cells end at tabs; a
 * column is as wide as its widest cell in the block of consecutive lines that have that column,
 * plus the padding; the text after a line's last tab is not a cell. Flush() closes every block.
 */
export class GoTabwriter {
  private readonly out: string[] = [];
  private pending = '';

  constructor(
    private readonly minwidth: number,
    private readonly padding: number,
  ) {}

  write(text: string): void {
    this.pending += text;
  }

  /** End the current text: what follows is aligned on its own. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    const endsWithNewline = text.endsWith('\n');
    const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
    const widths: number[] = [];
    const rendered: string[] = [];
    this.format(lines, 0, lines.length, widths, rendered);
    this.out.push(rendered.join('\n') + (endsWithNewline ? '\n' : ''));
  }

  toString(): string {
    this.flush();
    return this.out.join('');
  }

  /** format(): find the blocks of column `widths.length`, size them, recurse to the right. */
  private format(lines: string[][], line0: number, line1: number, widths: number[], rendered: string[]): void {
    const column = widths.length;
    let from = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      // a block of lines that all have a cell in this column begins here
      this.writeLines(lines, from, i, widths, rendered);
      from = i;
      let width = this.minwidth;
      for (; i < line1 && column < lines[i].length - 1; i++) width = Math.max(width, width8(lines[i][column]) + this.padding);
      widths.push(width);
      this.format(lines, from, i, widths, rendered);
      widths.pop();
      from = i;
      i--;
    }
    this.writeLines(lines, from, line1, widths, rendered);
  }

  private writeLines(lines: string[][], line0: number, line1: number, widths: number[], rendered: string[]): void {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      let s = '';
      cells.forEach((c, j) => {
        s += c;
        if (j < cells.length - 1 && j < widths.length) s += ' '.repeat(Math.max(0, widths[j] - width8(c)));
      });
      rendered.push(s);
    }
  }
}

/** Cell width in runes (Go counts utf8 runes). */
const width8 = (s: string): number => [...s].length;
