import type { Proc } from '../../engine/proc/task';
import type { Ctx } from '../context';

/**
 * How undo sees a command.
 * - `config`: changes how the lab is built (ip, sysctl, bridge, hostname): a line that ran one and
 *   changed the lab is an undo step.
 * - `probe`: sends packets or watches them (ping, traceroute, tcpdump). Neighbour caches, FDBs and
 *   the clock move, so the line is kept for a faithful replay, but undo skips over it.
 * - `read`: prints or filters text (echo, cat, grep, help); changes nothing.
 */
export type CommandKind = 'config' | 'probe' | 'read';

/** A command either finishes at once (its exit status; nothing means 0) or runs on the virtual clock. */
export type CommandReturn = void | number | Proc;

/** What Tab can offer, read from the lab by the terminal. */
export interface CompletionEnv {
  /** device names in the namespace the command will run in */
  devices: readonly string[];
  /** namespaces a terminal can open (hosts and pods) */
  netns: readonly string[];
  /** IPv4 addresses in the lab */
  addresses: readonly string[];
  /** sysctl keys */
  sysctls?: readonly string[];
}

/**
 * Candidates for the next word after `args` (the words typed after the command name, the one
 * being completed left out). `sub` completes a whole command line: a wrapper such as
 * `ip netns exec NAME …` hands the words after NAME back to it.
 */
export type Completer = (args: readonly string[], env: CompletionEnv, sub: (words: readonly string[]) => readonly string[]) => readonly string[];

/** One command Hoplab simulates: everything dispatch, completion, undo and help need to know. */
export interface CommandSpec {
  name: string;
  kind: CommandKind;
  /** one line for `help` and the help dialog */
  summary: string;
  /** how to learn more, as on Linux ("ip help", "ping -h"); shown by `help NAME` */
  learn?: string;
  complete?: Completer;
  /** `argv` is the arguments, without the command's name */
  run(ctx: Ctx, argv: string[]): CommandReturn;
}
