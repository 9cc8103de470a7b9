/**
 * Running a simulated program from the shell: the registry's command gets the shell's descriptors
 * as a command context (output written as it comes to wherever fd 1 and fd 2 point, standard
 * input read only if the program reads it), its working directory, environment and the job's task.
 */
import { Signaled, sleepUntil } from '../../engine/proc/task';
import { strerror, type Errno } from '../../engine/fs';
import type { Ctx, Sink } from '../context';
import { isCommand, runArgv } from './dispatch';
import type { Co } from './expand';
import type { Interp, Programs } from './interp';
import { StringInput, type Fds, type Output } from './io';

/** Starting a process costs real time: on Linux each step of a scenario takes a few milliseconds. */
export const COMMAND_START_MS = 2;

/** A sink writing through to an output, remembering the first write that failed. */
function sinkTo(out: Output | undefined): Sink & { failed: Errno | null } {
  const sink = {
    failed: null as Errno | null,
    push(...chunks: string[]) {
      const text = chunks.join('');
      if (text === '' || sink.failed) return;
      sink.failed = out ? out.write(text) : 'EBADF';
    },
  };
  return sink;
}

/** The context a program gets from the shell that starts it. */
export function programCtx(it: Interp, fds: Fds, env: Record<string, string>): { ctx: Ctx; out: ReturnType<typeof sinkTo> } {
  const { world, ns, dialect } = it.sh;
  const outFd = fds[1]?.out;
  const out = sinkTo(outFd);
  const err = fds[2]?.out === outFd ? out : sinkTo(fds[2]?.out);
  const input = fds[0]?.in;
  let stdin: string | undefined;
  const ctx: Ctx = {
    world,
    ns,
    out,
    err,
    shell: dialect,
    task: it.job.task,
    effects: it.job.effects,
    cwd: it.sh.cwd,
    env,
    tty: outFd?.tty === true,
    stdinIsFile: input instanceof StringInput && input.regular,
    // a program that never reads its standard input leaves it for the next one (`while read` loops)
    get stdin() {
      return (stdin ??= input?.readAll() ?? '');
    },
  };
  return { ctx, out };
}

export const registryPrograms: Programs = {
  has: (name) => isCommand(name),
  *run(it: Interp, argv: string[], fds: Fds, env: Record<string, string>): Co<number> {
    yield sleepUntil(it.sh.world.now + COMMAND_START_MS);
    const { ctx, out } = programCtx(it, fds, env);
    let status: number;
    try {
      status = yield* runArgv(ctx, argv);
    } catch (e) {
      if (e instanceof Signaled) throw e;
      // a simulator bug in one program: it fails like a crashed program, the shell goes on
      it.job.effects.fault = true;
      ctx.err.push(`${argv[0]}: internal simulator error: ${(e as Error).message}\n`);
      status = 70;
    }
    if (out.failed) {
      it.write(fds, 2, `${argv[0]}: write error: ${strerror(out.failed)}\n`);
      return 1;
    }
    return status;
  },
};
