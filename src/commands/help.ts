import { fail, type Ctx } from './context';
import { allCommands, lookupCommand } from './registry/table';
import type { CommandSpec } from './registry/types';

/** What the terminal itself does, beside the commands of the table (src/store/terminals.ts). */
const TERMINAL_NOTES = ['clear, history and exit work as in bash; Ctrl+C stops a running command (ping prints its statistics).', 'Tab completes commands, devices, namespaces and addresses.'];

const learnText = (c: CommandSpec): string => c.learn ?? 'no options to learn';

/**
 * `help`: bash's builtin lists bash's own builtins; Hoplab's lists the commands it simulates and
 * how to learn each. `help NAME` tells one, and an unknown name gets bash's answer.
 */
function help(ctx: Ctx, argv: string[]): void {
  const names = argv.filter((a) => !a.startsWith('-'));
  if (names.length > 0) {
    for (const name of names) {
      const c = lookupCommand(name);
      if (!c) fail(ctx, `bash: help: no help topics match \`${name}'.  Try \`help help' or \`man -k ${name}' or \`info ${name}'.\n`, 1);
      ctx.out.push(`${c!.name}: ${c!.summary}\n    To learn more: ${learnText(c!)}\n`);
    }
    return;
  }
  const all = allCommands();
  const width = Math.max(...all.map((c) => c.name.length)) + 2;
  const lines = all.map((c) => `  ${c.name.padEnd(width)}${c.summary}${c.learn ? ` (${c.learn})` : ''}\n`);
  ctx.out.push(`Hoplab simulates these commands; \`help NAME' says how to learn each:\n\n${lines.join('')}\n${TERMINAL_NOTES.join('\n')}\n`);
}

export const helpCommand: CommandSpec = {
  name: 'help',
  kind: 'read',
  summary: 'list the commands Hoplab simulates, or how to learn one',
  complete: (args) => (args.length === 0 ? allCommands().map((c) => c.name) : []),
  run: help,
};
