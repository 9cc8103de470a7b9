/**
 * The line discipline of a Hoplab terminal, as pure functions: the line being edited and its cursor,
 * word boundaries, history browsing, tab-completion candidates, and the escape sequences that redraw
 * a (possibly wrapped) prompt line. No DOM and no xterm: the adapter feeds keys in and writes the
 * returned strings out, so all of this is tested without a terminal (the local-echo approach).
 */

import { completeWords, type CompletionEnv } from '../../commands';

// ---------------------------------------------------------------------------------------------
// the line being edited

export interface LineState {
  text: string;
  /** insertion point, 0..text.length (UTF-16 units; the shell deals in ASCII) */
  cursor: number;
}

export const emptyLine: LineState = { text: '', cursor: 0 };

const at = (text: string, cursor: number): LineState => ({ text, cursor: Math.min(Math.max(cursor, 0), text.length) });

export function insert(s: LineState, str: string): LineState {
  return at(s.text.slice(0, s.cursor) + str + s.text.slice(s.cursor), s.cursor + str.length);
}

/** Backspace: delete the character before the cursor. */
export function backspace(s: LineState): LineState {
  if (s.cursor === 0) return s;
  return at(s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), s.cursor - 1);
}

/** Delete: the character under the cursor. */
export function deleteForward(s: LineState): LineState {
  if (s.cursor >= s.text.length) return s;
  return at(s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1), s.cursor);
}

export const moveLeft = (s: LineState): LineState => at(s.text, s.cursor - 1);
export const moveRight = (s: LineState): LineState => at(s.text, s.cursor + 1);
export const moveHome = (s: LineState): LineState => at(s.text, 0);
export const moveEnd = (s: LineState): LineState => at(s.text, s.text.length);

/**
 * Start offsets of the words in `text` (a word: a run of non-space characters), or end offsets when
 * `ends` is set. "ip  route add" → starts [0, 4, 10], ends [2, 9, 13].
 */
export function wordBoundaries(text: string, ends = false): number[] {
  const out: number[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(ends ? m.index + m[0].length : m.index);
  return out;
}

/** Alt+B / Ctrl+Left: to the start of the word before the cursor. */
export function wordLeft(s: LineState): LineState {
  const starts = wordBoundaries(s.text).filter((i) => i < s.cursor);
  return at(s.text, starts.length ? starts[starts.length - 1] : 0);
}

/** Alt+F / Ctrl+Right: to the end of the word after the cursor. */
export function wordRight(s: LineState): LineState {
  const ends = wordBoundaries(s.text, true).find((i) => i > s.cursor);
  return at(s.text, ends ?? s.text.length);
}

/** Ctrl+W: delete the word before the cursor (and the spaces after it). */
export function deleteWordBack(s: LineState): LineState {
  const to = wordLeft(s).cursor;
  return at(s.text.slice(0, to) + s.text.slice(s.cursor), to);
}

/** Ctrl+U: delete from the start of the line to the cursor. */
export const killToStart = (s: LineState): LineState => at(s.text.slice(s.cursor), 0);
/** Ctrl+K: delete from the cursor to the end of the line. */
export const killToEnd = (s: LineState): LineState => at(s.text.slice(0, s.cursor), s.cursor);

/**
 * Text that needs more lines before it can run: a trailing backslash, or an unclosed quote.
 * (The adapter then shows the "> " continuation prompt, like bash.)
 */
export function isIncomplete(text: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') {
      if (i === text.length - 1) return true;
      i++;
    } else if (c === '"' || c === "'") {
      quote = c;
    }
  }
  return quote !== null;
}

// ---------------------------------------------------------------------------------------------
// history

export interface HistoryState {
  entries: readonly string[];
  /** entries.length while editing a new line, otherwise the entry shown */
  index: number;
  /** the new line being typed before browsing started */
  draft: string;
}

export const historyStart = (entries: readonly string[]): HistoryState => ({ entries, index: entries.length, draft: '' });

/** Up arrow: the previous entry (keeps the typed line as the draft). */
export function historyPrev(h: HistoryState, current: string): [HistoryState, LineState] | null {
  if (h.index === 0 || h.entries.length === 0) return null;
  const draft = h.index === h.entries.length ? current : h.draft;
  const index = h.index - 1;
  const text = h.entries[index];
  return [{ ...h, index, draft }, at(text, text.length)];
}

