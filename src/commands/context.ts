import type { World } from '../engine/world';
import type { Netns } from '../engine/netns/netns';
import type { Waker } from '../engine/proc/task';

/** Where a command writes: an array, a terminal, a pipe, a file (anything that takes chunks of text). */
export interface Sink {
  push(...chunks: string[]): unknown;
}

/** What a command line did so far, as the registry accounts it (see src/commands/registry). */
export interface Effects {
  /** a command of kind 'config' changed the lab: the line is an undo step */
  edit: boolean;
  /** a simulator bug met the line: the lab may be half changed, and is rebuilt by whoever keeps it */
  fault: boolean;
  /** world changes already accounted to a command (so a wrapper is not charged for what it ran) */
  accounted: number;
}

/** What a command runs against: the world, the namespace it runs in, its task and its output. */
export interface Ctx {
  world: World;
  ns: Netns;
  out: Sink;
  err: Sink;
  shell: 'sh' | 'bash';
  /** what the command before it in a pipeline printed (`a | b`), or what it reads from a file or here-document */
  stdin?: string;
  /** the task the command runs in: the sockets it opens wake it */
  task: Waker;
  effects: Effects;
  /** the working directory relative paths are read from (the shell's; `/` when none) */
  cwd?: string;
  /** the environment the shell passed (exported variables) */
  env?: Record<string, string>;
  /** standard output is a terminal (ls prints columns there) */
  tty?: boolean;
  /** standard input is a regular file (`< file`), not a pipe or a device (wc sizes its columns by it) */
  stdinIsFile?: boolean;
}

/** Thrown to stop a command with an exit status (iproute2's exit(-1) is 255). */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const fail = (ctx: Ctx, msg: string, code: number): never => {
  ctx.err.push(msg);
  throw new Exit(code);
};
