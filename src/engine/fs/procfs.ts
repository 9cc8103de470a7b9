/**
 * procfs as a view of a namespace's kernel state: `/proc/sys/<a>/<b>/<c>` is the sysctl `a.b.c` of
 * the reading process's network namespace (as /proc/sys/net is per netns on Linux), read and written
 * through the same Sysctls the `sysctl` command uses, so `echo 1 > /proc/sys/net/ipv4/ip_forward`
 * and `sysctl -w net.ipv4.ip_forward=1` are one write. `/proc/sys/kernel/hostname` is the UTS name.
 * Nodes are made when a walk reaches them, from the state of that moment.
 */
import type { Netns } from '../netns/netns';
import { isNumericKey } from '../netns/sysctl';
import type { DirInode, Errno, FileInode, Inode, ProcDir } from './inode';

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

const blank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/**
 * proc_dointvec's parser for one write(): leading blanks, an optional sign, a number in C's base 0
 * (0x hex, 0 octal), then a blank or the end; as many integers as the file holds, extra ones
 * ignored. Returns the values as sysctl prints them, or EINVAL.
 */
export function parseProcInts(data: string, count: number): string[] | 'EINVAL' {
  const values: number[] = [];
  let i = 0;
  while (values.length < count) {
    while (blank(data[i])) i++;
    if (i >= data.length) break;
    let neg = false;
    if (data[i] === '-') {
      neg = true;
      i++;
    }
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(data.slice(i, i + 40));
    if (!m) return 'EINVAL';
    const text = m[0];
    const v = /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : text.length > 1 ? parseInt(text, text[0] === '0' ? 8 : 10) : Number(text);
    i += text.length;
    if (i < data.length && !blank(data[i])) return 'EINVAL';
    const signed = neg ? -v : v;
    if (signed > INT_MAX || signed < INT_MIN) return 'EINVAL';
    values.push(signed);
  }
  if (values.length === 0) return 'EINVAL';
  return values.map(String);
}

/** Lets procfs tell the world that kernel state changed (the UI re-reads its snapshot). */
export type Touch = () => void;

function dir(mtime: number, proc: ProcDir): DirInode {
  return { kind: 'dir', mode: 0o555, mtime, entries: new Map(), proc };
}

function file(mtime: number, read: () => string, write: (data: string) => Errno | null): FileInode {
  return { kind: 'file', mode: 0o644, mtime, data: '', proc: { read, write } };
}

function sysctlFile(ns: Netns, key: string, mtime: number, touch: Touch): FileInode {
  return file(
    mtime,
    () => `${ns.sysctl.get(key) ?? ''}\n`,
    (data) => {
      const current = ns.sysctl.get(key);
      if (current === undefined) return 'ENOENT';
      const old = current.split('\t');
      if (!isNumericKey(key) && old.length === 1) ns.sysctl.set(key, data.replace(/\n$/, ''));
      else {
        const v = parseProcInts(data, old.length);
        if (v === 'EINVAL') return 'EINVAL';
        // a range file keeps its later values when fewer are written
        ns.sysctl.set(key, old.map((o, i) => v[i] ?? o).join('\t'));
      }
      touch();
      return null;
    },
  );
}

/** `/proc/sys/<prefix…>`: the next path component of every sysctl key below it. */
function sysctlDir(ns: Netns, prefix: string[], mtime: number, touch: Touch): DirInode {
  const dotted = prefix.join('.');
  const below = (): string[][] =>
    (prefix.length === 0 ? ns.sysctl.keys() : ns.sysctl.keysUnder(dotted)).map((k) => k.split('.').slice(prefix.length));
  return dir(mtime, {
    names: () => {
      const names = new Set(below().map((rest) => rest[0]));
      if (prefix.length === 0) names.add('kernel');
      return [...names];
    },
    lookup: (name) => {
      if (prefix.length === 0 && name === 'kernel') return kernelDir(ns, mtime, touch);
      const key = [...prefix, name].join('.');
      if (ns.sysctl.has(key)) return sysctlFile(ns, key, mtime, touch);
      return ns.sysctl.keysUnder(key).length > 0 ? sysctlDir(ns, [...prefix, name], mtime, touch) : undefined;
    },
  });
}

function kernelDir(ns: Netns, mtime: number, touch: Touch): DirInode {
  const hostname = file(
    mtime,
    () => `${ns.hostname}\n`,
    (data) => {
      const name = data.replace(/\n$/, '');
      if (name.length > 64) return 'EINVAL';
      ns.hostname = name;
      touch();
      return null;
    },
  );
  return dir(mtime, { names: () => ['hostname'], lookup: (name) => (name === 'hostname' ? hostname : undefined) });
}

/** The root of procfs as a namespace sees it: /proc/sys (the rest of /proc is not modelled). */
export function procRoot(ns: Netns, mtime: number, touch: Touch): Inode {
  return dir(mtime, { names: () => ['sys'], lookup: (name) => (name === 'sys' ? sysctlDir(ns, [], mtime, touch) : undefined) });
}