/** Down arrow: the next entry, or back to the draft. */
export function historyNext(h: HistoryState): [HistoryState, LineState] | null {
  if (h.index >= h.entries.length) return null;
  const index = h.index + 1;
  const text = index === h.entries.length ? h.draft : h.entries[index];
  return [{ ...h, index }, at(text, text.length)];
}

/**
 * Ctrl+R: the newest entry at or before `from` that contains `query`, and where the match starts
 * (readline puts the cursor there). Null when nothing matches.
 */
export function reverseSearch(entries: readonly string[], query: string, from = entries.length - 1): { index: number; pos: number } | null {
  for (let i = Math.min(from, entries.length - 1); i >= 0; i--) {
    const pos = entries[i].lastIndexOf(query);
    if (pos >= 0) return { index: i, pos };
  }
  return null;
}

/** The prompt readline shows while searching. */
export const searchPrompt = (query: string, failed: boolean): string => `(${failed ? 'failed ' : ''}reverse-i-search)\`${query}': `;

// ---------------------------------------------------------------------------------------------
// tab completion

/** What Tab can complete: the lab's names (see CompletionEnv) and the command names a terminal knows. */
export interface CompletionContext extends CompletionEnv {
  /** command names (first word of a command): the registered commands and the terminal's own */
  commands: readonly string[];
}

export interface Completion {
  /** offset where the word being completed starts */
  start: number;
  /** the word's text so far */
  prefix: string;
  /** sorted, unique candidates that start with `prefix` */
  candidates: string[];
}

/** Words of the simple command the cursor is in (after the last ; && || |), and where the current word starts. */
function commandWords(before: string): { words: string[]; start: number; prefix: string } {
  // the last separator: ; | & (covering && and ||)
  const cut = Math.max(before.lastIndexOf(';'), before.lastIndexOf('|'), before.lastIndexOf('&'));
  const cmd = before.slice(cut + 1);
  const m = /\S*$/.exec(cmd)!;
  const prefix = m[0];
  const start = cut + 1 + m.index;
  const words = cmd.slice(0, m.index).trim().split(/\s+/).filter(Boolean);
  return { words, start, prefix };
}

/** What may come at the next position of the command `words`: each command's own completer says (src/commands/registry). */
function candidatesFor(words: string[], ctx: CompletionContext): readonly string[] {
  return words.length === 0 ? ctx.commands : completeWords(words, ctx);
}

/** Tab-completion candidates for the word at the cursor. */
export function completionCandidates(s: LineState, ctx: CompletionContext): Completion {
  const { words, start, prefix } = commandWords(s.text.slice(0, s.cursor));
  const pool = candidatesFor(words, ctx);
  const candidates = [...new Set(pool.filter((c) => c.startsWith(prefix)))].sort();
  return { start, prefix, candidates };
}

