import type { Proc } from '../../engine/proc/task';
import { Exit, type Ctx } from '../context';
import { lookupCommand } from '../registry/table';
import { driveNow } from './drive';
import type { CommandReturn } from '../registry/types';

export { isCommand } from '../registry/table';

/** A command's return value as a coroutine: a command that finished at once is a coroutine that never waits. */
export function* asProc(r: CommandReturn): Proc {
  if (r === undefined) return 0;
  if (typeof r === 'number') return r;
  return yield* r;
}

/**
 * Run one argv as execvp() would: the registered command of that name, or the shell's "not found"
 * (127). Returns the exit status; a command's `Exit` is its status, never an exception. The lab
 * changes a command of kind 'config' makes itself (not those of a command it runs, as
 * `ip netns exec` does) mark the line as an undo step.
 */
export function* runArgv(ctx: Ctx, argv: string[]): Proc {
  const [name, ...args] = argv;
  const spec = name === undefined ? undefined : lookupCommand(name);
  if (!spec) {
    ctx.err.push(ctx.shell === 'sh' ? `sh: 1: ${name}: not found\n` : `bash: ${name}: command not found\n`);
    return 127;
  }
  const { world, effects } = ctx;
  const before = world.version;
  const accounted = effects.accounted;
  let code: number;
  try {
    code = yield* asProc(spec.run(ctx, args));
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  } finally {
    // what this command changed itself: all changes since it started, less those its children were charged with
    const own = world.version - before - (effects.accounted - accounted);
    effects.accounted += own;
    if (own > 0 && spec.kind === 'config') effects.edit = true;
  }
  return code;
}


/**
 * Run argv to its end now, outside any task: for callers that are themselves one step of something
 * (a Kubernetes agent applying its plan, `kubectl exec`). A command that waits is driven inline on
 * the world's clock; one that nothing can ever wake is stopped (status 137).
 */
export function runArgvNow(ctx: Omit<Ctx, 'task' | 'effects'> & Partial<Pick<Ctx, 'effects'>>, argv: string[]): number {
  return driveNow(ctx.world, (task) => runArgv({ ...ctx, task, effects: ctx.effects ?? { edit: false, fault: false, accounted: 0 } }, argv));
}
