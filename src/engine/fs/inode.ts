/**
 * The inodes of Hoplab's small per-machine file system, and the errors its system calls return.
 *
 * Regular files and directories are plain data (a tmpfs, in effect); `/dev` holds character
 * devices; procfs nodes are made on lookup from live kernel state (see procfs.ts), so
 * `/proc/sys/net/ipv4/ip_forward` always reads what `sysctl` would. Nothing here reads a clock:
 * times are the world's virtual milliseconds, passed in.
 */

/** errno values the file system returns, with the text strerror() gives them in the C locale. */
export const STRERROR = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
} as const;

export type Errno = keyof typeof STRERROR;

export const strerror = (e: Errno): string => STRERROR[e];

/** A result that is either a value or an errno, as a system call returns. */
export type Sys<T> = { ok: true; value: T } | { ok: false; errno: Errno };

export const ok = <T>(value: T): Sys<T> => ({ ok: true, value });
export const err = <T = never>(errno: Errno): Sys<T> => ({ ok: false, errno });

/** S_IFMT kinds Hoplab models. */
export type InodeKind = 'dir' | 'file' | 'chr';

interface InodeBase {
  /** permission bits (0o755 …) */
  mode: number;
  /** last modification, in virtual milliseconds */
  mtime: number;
}

export interface DirInode extends InodeBase {
  kind: 'dir';
  /** entries in insertion order (listings sort them, as ls does) */
  entries: Map<string, Inode>;
  /** a procfs directory: its entries come from kernel state when asked, and it cannot be changed */
  proc?: ProcDir;
}

/** A procfs directory's entries, made from kernel state when a walk or a listing asks. */
export interface ProcDir {
  names(): string[];
  lookup(name: string): Inode | undefined;
}

export interface FileInode extends InodeBase {
  kind: 'file';
  data: string;
  /** a procfs file: read on open, and each write() goes to its kernel handler */
  proc?: ProcHandler;
}

/** What a procfs file does when it is read and written (the kernel's proc_handler). */
export interface ProcHandler {
  read(): string;
  /** one write() call; an errno refuses it */
  write(data: string): Errno | null;
}

/** The character devices a shell script meets. */
export type DeviceName = 'null' | 'zero' | 'full';

export interface DevInode extends InodeBase {
  kind: 'chr';
  dev: DeviceName;
  /** major, minor as `ls -l` prints them */
  rdev: [number, number];
}

export type Inode = DirInode | FileInode | DevInode;

export const mkdirInode = (mode: number, mtime: number): DirInode => ({ kind: 'dir', mode, mtime, entries: new Map() });
export const mkfileInode = (data: string, mode: number, mtime: number): FileInode => ({ kind: 'file', mode, mtime, data });

/** What stat() tells: enough for ls -l, test -f/-d/-s, cp and the shell's redirections. */
export interface Stat {
  kind: InodeKind;
  mode: number;
  nlink: number;
  size: number;
  mtime: number;
  rdev?: [number, number];
  /** which file system it lives on (procfs files read their value on open) */
  fsType: 'tmpfs' | 'proc' | 'devtmpfs';
}

/** Byte length of a string as UTF-8, what st_size reports for a file holding it. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The entry `name` of a directory (procfs directories make it on demand). */
export const dirLookup = (d: DirInode, name: string): Inode | undefined => (d.proc ? d.proc.lookup(name) : d.entries.get(name));

/** A directory's entry names, unsorted. */
export const dirNames = (d: DirInode): string[] => (d.proc ? d.proc.names() : [...d.entries.keys()]);
