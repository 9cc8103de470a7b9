import { Signaled, sleepUntil, type Proc } from '../../engine/proc/task';
import type { Ctx } from '../context';
import { runArgv } from './dispatch';
import type { Pipeline } from './tokenize';

/** Starting a process costs real time: on Linux each step of a scenario takes a few milliseconds. */
export const COMMAND_START_MS = 2;

/**
 * The shell running a parsed line: `a; b && c || d`, each item a pipeline `a | b` whose stages
 * read what the stage before printed. A coroutine, so a command in it may run on the virtual
 * clock (ping waits for its replies) and a signal reaches the command it is waiting on: a command
 * that catches SIGINT (ping) ends normally and the list goes on; one that dies of it ends the list.
 */
export function* runList(ctx: Ctx, list: readonly Pipeline[], stdin?: string): Proc {
  let exit = 0;
  // the line's standard input goes to the first command that reads it
  let input0 = stdin;
  for (const p of list) {
    if (p.join === '&&' && exit !== 0) continue;
    if (p.join === '||' && exit === 0) continue;
    yield sleepUntil(ctx.world.now + COMMAND_START_MS);
    const expand = (argv: string[]) => argv.map((a) => (a.includes('$?') ? a.replaceAll('$?', String(exit)) : a));
    try {
      if (p.pipeTo) {
        let input: string | undefined = input0;
        input0 = undefined;
        let status = 0;
        const stages = [p.argv, ...p.pipeTo].map(expand);
        for (let i = 0; i < stages.length; i++) {
          const out: string[] = [];
          status = yield* runArgv({ ...ctx, out: i === stages.length - 1 ? ctx.out : out, stdin: input }, stages[i]);
          input = out.join('');
        }
        exit = status;
      } else {
        const stdin1 = input0;
        input0 = undefined;
        exit = yield* runArgv({ ...ctx, stdin: stdin1 }, expand(p.argv));
      }
    } catch (e) {
      if (e instanceof Signaled) throw e;
      // a simulator bug in one command: it fails like a crashed program, the shell goes on
      ctx.err.push(`${p.argv[0]}: internal simulator error: ${(e as Error).message}\n`);
      exit = 70;
    }
  }
  return exit;
}
