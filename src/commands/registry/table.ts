import type { CommandSpec } from './types';
import { COMMAND_TABLE } from './commands';

/**
 * The one table of commands, by name: dispatch, tab completion, undo, `help`, the help dialog and
 * the fuzz helpers all read it. Built on first use, so command modules that import dispatch (the
 * wrappers: ip netns exec, sh -c) can be loaded before it.
 */
let byName: Map<string, CommandSpec> | null = null;

function table(): Map<string, CommandSpec> {
  if (!byName) {
    byName = new Map();
    for (const spec of COMMAND_TABLE) {
      if (byName.has(spec.name)) throw new Error(`command "${spec.name}" is registered twice`);
      byName.set(spec.name, spec);
    }
  }
  return byName;
}

/**
 * Where the programs live for what execs an argv directly (`kubectl exec`): the usual bin
 * directories, and `/` for the images that put their one binary there (the e2e image's
 * `/agnhost`, which the upstream probes run as `/agnhost connect …`). The shell resolves its own
 * PATH (interp.ts findProgram).
 */
const PROGRAM_DIRS = new Set(['/', '/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/local/bin/', '/usr/local/sbin/']);

/** The command of this name or absolute path (what execvp() would find), or undefined. */
export function lookupCommand(name: string): CommandSpec | undefined {
  const slash = name.lastIndexOf('/');
  if (slash >= 0) return PROGRAM_DIRS.has(name.slice(0, slash + 1)) ? table().get(name.slice(slash + 1)) : undefined;
  return table().get(name);
}

export function isCommand(name: string): boolean {
  return lookupCommand(name) !== undefined;
}

/** Every command, sorted by name. */
export function allCommands(): CommandSpec[] {
  return [...table().values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function commandNames(): string[] {
  return allCommands().map((c) => c.name);
}
