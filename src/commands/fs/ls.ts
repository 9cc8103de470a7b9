/**
 * GNU ls (coreutils 9.1) in the C locale: one name a line into a pipe or file, columns on a
 * terminal, `-l` with the kernel's modes, link counts and sizes, `-a`/`-A`, `-d`, `-R`, `-r`, `-t`,
 * `-S`, `-h`, `-F`. Operands: files first, then each directory under a heading; a missing one is
 * `cannot access` (status 2).
 */
import type { DirEntry, Stat } from '../../engine/fs';
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, q, strerror, view } from './common';

/** Virtual time 0 is this moment (UTC): ls -l and date print times from it. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2025, 0, 1, 0, 0, 0);
const SIX_MONTHS_MS = (365.2425 / 2) * 24 * 3600 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TERMINAL_WIDTH = 80;

export function modeString(st: Stat): string {
  const type = st.kind === 'dir' ? 'd' : st.kind === 'chr' ? 'c' : '-';
  const bits = 'rwxrwxrwx'.split('').map((c, i) => ((st.mode >> (8 - i)) & 1 ? c : '-'));
  if (st.mode & 0o1000) bits[8] = bits[8] === 'x' ? 't' : 'T';
  return type + bits.join('');
}

function lsDate(mtime: number, now: number): string {
  const d = new Date(VIRTUAL_EPOCH_MS + mtime);
  const day = String(d.getUTCDate()).padStart(2);
  const recent = now - mtime < SIX_MONTHS_MS && mtime - now < 3600 * 1000;
  if (recent) return `${MONTHS[d.getUTCMonth()]} ${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${MONTHS[d.getUTCMonth()]} ${day}  ${d.getUTCFullYear()}`;
}

/** ls -h: 1024-based, one decimal below 10 (rounded up, as ls does). */
function human(n: number): string {
  if (n < 1024) return String(n);
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const r = v < 10 ? Math.ceil(v * 10) / 10 : Math.ceil(v);
  return (v < 10 && r < 10 ? r.toFixed(1) : String(r)) + units[u];
}

/** 1K blocks a file takes on a 4K-block file system (ls -l's total). */
const blocks = (st: Stat) => (st.kind === 'dir' || st.kind === 'file' ? Math.ceil(st.size / 4096) * 4 : 0);

interface Opts {
  all: boolean;
  almostAll: boolean;
  long: boolean;
  one: boolean;
  dirsAsFiles: boolean;
  recursive: boolean;
  reverse: boolean;
  byTime: boolean;
  bySize: boolean;
  human: boolean;
  classify: boolean;
  columns: boolean;
}

function sortEntries(list: DirEntry[], o: Opts): DirEntry[] {
  const byName = (a: DirEntry, b: DirEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const cmp = o.byTime ? (a: DirEntry, b: DirEntry) => b.stat.mtime - a.stat.mtime || byName(a, b) : o.bySize ? (a: DirEntry, b: DirEntry) => b.stat.size - a.stat.size || byName(a, b) : byName;
  const sorted = [...list].sort(cmp);
  return o.reverse ? sorted.reverse() : sorted;
}

const suffix = (e: DirEntry, o: Opts) => (o.classify ? (e.stat.kind === 'dir' ? '/' : e.stat.mode & 0o111 ? '*' : '') : '');

function longLines(entries: DirEntry[], o: Opts, now: number): string[] {
  const sizes = entries.map((e) => (e.stat.rdev ? `${e.stat.rdev[0]}, ${e.stat.rdev[1]}` : o.human ? human(e.stat.size) : String(e.stat.size)));
  const wLinks = Math.max(0, ...entries.map((e) => String(e.stat.nlink).length));
  const wSize = Math.max(0, ...sizes.map((s) => s.length));
  return entries.map((e, i) => `${modeString(e.stat)} ${String(e.stat.nlink).padStart(wLinks)} root root ${sizes[i].padStart(wSize)} ${lsDate(e.stat.mtime, now)} ${e.name}${suffix(e, o)}`);
}

/** GNU's vertical columns: as many as fit the line, names filled down each column. */
function columns(names: string[]): string[] {
  const n = names.length;
  if (n === 0) return [];
  for (let cols = Math.min(n, Math.floor(TERMINAL_WIDTH / 3) + 1); cols >= 1; cols--) {
    const rows = Math.ceil(n / cols);
    const used = Math.ceil(n / rows);
    if (used !== cols && cols > 1) continue;
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) widths.push(Math.max(...names.slice(c * rows, (c + 1) * rows).map((s) => s.length)) + 2);
    const total = widths.reduce((a, b) => a + b, 0) - 2;
    if (total > TERMINAL_WIDTH && cols > 1) continue;
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < cols; c++) {
        const k = c * rows + r;
        if (k >= n) break;
        const last = c === cols - 1 || (c + 1) * rows + r >= n;
        line += last ? names[k] : names[k].padEnd(widths[c]);
      }
      lines.push(line);
    }
    return lines;
  }
  return names;
}

