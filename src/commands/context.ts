import type { World } from '../engine/world';
import type { Netns } from '../engine/netns/netns';

/** What a command runs against: the world, the namespace it runs in, and output sinks. */
export interface Ctx {
  world: World;
  ns: Netns;
  out: string[];
  err: string[];
  shell: 'sh' | 'bash';
  /** what the command before it in a pipeline printed (`a | b`), or what it reads from a file or here-document */
  stdin?: string;
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
