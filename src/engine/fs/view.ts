/**
 * A process's view of the files: path walks through a mount namespace (the machine's tree, bind
 * mounts, procfs at /proc) and the system calls commands make, each returning a value or an errno
 * as Linux would for the same call. Paths are walked component by component, so `f/x` where f is a
 * file is ENOTDIR and `..` never climbs above `/`.
 */
import type { Netns } from '../netns/netns';
import {
  byteLength,
  dirLookup,
  dirNames,
  err,
  mkdirInode,
  mkfileInode,
  ok,
  type DirInode,
  type Errno,
  type FileInode,
  type Inode,
  type Stat,
  type Sys,
} from './inode';
import type { MountNs } from './mounts';
import { procRoot } from './procfs';

/** Room on a machine's disk: a browser tab holds every file, so a runaway loop gets ENOSPC, not a frozen page. */
export const MACHINE_BYTES = 8 * 1024 * 1024;
export const MACHINE_INODES = 20_000;

/** Reading /dev/zero gives this much: enough for `head -c`, never a frozen tab. */
const ZERO_READ = 64 * 1024;
const NAME_MAX = 255;

interface Found {
  node: Inode;
  path: string;
  /** the directory holding it (null for `/`) */
  parent: DirInode | null;
  name: string;
}

/** A walk that found every component but the last: where a new entry would go. */
interface Missing {
  parent: DirInode;
  name: string;
  path: string;
  /** the path ended in `/`: only a directory may be made there */
  dirOnly: boolean;
}

type Walk = { kind: 'found'; at: Found } | { kind: 'missing'; at: Missing } | { kind: 'error'; errno: Errno };

/** An open file description for writing: `>`/`>>` redirections, tee, cp. */
export interface WriteHandle {
  write(data: string): Errno | null;
}

export interface DirEntry {
  name: string;
  stat: Stat;
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const lastComponent = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? '';

export class FsView {
  constructor(
    private readonly mnt: MountNs,
    readonly ns: Netns,
  ) {}

  private get now(): number {
    return this.ns.world.now;
  }

  private touchWorld = () => this.ns.world.touch();

  private child(dir: Inode, path: string, name: string): Inode | undefined {
    if (dir.kind !== 'dir') return undefined;
    const bound = this.mnt.binds.get(path);
    if (bound) return dirLookup(dir, name) ? bound : undefined;
    if (path === '/proc') return procRoot(this.ns, this.now, this.touchWorld);
    return dirLookup(dir, name);
  }

  private isMountPoint(path: string): boolean {
    return this.mnt.binds.has(path) || path === '/proc' || path === '/';
  }

