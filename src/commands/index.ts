import type { World } from '../engine/world';
import type { CommandResult } from './types';
import { COMMANDS } from './shell/dispatch';
import { runLine } from './shell/sh';

export type { CommandResult } from './types';
export { tokenize } from './shell/tokenize';

export { COMMAND_START_MS } from './shell/program';

/** Names for tab completion. */
export const COMMAND_NAMES: string[] = Object.keys(COMMANDS).sort();

/**
 * Run one shell line in a namespace, exactly as the real tools answer: in a fresh `sh -c` (dash,
 * scenario steps) or in the host's terminal bash, whose variables and directory stay. `stdin` is
 * what the line reads on its standard input (none: /dev/null).
 * Never throws: a simulator fault becomes an error message, and the lab stays as it was.
 */
export function runCommand(world: World, on: string, line: string, opts: { shell?: 'sh' | 'bash'; stdin?: string } = {}): CommandResult {
  const shell = opts.shell ?? 'bash';
  const ns = world.netns(on);
  world.drainTrace();
  if (!ns) return { stdout: '', stderr: `${shell}: cannot enter namespace "${on}"\n`, exit: 1, trace: [] };
  world.budgetUsed = 0;
  try {
    const r = runLine(world, ns, line, shell, opts.stdin);
    return { ...r, trace: world.drainTrace() };
  } catch (e) {
    return { stdout: '', stderr: `${shell}: internal simulator error: ${(e as Error).message}\n`, exit: 70, trace: world.drainTrace() };
  }
}