export function ls(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'ls', argv, {
    short: 'aAl1dRrtShFCx',
    long: { all: { as: 'a' }, 'almost-all': { as: 'A' }, directory: { as: 'd' }, recursive: { as: 'R' }, reverse: { as: 'r' }, 'human-readable': { as: 'h' }, classify: { as: 'F' } },
  }, 2);
  const o: Opts = {
    all: has(p, 'a'),
    almostAll: has(p, 'A'),
    long: has(p, 'l'),
    one: has(p, '1'),
    dirsAsFiles: has(p, 'd'),
    recursive: has(p, 'R'),
    reverse: has(p, 'r'),
    byTime: has(p, 't'),
    bySize: has(p, 'S'),
    human: has(p, 'h'),
    classify: has(p, 'F'),
    columns: has(p, 'C') || (ctx.tty === true && !has(p, '1')),
  };
  const fs = view(ctx);
  const cwd = cwdOf(ctx);
  const now = ctx.world.now;
  const operands = p.operands.length ? p.operands : ['.'];
  let status = 0;
  const files: DirEntry[] = [];
  const dirs: DirEntry[] = [];
  for (const name of operands) {
    const st = fs.stat(name, cwd);
    if (!st.ok) {
      ctx.err.push(`ls: cannot access ${q(name)}: ${strerror(st.errno)}\n`);
      status = 2;
      continue;
    }
    (st.value.kind === 'dir' && !o.dirsAsFiles ? dirs : files).push({ name, stat: st.value });
  }
  const out: string[] = [];
  const emit = (entries: DirEntry[]) => {
    if (o.long) out.push(...longLines(entries, o, now));
    else if (o.columns && !o.one) out.push(...columns(entries.map((e) => e.name + suffix(e, o))));
    else out.push(...entries.map((e) => e.name + suffix(e, o)));
  };
  if (files.length) emit(sortEntries(files, o));
  const queue = sortEntries(dirs, o);
  const headings = operands.length > 1 || o.recursive;
  let first = files.length === 0;
  while (queue.length) {
    const d = queue.shift()!;
    const list = fs.readdir(d.name, cwd);
    if (!list.ok) {
      ctx.err.push(`ls: cannot open directory ${q(d.name)}: ${strerror(list.errno)}\n`);
      status = 2;
      continue;
    }
    let entries = list.value.filter((e) => o.all || o.almostAll || !e.name.startsWith('.'));
    if (o.all) {
      const self = fs.stat(d.name, cwd);
      const parent = fs.stat(`${d.name}/..`, cwd);
      if (self.ok && parent.ok) entries = [{ name: '.', stat: self.value }, { name: '..', stat: parent.value }, ...entries];
    }
    entries = sortEntries(entries, o);
    if (headings) out.push(`${first ? '' : '\n'}${d.name}:`);
    first = false;
    if (o.long) out.push(`total ${o.human ? human(entries.reduce((n, e) => n + blocks(e.stat), 0) * 1024) : entries.reduce((n, e) => n + blocks(e.stat), 0)}`);
    emit(entries);
    if (o.recursive) {
      const subdirs = entries.filter((e) => e.stat.kind === 'dir' && e.name !== '.' && e.name !== '..').map((e) => ({ name: d.name === '/' ? `/${e.name}` : `${d.name}/${e.name}`, stat: e.stat }));
      queue.unshift(...subdirs);
    }
  }
  ctx.out.push(out.map((l) => `${l}\n`).join(''));
  if (status) throw new Exit(status);
}