export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0];
  for (const w of words) {
    let i = 0;
    while (i < p.length && i < w.length && p[i] === w[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}

/**
 * Apply a Tab press: one candidate completes the word (and adds a space, or nothing after "=" /
 * "."); several complete their common prefix. Returns the new line and the candidates to list when
 * nothing could be added (bash lists them on the second Tab).
 */
export function complete(s: LineState, ctx: CompletionContext): { line: LineState; list: string[] } {
  const c = completionCandidates(s, ctx);
  if (c.candidates.length === 0) return { line: s, list: [] };
  if (c.candidates.length === 1) {
    const word = c.candidates[0];
    const after = s.text.slice(s.cursor);
    const space = after.startsWith(' ') ? '' : ' ';
    const addSpace = !word.endsWith('=') && !word.endsWith('.');
    const text = s.text.slice(0, c.start) + word + (addSpace ? space : '') + after;
    return { line: at(text, c.start + word.length + (addSpace ? 1 : 0)), list: [] };
  }
  const common = commonPrefix(c.candidates);
  if (common.length > c.prefix.length) {
    const text = s.text.slice(0, c.start) + common + s.text.slice(s.cursor);
    return { line: at(text, c.start + common.length), list: [] };
  }
  return { line: s, list: c.candidates };
}

/** bash's candidate listing: columns across the terminal width. */
export function formatCandidates(list: readonly string[], cols: number): string {
  if (list.length === 0) return '';
  const width = Math.max(...list.map((w) => w.length)) + 2;
  const perRow = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(list.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const w = list[c * rows + r];
      if (w === undefined) continue;
      line += w.padEnd(width);
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// drawing

const CSI = '\x1b[';

/** Row and column (0-based) of offset `n` in a line that starts at column 0 and wraps at `cols`. */
export function offsetToRowCol(n: number, cols: number): { row: number; col: number } {
  return { row: Math.floor(n / cols), col: n % cols };
}

function moveFrom(from: { row: number; col: number }, to: { row: number; col: number }): string {
  let out = '';
  if (to.row < from.row) out += `${CSI}${from.row - to.row}A`;
  else if (to.row > from.row) out += `${CSI}${to.row - from.row}B`;
  out += '\r';
  if (to.col > 0) out += `${CSI}${to.col}C`;
  return out;
}

/**
 * Escape sequences that replace what is on screen (`prompt` followed by `prev`, cursor at
 * prev.cursor) with `prompt` followed by `next`, cursor at next.cursor. Handles lines that wrap over
 * several rows. `prev` null means nothing is drawn yet and the cursor is at column 0.
 */
export function redraw(prompt: string, prev: LineState | null, next: LineState, cols: number): string {
  const plen = visibleLength(prompt);
  let out = '';
  if (prev) {
    // redraw never leaves the cursor in the pending-wrap state, so offsets map to rows exactly
    const cur = offsetToRowCol(plen + prev.cursor, cols);
    if (cur.row > 0) out += `${CSI}${cur.row}A`;
  }
  out += '\r' + prompt + next.text;
  const endN = plen + next.text.length;
  let end = offsetToRowCol(endN, cols);
  if (endN > 0 && endN % cols === 0) {
    // leave the pending-wrap state so the cursor really is on the next row
    out += ' \r';
    end = { row: endN / cols, col: 0 };
  }
  out += `${CSI}J`;
  const target = offsetToRowCol(plen + next.cursor, cols);
  if (target.row !== end.row || target.col !== end.col) out += moveFrom(end, target);
  return out;
}

/**
 * The fewest characters that turn `prompt` + `prev` into `prompt` + `next` while both fit on the
 * prompt's row: the cursor moves, and only the text from the first change on is written again (a
 * key typed at the end writes just that key). xterm's screen-reader mode announces what is printed,
 * so the student hears what was typed, not the prompt and the whole line at every key. A line that
 * wraps is drawn whole, as `redraw` does.
 */
export function redrawDelta(prompt: string, prev: LineState, next: LineState, cols: number): string {
  const plen = visibleLength(prompt);
  if (plen + Math.max(prev.text.length, next.text.length) >= cols) return redraw(prompt, prev, next, cols);
  const toCol = (col: number) => '\r' + (col > 0 ? `${CSI}${col}C` : '');
  let i = 0;
  while (i < prev.text.length && i < next.text.length && prev.text[i] === next.text[i]) i++;
  let out = '';
  let col = plen + prev.cursor;
  if (i < prev.text.length || i < next.text.length) {
    if (col !== plen + i) out += toCol(plen + i);
    out += next.text.slice(i);
    col = plen + next.text.length;
    if (next.text.length < prev.text.length) out += `${CSI}K`;
  }
  if (col !== plen + next.cursor) out += toCol(plen + next.cursor);
  return out;
}

/** Printable length of a string that may hold SGR colour sequences. */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Escape sequences that remove the prompt line drawn for `line` and leave the cursor at its start. */
export function erase(prompt: string, line: LineState, cols: number): string {
  const cur = offsetToRowCol(visibleLength(prompt) + line.cursor, cols);
  return (cur.row > 0 ? `${CSI}${cur.row}A` : '') + `\r${CSI}J`;
}

// ---------------------------------------------------------------------------------------------
// input decoding

export type KeyName =
  | 'enter'
  | 'backspace'
  | 'delete'
  | 'tab'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'wordLeft'
  | 'wordRight'
  | 'deleteWordBack'
  | 'interrupt' // Ctrl+C
  | 'eof' // Ctrl+D
  | 'clearScreen' // Ctrl+L
  | 'killToStart' // Ctrl+U
  | 'killToEnd' // Ctrl+K
  | 'reverseSearch' // Ctrl+R
  | 'abort' // Ctrl+G
  | 'escape';

export type InputToken = { kind: 'key'; key: KeyName } | { kind: 'text'; text: string };

const ESCAPES: [string, KeyName][] = [
  ['\x1b[1;5D', 'wordLeft'],
  ['\x1b[1;5C', 'wordRight'],
  ['\x1b[1;3D', 'wordLeft'],
  ['\x1b[1;3C', 'wordRight'],
  ['\x1b[3~', 'delete'],
  ['\x1b[1~', 'home'],
  ['\x1b[4~', 'end'],
  ['\x1b[7~', 'home'],
  ['\x1b[8~', 'end'],
  ['\x1b[A', 'up'],
  ['\x1b[B', 'down'],
  ['\x1b[C', 'right'],
  ['\x1b[D', 'left'],
  ['\x1b[H', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOA', 'up'],
  ['\x1bOB', 'down'],
  ['\x1bOC', 'right'],
  ['\x1bOD', 'left'],
  ['\x1bOH', 'home'],
  ['\x1bOF', 'end'],
  ['\x1bb', 'wordLeft'],
  ['\x1bf', 'wordRight'],
  ['\x1b\x7f', 'deleteWordBack'],
];

const CONTROLS: Record<string, KeyName> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\x01': 'home', // Ctrl+A
  '\x02': 'left', // Ctrl+B
  '\x03': 'interrupt',
  '\x04': 'eof',
  '\x05': 'end', // Ctrl+E
  '\x06': 'right', // Ctrl+F
  '\x0b': 'killToEnd',
  '\x0c': 'clearScreen',
  '\x0e': 'down', // Ctrl+N
  '\x10': 'up', // Ctrl+P
  '\x07': 'abort',
  '\x12': 'reverseSearch',
  '\x15': 'killToStart',
  '\x17': 'deleteWordBack',
};

/**
 * Split what the terminal sends (one key, an escape sequence, or a whole pasted text) into keys and
 * runs of printable text. "\r\n" in a paste is one Enter; unknown escape sequences are dropped.
 */
export function decodeInput(data: string): InputToken[] {
  const out: InputToken[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < data.length; ) {
    const c = data[i];
    if (c === '\x1b') {
      flush();
      const hit = ESCAPES.find(([seq]) => data.startsWith(seq, i));
      if (hit) {
        out.push({ kind: 'key', key: hit[1] });
        i += hit[0].length;
        continue;
      }
      const csi = /^\x1b\[[0-9;]*[A-Za-z~]/.exec(data.slice(i));
      if (csi) {
        i += csi[0].length;
        continue;
      }
      if (i + 1 < data.length && data[i + 1] >= ' ') {
        i += 2; // Alt+<key> we do not bind
        continue;
      }
      out.push({ kind: 'key', key: 'escape' });
      i++;
      continue;
    }
    const ctl = CONTROLS[c];
    if (ctl) {
      flush();
      out.push({ kind: 'key', key: ctl });
      i += c === '\r' && data[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    // C0 controls without a binding and C1 controls (a paste can hold any) are dropped
    if (c >= ' ' && !(c >= '\x7f' && c <= '\x9f')) text += c;
    i++;
  }
  flush();
  return out;
}

/** ^@ … ^_ and ^? for a C0 control or DEL, M-^@ … M-^_ for a C1 control: what `cat -v` prints. */
function caret(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x7f) return '^?';
  if (code >= 0x80) return `M-${caret(String.fromCharCode(code - 0x80))}`;
  return `^${String.fromCharCode(code + 0x40)}`;
}

/**
 * Output as the terminal may show it: every control character but newline and tab in caret
 * notation, as `cat -v` and `less` show them. Command output holds the bytes the real tool prints
 * (iproute2 prints a device name as it is, escape bytes included), but nothing a lab file or a
 * command prints may drive the terminal: no screen clear, no title, no hyperlink, no bell.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, caret);
}
