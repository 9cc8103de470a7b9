/**
 * Running a simulated program from the shell: the registry's command gets the shell's descriptors
 * as a command context (standard input read only if the program reads it, output written to
 * wherever fd 1 and fd 2 point), its working directory and environment.
 */
import { strerror, type Errno } from '../../engine/fs';
import type { Ctx } from '../context';
import { isCommand, runArgv } from './dispatch';
import type { Co } from './expand';
import type { Interp, Programs } from './interp';
import { StringInput, type Fds, type Output } from './io';

/** Starting a process costs real time: on Linux each step of a scenario takes a few milliseconds. */
export const COMMAND_START_MS = 2;

/** Write a program's output where its descriptor points; the first failure is kept. */
function flush(out: Output | undefined, chunks: string[]): Errno | null {
  const text = chunks.join('');
  if (text === '') return null;
  return out ? out.write(text) : 'EBADF';
}

export const registryPrograms: Programs = {
  has: (name) => isCommand(name),
  *run(it: Interp, argv: string[], fds: Fds, env: Record<string, string>): Co<number> {
    const { world, ns, dialect } = it.sh;
    world.advance(COMMAND_START_MS);
    const out = fds[1]?.out;
    const errOut = fds[2]?.out;
    const outChunks: string[] = [];
    const errChunks: string[] = out && out === errOut ? outChunks : [];
    let stdin: string | undefined;
    const input = fds[0]?.in;
    const ctx: Ctx = { world, ns, out: outChunks, err: errChunks, shell: dialect, cwd: it.sh.cwd, env, tty: out?.tty === true, stdinIsFile: input instanceof StringInput && input.regular };
    // a program that never reads its standard input leaves it for the next one (`while read` loops)
    Object.defineProperty(ctx, 'stdin', { enumerable: true, get: () => (stdin ??= fds[0]?.in?.readAll() ?? '') });
    let status: number;
    world.budgetUsed = 0;
    try {
      status = runArgv(ctx, argv);
    } catch (e) {
      errChunks.push(`${argv[0]}: internal simulator error: ${(e as Error).message}\n`);
      status = 70;
    }
    if (world.budgetExceeded) {
      world.budgetExceeded = false;
      errChunks.push(`${argv[0]}: stopped by Hoplab: the simulation exceeded its event budget (a forwarding loop?)\n`);
    }
    const e = flush(out, outChunks);
    if (errChunks !== outChunks) flush(errOut, errChunks);
    if (e) {
      it.write(fds, 2, `${argv[0]}: write error: ${strerror(e)}\n`);
      return 1;
    }
    return status;
  },
};
