import type { World } from '../engine/world';
import type { CommandResult } from './types';
import type { Ctx } from './context';
import { tokenize } from './shell/tokenize';
import { COMMANDS, runArgv } from './shell/dispatch';

export type { CommandResult } from './types';
export { tokenize } from './shell/tokenize';

/** Starting a process costs real time: on Linux each step of a scenario takes a few milliseconds. */
export const COMMAND_START_MS = 2;

/** Names for tab completion. */
export const COMMAND_NAMES: string[] = Object.keys(COMMANDS).sort();

/**
 * Run one shell line in a namespace: `a; b && c || d`, exactly as the real tools answer.
 * Never throws: a simulator fault becomes an error message, and the lab stays as it was.
 */
export function runCommand(world: World, on: string, line: string, opts: { shell?: 'sh' | 'bash'; stdin?: string } = {}): CommandResult {
  const shell = opts.shell ?? 'bash';
  const ns = world.netns(on);
  world.drainTrace();
  if (!ns) return { stdout: '', stderr: `${shell}: cannot enter namespace "${on}"\n`, exit: 1, trace: [] };
  const t = tokenize(line);
  if (!t.ok) return { stdout: '', stderr: shell === 'sh' ? `sh: 1: ${t.dash}\n` : `bash: ${t.error}\n`, exit: 2, trace: [] };
  const ctx: Ctx = { world, ns, out: [], err: [], shell };
  let exit = 0;
  world.budgetUsed = 0;
  // the step's standard input goes to the first command that reads it
  let stdin = opts.stdin;
  for (const p of t.list) {
    if (p.join === '&&' && exit !== 0) continue;
    if (p.join === '||' && exit === 0) continue;
    world.advance(COMMAND_START_MS);
    try {
      const expand = (argv: string[]) => argv.map((a) => (a.includes('$?') ? a.replaceAll('$?', String(exit)) : a));
      if (p.pipeTo) {
        // a | b | c: each reads what the one before printed; the last one's status is the pipeline's
        let input: string | undefined = stdin;
        stdin = undefined;
        let status = 0;
        const stages = [p.argv, ...p.pipeTo].map(expand);
        stages.forEach((argv, i) => {
          const out: string[] = [];
          status = runArgv({ ...ctx, ns, out: i === stages.length - 1 ? ctx.out : out, stdin: input }, argv);
          input = out.join('');
        });
        exit = status;
      } else {
        exit = runArgv({ ...ctx, ns, stdin }, expand(p.argv));
        stdin = undefined;
      }
    } catch (e) {
      ctx.err.push(`${p.argv[0]}: internal simulator error: ${(e as Error).message}\n`);
      exit = 70;
    }
    if (world.budgetExceeded) {
      world.budgetExceeded = false;
      ctx.err.push(`${p.argv[0]}: stopped by Hoplab: the simulation exceeded its event budget (a forwarding loop?)\n`);
    }
  }
  return { stdout: ctx.out.join(''), stderr: ctx.err.join(''), exit, trace: world.drainTrace() };
}