  private walk(path: string, cwd: string): Walk {
    if (path === '') return { kind: 'error', errno: 'ENOENT' };
    const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
    const parts = abs.split('/').filter((p) => p !== '');
    const dirOnly = /[^/]\/+$/.test(path) || /(^|\/)\.\.?$/.test(path);
    const stack: Found[] = [{ node: this.mnt.machine.root, path: '/', parent: null, name: '/' }];
    for (let i = 0; i < parts.length; i++) {
      const comp = parts[i];
      const cur = stack[stack.length - 1];
      if (cur.node.kind !== 'dir') return { kind: 'error', errno: 'ENOTDIR' };
      if (comp === '.') continue;
      if (comp === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (comp.length > NAME_MAX) return { kind: 'error', errno: 'ENAMETOOLONG' };
      const childPath = join(cur.path, comp);
      const node = this.child(cur.node, childPath, comp);
      if (!node) {
        if (i === parts.length - 1) return { kind: 'missing', at: { parent: cur.node, name: comp, path: childPath, dirOnly } };
        return { kind: 'error', errno: 'ENOENT' };
      }
      stack.push({ node, path: childPath, parent: cur.node, name: comp });
    }
    const top = stack[stack.length - 1];
    if (dirOnly && top.node.kind !== 'dir') return { kind: 'error', errno: 'ENOTDIR' };
    return { kind: 'found', at: top };
  }

  private found(path: string, cwd: string): Sys<Found> {
    const w = this.walk(path, cwd);
    if (w.kind === 'found') return ok(w.at);
    return err(w.kind === 'missing' ? 'ENOENT' : w.errno);
  }

  private statOf(node: Inode, path: string): Stat {
    if (node.kind === 'dir') {
      const subdirs = node.proc ? 0 : [...node.entries.values()].filter((c) => c.kind === 'dir').length;
      return { kind: 'dir', mode: node.mode, nlink: 2 + subdirs, size: node.proc ? 0 : 4096, mtime: node.mtime, fsType: node.proc ? 'proc' : 'tmpfs' };
    }
    if (node.kind === 'chr') return { kind: 'chr', mode: node.mode, nlink: 1, size: 0, mtime: node.mtime, rdev: node.rdev, fsType: 'devtmpfs' };
    return {
      kind: 'file',
      mode: node.mode,
      nlink: 1,
      size: node.proc ? 0 : byteLength(node.data),
      mtime: node.proc ? this.now : node.mtime,
      fsType: node.proc || path.startsWith('/proc/') ? 'proc' : 'tmpfs',
    };
  }

  /** The absolute, normalized path of an existing file (`cd` keeps this as PWD). */
  realpath(path: string, cwd: string): Sys<string> {
    const f = this.found(path, cwd);
    return f.ok ? ok(f.value.path) : f;
  }

  stat(path: string, cwd: string): Sys<Stat> {
    const f = this.found(path, cwd);
    return f.ok ? ok(this.statOf(f.value.node, f.value.path)) : f;
  }

  readFile(path: string, cwd: string): Sys<string> {
    const f = this.found(path, cwd);
    if (!f.ok) return f;
    const node = f.value.node;
    if (node.kind === 'dir') return err('EISDIR');
    if (node.kind === 'chr') return ok(node.dev === 'null' ? '' : '\0'.repeat(ZERO_READ));
    return ok(node.proc ? node.proc.read() : node.data);
  }

  /** A directory's entries (without . and ..), unsorted. */
  readdir(path: string, cwd: string): Sys<DirEntry[]> {
    const f = this.found(path, cwd);
    if (!f.ok) return f;
    const { node, path: dirPath } = f.value;
    if (node.kind !== 'dir') return err('ENOTDIR');
    const out: DirEntry[] = [];
    for (const name of dirNames(node)) {
      const childPath = join(dirPath, name);
      const child = this.child(node, childPath, name);
      if (child) out.push({ name, stat: this.statOf(child, childPath) });
    }
    return ok(out);
  }

  private reserve(bytes: number, inodes: number): Errno | null {
    const m = this.mnt.machine;
    if (m.bytes + bytes > MACHINE_BYTES || m.inodes + inodes > MACHINE_INODES) return 'ENOSPC';
    m.bytes += bytes;
    m.inodes += inodes;
    return null;
  }

  private fileHandle(node: FileInode): WriteHandle {
    return {
      write: (data) => {
        if (node.proc) return node.proc.write(data);
        const e = this.reserve(byteLength(data), 0);
        if (e) return e;
        node.data += data;
        node.mtime = this.now;
        return null;
      },
    };
  }

  /**
   * open(path, O_WRONLY|O_CREAT|(append ? O_APPEND : O_TRUNC)): a handle, or why not. With
   * `exclusive`, an existing file is EEXIST (O_EXCL, the shell's `set -C`).
   */
  openWrite(path: string, cwd: string, opts: { append?: boolean; exclusive?: boolean; create?: boolean } = {}): Sys<WriteHandle> {
    const w = this.walk(path, cwd);
    if (w.kind === 'error') return err(w.errno);
    if (w.kind === 'missing') {
      if (opts.create === false) return err('ENOENT');
      const { parent, name, dirOnly } = w.at;
      if (dirOnly) return err('EISDIR');
      if (parent.proc) return err('ENOENT');
      const e = this.reserve(0, 1);
      if (e) return err(e);
      const node = mkfileInode('', 0o644, this.now);
      parent.entries.set(name, node);
      parent.mtime = this.now;
      return ok(this.fileHandle(node));
    }
    const node = w.at.node;
    if (opts.exclusive) return err('EEXIST');
    if (node.kind === 'dir') return err('EISDIR');
    if (node.kind === 'chr') return ok({ write: () => (node.dev === 'full' ? 'ENOSPC' : null) });
    if (!opts.append && !node.proc) {
      this.mnt.machine.bytes -= byteLength(node.data);
      node.data = '';
      node.mtime = this.now;
    }
    return ok(this.fileHandle(node));
  }

  /** Write a whole file (create or truncate), as `cp` and `tee` do. */
  writeFile(path: string, cwd: string, data: string, opts: { append?: boolean } = {}): Errno | null {
    const h = this.openWrite(path, cwd, opts);
    if (!h.ok) return h.errno;
    return data === '' ? null : h.value.write(data);
  }

  mkdir(path: string, cwd: string, mode = 0o755): Errno | null {
    const w = this.walk(path, cwd);
    if (w.kind === 'error') return w.errno;
    if (w.kind === 'found') return 'EEXIST';
    const { parent, name } = w.at;
    if (parent.proc) return 'ENOENT';
    const e = this.reserve(0, 1);
    if (e) return e;
    parent.entries.set(name, mkdirInode(mode, this.now));
    parent.mtime = this.now;
    return null;
  }

  /** Update a file's time, or create it empty (touch). */
  touch(path: string, cwd: string): Errno | null {
    const w = this.walk(path, cwd);
    if (w.kind === 'error') return w.errno;
    if (w.kind === 'missing') {
      const h = this.openWrite(path, cwd);
      return h.ok ? null : h.errno;
    }
    const node = w.at.node;
    if ((node.kind === 'dir' || node.kind === 'file') && node.proc) return 'EACCES';
    node.mtime = this.now;
    return null;
  }

  unlink(path: string, cwd: string): Errno | null {
    const f = this.found(path, cwd);
    if (!f.ok) return f.errno;
    const { node, parent, name, path: abs } = f.value;
    if (node.kind === 'dir') return 'EISDIR';
    if (!parent || parent.proc || (node.kind === 'file' && node.proc)) return 'EACCES';
    if (this.isMountPoint(abs)) return 'EBUSY';
    this.release(node);
    parent.entries.delete(name);
    parent.mtime = this.now;
    return null;
  }

  rmdir(path: string, cwd: string): Errno | null {
    if (lastComponent(path) === '.') return 'EINVAL';
    const f = this.found(path, cwd);
    if (!f.ok) return f.errno;
    const { node, parent, name, path: abs } = f.value;
    if (node.kind !== 'dir') return 'ENOTDIR';
    if (node.proc || this.isMountPoint(abs) || !parent) return abs === '/' || this.isMountPoint(abs) ? 'EBUSY' : 'EACCES';
    if (node.entries.size > 0) return 'ENOTEMPTY';
    this.release(node);
    parent.entries.delete(name);
    parent.mtime = this.now;
    return null;
  }

  /** rename(2): replaces a file, or an empty directory with a directory. */
  rename(from: string, to: string, cwd: string): Errno | null {
    const src = this.found(from, cwd);
    if (!src.ok) return src.errno;
    const s = src.value;
    if (!s.parent || this.isMountPoint(s.path)) return 'EBUSY';
    if (s.parent.proc) return 'EACCES';
    const w = this.walk(to, cwd);
    if (w.kind === 'error') return w.errno;
    const target = w.kind === 'found' ? w.at : null;
    const parent = w.kind === 'found' ? w.at.parent : w.at.parent;
    const name = w.kind === 'found' ? w.at.name : w.at.name;
    const destPath = w.kind === 'found' ? w.at.path : w.at.path;
    if (!parent) return 'EBUSY';
    if (parent.proc) return 'EXDEV';
    if (destPath === s.path) return null;
    if (s.node.kind === 'dir' && (destPath + '/').startsWith(s.path + '/')) return 'EINVAL';
    if (target) {
      if (this.isMountPoint(target.path)) return 'EBUSY';
      if (target.node.kind === 'dir') {
        if (s.node.kind !== 'dir') return 'EISDIR';
        if (target.node.entries.size > 0) return 'ENOTEMPTY';
      } else if (s.node.kind === 'dir') return 'ENOTDIR';
      this.release(target.node);
    } else if (w.kind === 'missing' && w.at.dirOnly && s.node.kind !== 'dir') return 'ENOTDIR';
    s.parent.entries.delete(s.name);
    parent.entries.set(name, s.node);
    s.parent.mtime = parent.mtime = this.now;
    return null;
  }

  /** Give back the room a removed inode held (a whole subtree, for rename over a directory). */
  private release(node: Inode): void {
    const m = this.mnt.machine;
    m.inodes--;
    if (node.kind === 'file' && !node.proc) m.bytes -= byteLength(node.data);
    if (node.kind === 'dir' && !node.proc) for (const c of node.entries.values()) this.release(c);
  }
}
