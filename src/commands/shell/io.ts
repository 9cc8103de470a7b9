/**
 * File descriptors as the shell hands them to commands: an input is read from a position (so
 * `while read l; do …; done < file` takes one line per turn and `cat` in the body the rest), an
 * output is written as data arrives (a file opened by `>` holds what was written so far).
 */
import type { Errno, WriteHandle } from '../../engine/fs';

export interface Input {
  /** everything not yet read */
  readAll(): string;
  /** one line without its newline, or null at end of input; `sawNewline` says whether it ended in one */
  readLine(): { line: string; sawNewline: boolean } | null;
}

export class StringInput implements Input {
  private pos = 0;
  constructor(
    private readonly data: string,
    /** a regular file opened with `<` (not a pipe, a here-document or a device) */
    readonly regular = false,
  ) {}

  readAll(): string {
    const rest = this.data.slice(this.pos);
    this.pos = this.data.length;
    return rest;
  }

  readLine(): { line: string; sawNewline: boolean } | null {
    if (this.pos >= this.data.length) return null;
    const nl = this.data.indexOf('\n', this.pos);
    const end = nl < 0 ? this.data.length : nl;
    const line = this.data.slice(this.pos, end);
    this.pos = nl < 0 ? end : end + 1;
    return { line, sawNewline: nl >= 0 };
  }
}

export const EMPTY_INPUT: Input = { readAll: () => '', readLine: () => null };

export interface Output {
  write(data: string): Errno | null;
  /** a terminal (isatty): ls prints columns to it */
  readonly tty?: boolean;
}

/** Collects what is written: a pipe to the next command, a command substitution, the step's stdout. */
export class BufferOutput implements Output {
  readonly chunks: string[] = [];
  /** a runaway producer (`yes`-like loops) is cut off here rather than filling the tab's memory */
  private size = 0;
  constructor(
    private readonly limit = 16 * 1024 * 1024,
    readonly tty = false,
  ) {}

  write(data: string): Errno | null {
    if (this.size + data.length > this.limit) return 'EFBIG';
    this.size += data.length;
    this.chunks.push(data);
    return null;
  }

  text(): string {
    return this.chunks.join('');
  }
}

export class FileOutput implements Output {
  constructor(private readonly handle: WriteHandle) {}
  write(data: string): Errno | null {
    return data === '' ? null : this.handle.write(data);
  }
}

/** An open descriptor: `<>` opens one for both. */
export interface Fd {
  in?: Input;
  out?: Output;
}

/** The descriptors 0–9 a command starts with; redirections change a copy. */
export type Fds = (Fd | undefined)[];

export const cloneFds = (fds: Fds): Fds => fds.slice();
